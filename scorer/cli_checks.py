"""The command group that prints a UserError as one line, and the checks of options the
`scorer` commands share: each bad value is a UserError naming what is allowed, raised
before any work."""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from .errors import UserError


class OneLineErrors(TyperGroup):
    """The command group: a UserError becomes `error: …` on stderr and its exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            from .files import show

            typer.echo(f"error: {show(str(exc))}", err=True)  # a file name may hold escape characters
            raise typer.Exit(exc.exit_code) from None


FORMATS = ("json", "html", "pdf")


def formats(fmt: str) -> set[str]:
    chosen = {f.strip().lower() for f in fmt.split(",") if f.strip()}
    unknown = chosen - set(FORMATS)
    if unknown or not chosen:
        raise UserError(f"--format: unknown format {', '.join(sorted(unknown)) or '(none)'}; "
                        f"allowed: {', '.join(FORMATS)} (comma-separated)")
    return chosen


def group_by(value: str) -> str:
    from .ranking import GROUP_BY

    if value not in GROUP_BY:
        raise UserError(f"--group-by: unknown value '{value}'; allowed: {', '.join(GROUP_BY)}")
    return value


MAX_TIME_LIMIT = 7 * 24 * 3600.0  # seconds: a week; beyond it, the system's timers overflow


def time_limit(value: float) -> float:
    """--time-limit as seconds from 0 (none) to a week; NaN passes a range check, so it is refused here."""
    if not 0 <= value <= MAX_TIME_LIMIT:  # False for NaN too
        raise UserError(f"--time-limit: {value:g} is not a number of seconds from 0 (no limit) to "
                        f"{MAX_TIME_LIMIT:g} (a week)")
    return value


def scored_on(dated: bool) -> str | None:
    """Today's date only when asked for, so that outputs stay reproducible by default."""
    if not dated:
        return None
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.date.today().isoformat()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    except (ValueError, OverflowError, OSError):
        raise UserError(f"SOURCE_DATE_EPOCH: '{epoch[:40]}' is not a time in seconds since 1970-01-01 "
                        "(e.g. 1767225600); unset it for today's date") from None
