"""Where commands get their providers: API keys, URLs, the embedded sandbox, the state dir."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .environment import reveal
from .errors import MissingKeyError, OutreachError
from .http import RATE_LIMIT_VAR, Api
from .project import Project, ProjectError, Workspace, discover
from .providers import provider_class
from .providers.base import Provider
from .state import State

# Keys the embedded sandbox accepts when the user has none set: one demo workspace each.
SANDBOX_KEYS = {
    "sendkit": "sk_sandbox_demo",
    "lemlist": "sandbox-demo",
    "puffle": "pk_test_sandbox",
}


class Session:
    """One command's connection to the platforms: provider instances bound to API clients."""

    def __init__(
        self,
        *,
        sandbox: bool = False,
        state_dir: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
        sandbox_url: str | None = None,
        project: Project | None = None,
    ) -> None:
        self.env = dict(os.environ if environ is None else environ)
        # The project the working directory belongs to: its root is found from any
        # subfolder, and state lives where its project file says (--state-dir overrides).
        self.project = project or discover(state_dir=state_dir)
        self.state_dir = self.project.state_dir
        self.sandbox = sandbox
        self._sandbox_url = sandbox_url
        self._running: Any = None
        self._providers: dict[str, Provider] = {}
        self._apis: list[Api] = []
        self._lock = threading.Lock()
        self._connecting: dict[str, threading.Lock] = {}
        self._sandbox_lock = threading.Lock()
        self._state: State | None = None

    @property
    def state(self) -> State:
        if self._state is None:
            self._state = State(
                self.state_dir,
                root=self.project.root,
                key=self.env.get("OUTREACH_STATE_KEY") or None,
            )
        return self._state

    def sandbox_url(self) -> str:
        """Start the embedded sandbox on an ephemeral loopback port (once per session)."""
        with self._sandbox_lock:
            if self._sandbox_url is None:
                from .sandbox import server

                self._running = server.start(str(self.state_dir / "sandbox.sqlite3"))
                self._sandbox_url = self._running.url
            return self._sandbox_url

    def provider(self, name: str) -> Provider:
        """The platform client of connection `name`: a project workspace's name, or a
        platform's (its one workspace). A workspace's key is checked to belong to the
        workspace the project binds before this returns: nothing else is sent otherwise."""
        with self._lock:
            if name in self._providers:
                return self._providers[name]
            connecting = self._connecting.setdefault(name, threading.Lock())
        with connecting:  # one connection a name; other names connect at the same time
            with self._lock:
                if name in self._providers:
                    return self._providers[name]
            ws = self._workspace_of(name)
            cls = provider_class(ws.provider if ws else name)
            api = self._api(cls, name)
            with self._lock:
                self._apis.append(api)
            provider = cls(api)
            if ws is not None:
                self._check(ws, provider)
            with self._lock:
                self._providers[name] = provider
            return provider

    def connections(self, names: list[str]) -> None:
        """Connect every one of `names` (workspaces or platforms) before any campaign is
        read: every missing key and every key of the wrong workspace is reported together."""
        missing: list[MissingKeyError] = []
        wrong: list[OutreachError] = []

        def connect(name: str) -> OutreachError | None:
            try:
                self.provider(name)
            except (MissingKeyError, ProjectError) as exc:
                return exc
            return None

        # Each workspace's key is checked with a request of its own (whoami): all at once, so
        # an agency's ten workspaces wait one round trip before the first read, not ten.
        unique = sorted(set(names))
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(unique)))) as pool:
            for exc in pool.map(connect, unique):
                if isinstance(exc, MissingKeyError):
                    missing.append(exc)
                elif exc is not None:
                    wrong.append(exc)
        if len(missing) == 1 and not wrong:
            raise missing[0]
        if missing:
            raise MissingKeyError.several([m.env_var for m in missing])
        if len(wrong) == 1:
            raise wrong[0]
        if wrong:
            raise ProjectError("; ".join(w.message for w in wrong), hint=wrong[0].hint)

    def _workspace_of(self, name: str) -> Workspace | None:
        ws = self.project.workspace(name)
        if ws is not None or not self.project.bound:
            return ws
        # A platform named where the project binds workspaces (a lead command's --provider):
        # its one workspace, if it has exactly one.
        same = [w for w in self.project.workspaces if w.provider == name]
        if len(same) == 1:
            return same[0]
        raise ProjectError(
            f"{self.project.file} binds {len(same)} {name} workspaces"
            + (f" ({', '.join(w.name for w in same)})" if same else ""),
            hint="name the campaign by its file, so its folder picks the workspace",
        )

    def _check(self, ws: Workspace, provider: Provider) -> None:
        """Fail closed: the key must belong to the workspace the project binds (read with
        the key itself: SendKit's GET /workspaces, lemlist's GET /team, Puffle's account)."""
        if self.sandbox:
            return  # the embedded emulator's demo workspaces are not the team's
        where = f"{self.project.file}:{ws.line}"
        folders = ", ".join(os.path.relpath(p, self.project.root) for p in ws.paths)
        ident = provider.whoami()
        if not ws.workspace:
            if not ident.id:
                raise ProjectError(
                    f"workspace {ws.name} ({where}) names no `workspace:`, and "
                    f"{provider.title} cannot yet tell which workspace the key in "
                    f"{ws.key_env} belongs to ({ident.detail})",
                    hint="bind it to one of its sender accounts: "
                    + (", ".join(ident.accounts) or "none found"),
                )
            raise ProjectError(
                f"workspace {ws.name} ({where}, folders {folders}) names no `workspace:`; the "
                f"key in {ws.key_env} belongs to {ident.label()}",
                hint=f"if that is the right one, add `workspace: {ident.id}` to {ws.name} in "
                f"{self.project.file}",
            )
        # Puffle documents nothing that names the workspace: its identity is a proxy (the
        # campaigns' user id), and a workspace may be bound to one of its sender accounts.
        if ws.workspace != ident.id and not (ident.proxy and ws.workspace in ident.accounts):
            raise ProjectError(
                f"the key in {ws.key_env} belongs to {ident.label()}, not to workspace "
                f"{ws.name}'s {ws.workspace} ({where}, folders {folders}); nothing was sent",
                hint=f"export the key of {ws.workspace} as {ws.key_env}",
            )

    def credential(self, name: str) -> str:
        """The API key connection `name` is used with (never to be printed or stored)."""
        ws = self._workspace_of(name)
        cls = provider_class(ws.provider if ws else name)
        if self.sandbox:
            # The demo workspace's key, never the user's: a real key has no business in the
            # emulator, and every --sandbox run then sees the same workspace (one per
            # project workspace: the emulator keeps one workspace per key).
            return SANDBOX_KEYS[cls.name] + (f"_{ws.name}" if ws else "")
        var = ws.key_env if ws else cls.key_env_var
        key = self.env.get(var, "")
        if not key:
            raise MissingKeyError(cls.title, var)
        reveal(key)  # a server that echoes it back is masked like any value from the environment
        return key

    def workspace(self, name: str) -> str:
        """What names the workspace connection `name` talks to: its key, plus the workspace
        id a SendKit platform key is used with (the input of a saved plan's fingerprint)."""
        key = self.credential(name)
        ws = self._workspace_of(name)
        if (
            not self.sandbox
            and (ws.provider if ws else name) == "sendkit"
            and key.startswith("sk_user_")
        ):
            key += "\0" + self.env.get("SENDKIT_WORKSPACE_ID", "")
        return key

    def _api(self, cls: type[Provider], name: str | None = None) -> Api:
        key = self.credential(name or cls.name)
        env = self.env
        if self.sandbox:
            base = self.sandbox_url() + cls.sandbox_prefix
            # The embedded sandbox enforces no rate limit, so a client limiter in front of it
            # protects nobody (it made the README's first command wait ~2.8 s).
            env = {**env, RATE_LIMIT_VAR: "off"}
        else:
            base = self.env.get(f"OUTREACH_{cls.name.upper()}_URL") or cls.default_url
        api: Api = cls.connect(base, key, env)  # type: ignore[attr-defined]
        api.identity = hashlib.sha256(
            "\0".join((cls.name, base, self.workspace(name or cls.name))).encode()
        ).hexdigest()
        return api

    def rate_limited(self) -> int:
        """Requests answered 429 so far, on every platform this session talked to."""
        with self._lock:
            return sum(api.rate_limited for api in self._apis)

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
