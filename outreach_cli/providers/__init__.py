"""Provider registry: name → module, imported lazily so startup stays fast."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Provider
    from .leadops import LeadOps

PROVIDERS: dict[str, str] = {
    "sendkit": "outreach_cli.providers.sendkit:SendKit",
    "lemlist": "outreach_cli.providers.lemlist:Lemlist",
    "puffle": "outreach_cli.providers.puffle:Puffle",
}


def provider_class(name: str) -> type[Provider]:
    """The Provider class registered under `name` (KeyError if none)."""
    module, _, attr = PROVIDERS[name].partition(":")
    cls: type[Provider] = getattr(importlib.import_module(module), attr)
    return cls


def available() -> list[str]:
    """Providers whose module is present in this build."""
    out = []
    for name in PROVIDERS:
        try:
            provider_class(name)
        except (ImportError, AttributeError):
            continue
        out.append(name)
    return out


def lead_ops(provider: Provider | str) -> LeadOps:
    """The lead operations of `provider` (an adapter, or a name: then offline, unbound)."""
    from ..errors import OutreachError

    if isinstance(provider, str):
        try:
            provider = provider_class(provider)()
        except KeyError:
            raise OutreachError(f"no lead operations for {provider}") from None
    if provider.LEADS is None:
        raise OutreachError(f"no lead operations for {provider.name}")
    return provider.leads
