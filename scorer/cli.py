"""The `scorer` command: a thin layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import UserError

app = typer.Typer(
    help="Score 法治政府建设年度报告 against an evaluator's rubric, with evidence for every point.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """scorer: reads 法治政府建设年度报告 the way an evaluator does and scores them against a rubric."""


def fail(error: UserError) -> None:
    """Print a user error as one line and exit with its code (never a traceback)."""
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(error.exit_code)


@app.command()
def inspect(
    reports: Annotated[list[Path], typer.Argument(help="Report files (.txt .docx .pdf .html)")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per report")] = False,
) -> None:
    """Show what the tool reads in a report: metadata, hygiene flags and the parts with their roles."""
    from .document import load_document
    from .outline import document_summary, outline_lines

    for path in reports:
        try:
            doc = load_document(path)
        except UserError as exc:
            fail(exc)
        if as_json:
            typer.echo(json.dumps(document_summary(doc), ensure_ascii=False, sort_keys=True))
        else:
            typer.echo("\n".join(outline_lines(doc)))


def main() -> None:  # pragma: no cover - entry point for `python -m scorer`
    try:
        app()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
