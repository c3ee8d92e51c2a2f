"""`outreach doctor`: does each configured platform's key work, and where does it lead?"""

from __future__ import annotations

import typer

from . import common as c

ProvidersArg = typer.Argument(
    None,
    metavar="[PROVIDER]...",
    show_default=False,
    help="sendkit, lemlist or puffle (default: every platform whose key is set; all three "
    "with --sandbox).",
)


def doctor_cmd(
    providers: list[str] = ProvidersArg,
    sandbox: bool = c.SandboxOpt,
    contract: bool = typer.Option(
        False,
        "--contract",
        help="Also read the campaigns list and one campaign (GETs only) and report every "
        "field whose shape differs from what outreach expects.",
    ),
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=c.choices(("text", "json")),
        help="Output format: text or json.",
    ),
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Check each platform: key variable, the workspace it belongs to, whether the API answers
    and how fast, rate limits, where state lives. Exit 1 when anything is off."""
    from ..errors import ExitCode, UsageError
    from ..providers import PROVIDERS
    from ..session import Session

    out = c.make_output(fmt, no_color, "doctor", allowed=("text", "json"))
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        from .. import doctor as dr
        from ..output.doctor import contract_lines, target_lines

        unknown = [p for p in providers or [] if p not in PROVIDERS]
        if unknown:
            raise UsageError(f"unknown platform {unknown[0]!r}: one of {', '.join(PROVIDERS)}")
        url = session.sandbox_url() if sandbox else None
        targets = dr.targets(
            session.env, providers=tuple(providers or ()), sandbox_url=url, project=session.project
        )
        if not targets:
            raise dr.NothingConfigured()
        results = [dr.check(t, session.env, session.state_dir) for t in targets]
        reports = []
        if contract:
            reports = [
                dr.contract(t, session.env).to_json()
                for t, r in zip(targets, results, strict=True)
                if r["keySet"]
            ]
        errors = dr.errors(results, reports)
        code = int(ExitCode.ERROR) if any(e["severity"] == "error" for e in errors) else 0
        if fmt == "json":
            out.json(
                {"targets": results, "contract": reports if contract else None},
                exit_code=code,
                errors=errors,
            )
        else:
            blocks = [target_lines(r) for r in results] + [contract_lines(r) for r in reports]
            out.raw("\n\n".join("\n".join(b) for b in blocks))
            from ..output.doctor import printable

            bad = [e for e in errors if e["severity"] == "error"]
            for e in bad:
                out.error(printable(e["message"]))
            out.info(f"doctor: {len(bad)} problem(s)" if bad else "doctor: all well")
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("doctor", cls=c.Command)(doctor_cmd)
