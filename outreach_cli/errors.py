"""Error types and the exit-code enum: the one place both are defined."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; the README's table is generated from this enum's docstrings."""

    OK = 0
    """ok, or a plan with no changes"""
    ERROR = 1
    """error: invalid file, API or network failure"""
    CHANGES = 2
    """changes present (plan with --detailed-exitcode)"""
    BLOCKED = 3
    """the plan holds changes the campaign's status forbids"""
    DRIFT = 4
    """the remote campaign changed since the plan was made"""
    USAGE = 64
    """usage error (bad option or argument)"""
    INTERRUPTED = 130
    """interrupted (Ctrl-C)"""


class OutreachError(Exception):
    """An error the user can act on: a message, an optional hint, and an exit code."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(OutreachError):
    exit_code = ExitCode.USAGE


class DocumentError(OutreachError):
    """A campaign file that cannot be read: bad YAML, a missing !file or ${VAR}."""

    def __init__(self, file: str, line: int, col: int, message: str, path: str = "") -> None:
        where = f"{file}:{line}:{col}"
        super().__init__(f"{where}: {path + ': ' if path else ''}{message}")
        self.file, self.line, self.col, self.path = file, line, col, path
        self.detail = message


class MissingKeyError(OutreachError):
    def __init__(self, provider: str, env_var: str) -> None:
        super().__init__(
            f"no API key for {provider}: set {env_var}",
            hint=f"export {env_var}=… or run with --sandbox to use the embedded emulator",
        )
        self.env_var = env_var


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


class NetworkError(OutreachError):
    pass


class DriftError(OutreachError):
    exit_code = ExitCode.DRIFT
