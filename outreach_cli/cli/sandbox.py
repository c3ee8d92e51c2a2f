"""`outreach sandbox`: the local emulator of the three APIs."""

from __future__ import annotations

import typer

from . import common as c

sandbox_app = typer.Typer(
    cls=c.Group,
    help="The embedded emulator of the SendKit, lemlist and Puffle APIs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
DbOpt = typer.Option(
    None,
    "--db",
    metavar="PATH",
    show_default=False,
    help="SQLite file (default: <state-dir>/sandbox.sqlite3).",
)


def _db(db: str | None, state_dir: str | None) -> str:
    from ..project import discover

    return db or str(discover(state_dir=state_dir).state_dir / "sandbox.sqlite3")


@sandbox_app.command("serve", cls=c.Command)
def serve_cmd(
    port: int = typer.Option(
        8787, "--port", "-p", metavar="PORT", help="Loopback port (0: any free port)."
    ),
    host: str = typer.Option(
        "127.0.0.1", "--host", metavar="ADDRESS", help="Loopback address to bind."
    ),
    db: str = DbOpt,
    state_dir: str = c.StateDirOpt,
    latency_ms: float = typer.Option(
        0.0,
        "--latency-ms",
        metavar="MS",
        callback=c.at_least(0),
        help="Milliseconds added to every request.",
    ),
    fault_rate: float = typer.Option(
        0.0,
        "--fault-rate",
        metavar="RATE",
        callback=c.at_least(0, 1),
        help="Share of requests given a fault (--fault-kinds), 0 to 1.",
    ),
    fault_kinds: str = typer.Option(
        "status",
        "--fault-kinds",
        metavar="KINDS",
        help="Comma-separated: status (429/5xx, not acted on), lost (acted on, answer "
        "dropped), drop (connection dropped, not acted on).",
    ),
    seed: int = typer.Option(
        None, "--seed", metavar="N", show_default=False, help="Seed for reproducible faults."
    ),
    rate_limit: bool = typer.Option(
        False,
        "--rate-limit",
        help="Enforce lemlist's rate limit (20 requests per 2 s per "
        "key, 429 with Retry-After); off by default.",
    ),
    timeout: float = typer.Option(
        5.0,
        "--timeout",
        metavar="SECONDS",
        callback=c.at_least(0.1),
        help="Seconds a request has to arrive whole; an idle or slow "
        "connection is closed after them.",
    ),
) -> None:
    """Serve the emulator on loopback until Ctrl-C."""
    from ..sandbox import server
    from ..session import SANDBOX_KEYS

    path = _db(db, state_dir)

    def ready(url: str) -> None:
        # What a person needs to talk to it: the roots, and the demo workspace's keys (the
        # data `--sandbox` made lives under them), as lines to paste into another shell.
        typer.echo(f"sandbox listening on {url}", err=True)
        typer.echo(
            f"data in {path}, Ctrl-C stops it; to use it from another shell (the "
            "demo workspace that --sandbox uses):",
            err=True,
        )
        for name, prefix, var in (
            ("sendkit", "/sendkit/v1", "SENDKIT_API_KEY"),
            ("lemlist", "/lemlist/api", "LEMLIST_API_KEY"),
            ("puffle", "/puffle/api", "PUFFLE_API_KEY"),
        ):
            typer.echo(
                f"  export OUTREACH_{name.upper()}_URL={url}{prefix} {var}={SANDBOX_KEYS[name]}",
                err=True,
            )
        typer.echo(
            f"  like a production server: each request must arrive whole within "
            f"{timeout:g} s (idle and slow connections are closed); request line and "
            f"headers {server.MAX_HEADER // 1024} KB at most (431)",
            err=True,
        )

    kinds = tuple(k.strip() for k in fault_kinds.split(",") if k.strip())
    try:
        faults = server.Faults(latency_ms, fault_rate, seed, kinds)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--fault-kinds") from None
    try:
        server.serve(
            path,
            host=host,
            port=port,
            ready=ready,
            faults=faults,
            rate_limit=rate_limit,
            timeout=timeout,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--host") from None
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@sandbox_app.command("tick", cls=c.Command)
def tick_cmd(
    days: float = typer.Option(
        None,
        "--days",
        metavar="N",
        show_default=False,
        callback=c.at_least(0),
        help="Simulated days to advance.",
    ),
    hours: float = typer.Option(
        None,
        "--hours",
        metavar="N",
        show_default=False,
        callback=c.at_least(0),
        help="Simulated hours to advance (with --days: both add up). Neither given: one day.",
    ),
    db: str = DbOpt,
    state_dir: str = c.StateDirOpt,
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=c.choices(("text", "json")),
        help="Output format: text or json.",
    ),
) -> None:
    """Advance simulated time: leads move through steps, mail is 'sent'."""
    from ..sandbox import server
    from ..sandbox.store import Store

    out = c.make_output(fmt, False, "sandbox tick", ("text", "json"))
    seconds = (
        (days or 0) * 86400 + (hours or 0) * 3600
        if days is not None or hours is not None
        else 86400.0
    )
    summary = server.Sandbox(Store(_db(db, state_dir))).tick(seconds)
    out.tick(seconds, summary)


@sandbox_app.command("events", cls=c.Command)
def events_cmd(
    provider: str = typer.Option(
        None,
        "--provider",
        metavar="PROVIDER",
        show_default=False,
        autocompletion=c.choices(c.PROVIDER_NAMES),
        help="Only this platform's events: sendkit, lemlist or puffle.",
    ),
    campaign: str = typer.Option(
        None,
        "--campaign",
        metavar="ID",
        show_default=False,
        help="Only the events of the campaign with this remote id.",
    ),
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=c.choices(("text", "json")),
        help="Output format: text (one line each) or json.",
    ),
    db: str = DbOpt,
    state_dir: str = c.StateDirOpt,
) -> None:
    """Print the emulators' event log (mail sent, tags changed, prospects moved), oldest
    first, in one shape for every platform."""
    from ..sandbox import server
    from ..sandbox.store import Store

    out = c.make_output(fmt, False, "sandbox events", ("text", "json"))
    if provider is not None and provider not in c.PROVIDER_NAMES:
        raise typer.BadParameter(
            f"{provider!r} is not one of: {', '.join(c.PROVIDER_NAMES)}", param_hint="--provider"
        )
    found = [
        e
        for e in server.Sandbox(Store(_db(db, state_dir))).events()
        if (provider is None or e["provider"] == provider)
        and (campaign is None or e["campaign"] == campaign)
    ]
    out.events(found)


@sandbox_app.command("reset", cls=c.Command)
def reset_cmd(
    db: str = DbOpt,
    state_dir: str = c.StateDirOpt,
) -> None:
    """Delete the sandbox's data: the next use seeds a fresh demo workspace."""
    import os

    path = _db(db, state_dir)
    gone = []
    for f in (path, path + "-wal", path + "-shm", path + "-journal"):
        try:
            os.remove(f)
            gone.append(f)
        except FileNotFoundError:
            pass
        except OSError as exc:
            typer.echo(f"error: cannot remove {f}: {exc.strerror}", err=True)
            raise typer.Exit(1) from None
    if not gone:
        typer.echo(f"No sandbox data at {path}: nothing to reset.", err=True)
        return
    typer.echo(
        f"Removed {path}: the next use seeds a fresh demo workspace. State that "
        "recorded sandbox campaigns still does (`outreach state list`).",
        err=True,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")
