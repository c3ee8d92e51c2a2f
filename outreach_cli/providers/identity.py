"""Which workspace (SendKit), team (lemlist) or account (Puffle) an API key belongs to.

Each adapter's `whoami()` reads it with what its platform documents and answers a
`WorkspaceIdentity`. `proxy` says the platform documents no endpoint that names the workspace
and the identity is read from the best documented stand-in (`detail` says which).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkspaceIdentity:
    """The workspace a key belongs to, as the platform names it.

    `id` is what to bind a folder to (stable for the workspace; "" when the platform answered
    nothing that identifies it yet); `name` is for people; `detail` says where both were read
    (the endpoint) and anything a reader must know. `accounts` lists member or sender ids the
    platform returned, for a second check where `id` is a proxy.
    """

    provider: str
    id: str
    name: str
    detail: str
    proxy: bool = False
    accounts: tuple[str, ...] = ()

    def label(self) -> str:
        """`name (id)`, or whichever of the two is known."""
        if self.name and self.id:
            return f"{self.name} ({self.id})"
        return self.name or self.id or "(not identified)"
