"""Where commands get their providers: API keys, URLs, the embedded sandbox, the state dir."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import MissingKeyError
from .http import Api
from .providers import provider_class
from .providers.base import Provider
from .state import State

# Keys the embedded sandbox accepts when the user has none set: one demo workspace each.
SANDBOX_KEYS = {"sendkit": "sk_sandbox_demo", "lemlist": "sandbox-demo",
                "puffle": "pk_test_sandbox"}


class Session:
    """One command's connection to the platforms: provider instances bound to API clients."""

    def __init__(
        self,
        *,
        sandbox: bool = False,
        state_dir: str | os.PathLike[str] = ".outreach",
        environ: Mapping[str, str] | None = None,
        sandbox_url: str | None = None,
    ) -> None:
        self.env = dict(os.environ if environ is None else environ)
        self.state_dir = Path(state_dir)
        self.sandbox = sandbox
        self._sandbox_url = sandbox_url
        self._running: Any = None
        self._providers: dict[str, Provider] = {}
        self._apis: list[Api] = []
        self._lock = threading.Lock()
        self._state: State | None = None

    @property
    def state(self) -> State:
        if self._state is None:
            self._state = State(self.state_dir)
        return self._state

    def sandbox_url(self) -> str:
        """Start the embedded sandbox on an ephemeral loopback port (once per session)."""
        if self._sandbox_url is None:
            from .sandbox import server

            self._running = server.start(str(self.state_dir / "sandbox.sqlite3"))
            self._sandbox_url = self._running.url
        return self._sandbox_url

    def provider(self, name: str) -> Provider:
        with self._lock:
            if name not in self._providers:
                cls = provider_class(name)
                api = self._api(cls)
                self._apis.append(api)
                self._providers[name] = cls(api)
            return self._providers[name]

    def credential(self, name: str) -> str:
        """The API key provider `name` is used with (never to be printed or stored)."""
        cls = provider_class(name)
        if self.sandbox:
            # The demo workspace's key, never the user's: a real key has no business in the
            # emulator, and every --sandbox run then sees the same workspace.
            return SANDBOX_KEYS[cls.name]
        key = self.env.get(cls.key_env_var, "")
        if not key:
            raise MissingKeyError(cls.title, cls.key_env_var)
        return key

    def workspace(self, name: str) -> str:
        """What names the workspace provider `name` talks to: its key, plus the workspace id
        a SendKit platform key is used with (the input of a saved plan's fingerprint)."""
        key = self.credential(name)
        if not self.sandbox and name == "sendkit" and key.startswith("sk_user_"):
            key += "\0" + self.env.get("SENDKIT_WORKSPACE_ID", "")
        return key

    def _api(self, cls: type[Provider]) -> Api:
        key = self.credential(cls.name)
        if self.sandbox:
            base = self.sandbox_url() + cls.sandbox_prefix
        else:
            base = self.env.get(f"OUTREACH_{cls.name.upper()}_URL") or cls.default_url
        return cls.connect(base, key, self.env)  # type: ignore[attr-defined,no-any-return]

    def close(self) -> None:
        for api in self._apis:
            api.close()
        if self._running is not None:
            self._running.stop()
            self._running = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
