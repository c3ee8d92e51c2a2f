"""Error types and the exit-code enum: the one place both are defined."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes: the contract CI scripts rely on (README's table, tested)."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    BLOCKED = 3
    DRIFT = 4
    USAGE = 64
    INTERRUPTED = 130
    TERMINATED = 143

    @property
    def meaning(self) -> str:
        return EXIT_MEANINGS[self]


EXIT_MEANINGS = {
    ExitCode.OK: "ok, or a plan with no changes",
    ExitCode.ERROR: "error: invalid file, API or network failure",
    ExitCode.CHANGES: "changes present (plan with --detailed-exitcode)",
    ExitCode.BLOCKED: "the plan holds changes the campaign's status forbids",
    ExitCode.DRIFT: "the remote campaign changed since the plan was made",
    ExitCode.USAGE: "usage error (bad option or argument)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C), the summary printed first",
    ExitCode.TERMINATED: "terminated (SIGTERM), the summary printed first",
}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as a Ctrl-C is: the same orderly stop (what is in
    flight finishes, the summary is printed), then exit 143 (128 + SIGTERM, as shells report
    it) instead of 130."""


class OutreachError(Exception):
    """An error the user can act on: a message, an optional hint, and an exit code."""

    exit_code: ExitCode = ExitCode.ERROR
    error_code = ""  # the JSON envelope's `code` when the class name does not say it

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(OutreachError):
    exit_code = ExitCode.USAGE


class MissingKeyError(OutreachError):
    """No key for one platform, or (`several`) for each of several: one message either way."""

    error_code = "missing-key"

    def __init__(self, provider: str, env_var: str) -> None:
        super().__init__(
            f"no API key for {provider}: set {env_var}",
            hint=f"export {env_var}=… or run with --sandbox to use the embedded emulator",
        )
        self.env_var = env_var

    @classmethod
    def several(cls, env_vars: list[str]) -> MissingKeyError:
        """One error for several missing keys (code `missing-key`, like one)."""
        err = cls("", env_vars[0])
        err.message = "no API keys for: " + ", ".join(env_vars)
        err.hint = "export them, or run with --sandbox to use the embedded emulator"
        return err


class ApiError(OutreachError):
    """The provider answered with an error (after retries)."""

    def __init__(
        self,
        provider: str,
        status: int,
        message: str,
        *,
        code: str | None = None,
        method: str = "",
        url: str = "",
    ) -> None:
        label = f"{provider} API {status}" + (f" {code}" if code else "")
        where = f" ({method} {url})" if method else ""
        super().__init__(f"{label}: {message}{where}")
        self.provider, self.status, self.code, self.detail = provider, status, code, message


class KeyRefusedError(OutreachError):
    """A platform answered 401: the key is wrong for every campaign, so the run stops once,
    naming the campaigns it stopped (not one identical 401 per campaign)."""

    error_code = "bad-key"

    def __init__(self, title: str, env_var: str, detail: str, stopped: list[str]) -> None:
        shown = ", ".join(stopped[:10]) + (
            f" and {len(stopped) - 10} more" if len(stopped) > 10 else ""
        )
        super().__init__(
            f"{title} refused the API key ({detail}); {len(stopped)} campaign(s) not "
            f"planned: {shown}",
            hint=f"check {env_var} (a key of the right workspace), or run with --sandbox",
        )
        self.stopped = stopped


class NetworkError(OutreachError):
    pass


class DriftError(OutreachError):
    exit_code = ExitCode.DRIFT
