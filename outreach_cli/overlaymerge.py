"""How an overlay merges onto its base: mappings key by key, identity lists item by item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .documents import DocPath, Source, format_path
from .origins import Origins, Spot

Report = Callable[[Spot, DocPath, str], None]  # where, the merged path, the message


def list_keys(provider: str) -> dict[str, tuple[str, ...]]:
    """The lists an overlay patches item by item on `provider` (its adapter's BASE_KEYS),
    none for a provider outreach does not know (validate reports that)."""
    from .providers import PROVIDERS, provider_class

    return provider_class(provider).BASE_KEYS if provider in PROVIDERS else {}


def list_field(path: DocPath) -> str:
    """A campaign path as a `list_keys` key: list indexes as `[]`."""
    out = ""
    for p in path:
        out += "[]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


class Merger:
    """Merges an overlay's data onto its base's, recording in `out` where each merged value
    was written; a problem goes to `error` (the overlay's item names no base item …)."""

    def __init__(self, keys: dict[str, tuple[str, ...]], error: Report) -> None:
        self.keys = keys  # list_keys of the campaign's provider
        self.error = error

    def merge(
        self,
        b: Any,
        bsrc: Source,
        bpath: DocPath,
        o: Any,
        osrc: Source,
        opath: DocPath,
        tpath: DocPath,
        out: Origins,
    ) -> Any:
        if isinstance(o, dict) and set(o) == {"$replace"}:
            out.take(osrc, opath, tpath)
            out.graft(o["$replace"], osrc, (*opath, "$replace"), tpath)
            return o["$replace"]
        if isinstance(b, dict) and isinstance(o, dict):
            # The mapping itself (a finding on a key it lacks): where the base wrote it.
            out.take(osrc, opath, tpath)
            out.take(bsrc, bpath, tpath)
            merged: dict[str, Any] = {}
            for k, v in b.items():
                if k in o:
                    merged[k] = self.merge(
                        v, bsrc, (*bpath, k), o[k], osrc, (*opath, k), (*tpath, k), out
                    )
                else:
                    merged[k] = v
                    out.graft(v, bsrc, (*bpath, k), (*tpath, k))
            for k, v in o.items():
                if k not in b:
                    merged[k] = v
                    out.graft(v, osrc, (*opath, k), (*tpath, k))
            return merged
        ids = self.keys.get(list_field(tpath[1:])) if tpath[:1] == ("campaign",) else None
        if ids and isinstance(b, list) and isinstance(o, list):
            return self.patch(b, bsrc, bpath, o, osrc, opath, tpath, out, ids)
        out.graft(o, osrc, opath, tpath)
        return o

    def patch(
        self,
        b: list[Any],
        bsrc: Source,
        bpath: DocPath,
        o: list[Any],
        osrc: Source,
        opath: DocPath,
        tpath: DocPath,
        out: Origins,
        ids: tuple[str, ...],
    ) -> list[Any]:
        """An identity list: each overlay item patches, removes or adds one base item."""
        field_name = format_path(tpath[1:])
        # (value, its source, its path there, the overlay's patch or None)
        items: list[tuple[Any, Source, DocPath, tuple[dict[str, Any], DocPath] | None]] = [
            (v, bsrc, (*bpath, i), None) for i, v in enumerate(b)
        ]
        named = " or ".join(ids)
        for j, item in enumerate(o):
            ip = (*opath, j)
            spot = osrc.where(ip)
            if not isinstance(item, dict) or not any(k in item for k in ids):
                self.error(
                    spot,
                    (*tpath, j),
                    f"an overlay patches the base's {field_name} item by item: this "
                    f"item names none by its {named} (to replace the whole list, "
                    f"write {field_name}: {{$replace: [...]}})",
                )
                continue
            idk = next(k for k in ids if k in item)
            body = {k: v for k, v in item.items() if k not in ("$remove", "$add")}
            at = next(
                (
                    n
                    for n, (v, *_rest) in enumerate(items)
                    if isinstance(v, dict) and v.get(idk) == item[idk]
                ),
                None,
            )
            if item.get("$add") is True:
                if at is not None:
                    self.error(
                        spot,
                        (*tpath, j),
                        f"$add: the base already has a "
                        f"{field_name} item with {idk} "
                        f"{item[idk]!r}; patch it instead",
                    )
                else:
                    items.append((body, osrc, ip, None))
                continue
            if at is None:
                known = [str(v.get(idk)) for v, *_rest in items if isinstance(v, dict) and idk in v]
                self.error(
                    spot,
                    (*tpath, j, idk),
                    f"unknown {idk} {item[idk]!r}: the base has no {field_name} item "
                    f"of that {idk} (it has: {', '.join(known) or 'none named'}); to "
                    "add one, give it `$add: true`",
                )
                continue
            if item.get("$remove") is True:
                del items[at]
                continue
            v, vsrc, vpath, _ = items[at]
            items[at] = (v, vsrc, vpath, (body, ip))
        out.take(osrc, opath, tpath)
        result = []
        for n, (v, vsrc, vpath, patch) in enumerate(items):
            if patch is None:
                out.graft(v, vsrc, vpath, (*tpath, n))
                result.append(v)
            else:
                result.append(
                    self.merge(v, vsrc, vpath, patch[0], osrc, patch[1], (*tpath, n), out)
                )
        return result
