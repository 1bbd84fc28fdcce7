"""The `scorer` command: a thin layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import UserError, did_you_mean

app = typer.Typer(
    help="Score 法治政府建设年度报告 against an evaluator's rubric, with evidence for every point.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"scorer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit")] = False,
) -> None:
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


RubricOption = Annotated[
    Path | None, typer.Option("--rubric", "-r", help="Rubric YAML (default: rubrics/fazhi-annual.yaml)")]


def _rubric(path: Path | None):
    from .rubric import load_rubric

    try:
        return load_rubric(path)
    except UserError as exc:
        fail(exc)


FORMATS = ("json", "html", "pdf")


def _formats(fmt: str) -> set[str]:
    formats = {f.strip().lower() for f in fmt.split(",") if f.strip()}
    unknown = formats - set(FORMATS)
    if unknown or not formats:
        fail(UserError(f"--format: unknown format {', '.join(sorted(unknown)) or '(none)'}; "
                       f"allowed: {', '.join(FORMATS)} (comma-separated)"))
    return formats


def _scored_on(dated: bool) -> str | None:
    """Today's date only when asked for, so that outputs stay reproducible by default."""
    if not dated:
        return None
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    return day.isoformat()


def _write_result(result: dict, folder: Path, formats: set[str], template_dir: Path | None,
                  scored_on: str | None) -> None:
    """result.json, scorecard.html and scorecard.pdf for one report, each written atomically."""
    from .render import write_scorecard
    from .result import dumps, write_atomic

    if "json" in formats:
        write_atomic(folder / "result.json", dumps(result))
    if formats & {"html", "pdf"}:
        write_scorecard(result, folder, formats, template_dir=template_dir, scored_on=scored_on)


TemplateDirOption = Annotated[
    Path | None, typer.Option("--template-dir", help="Your own templates; missing files come from templates/")]
DatedOption = Annotated[bool, typer.Option("--dated", help="Print today's date (or SOURCE_DATE_EPOCH) on scorecards")]


@app.command()
def score(
    reports: Annotated[list[Path], typer.Argument(help="Report files or folders (searched recursively)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder")] = Path("out"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: json, html, pdf")] = "json,html,pdf",
    rubric: RubricOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores)", min=0)] = 0,
    group_by: Annotated[str, typer.Option("--group-by", help="Rank within: auto (years when several), none, year, level")] = "auto",
    template_dir: TemplateDirOption = None,
    dated: DatedOption = False,
) -> None:
    """Score reports and rank them: OUT/<name>/result.json and scorecards, and OUT/ranking.*, index.html, errors.json.

    Exit 0 when every report was scored, 1 when some failed (each listed with its
    reason), 2 for a usage, rubric or template error. Unchanged reports are reused.
    """
    from .batch import default_jobs, run_batch
    from .errors import TemplateError
    from .exports import write_outputs
    from .ranking import GROUP_BY
    from .render import template_dirs

    formats = _formats(fmt)
    if group_by not in GROUP_BY:
        fail(UserError(f"--group-by: unknown value '{group_by}'; allowed: {', '.join(GROUP_BY)}"))
    rub = _rubric(rubric)
    try:
        template_dirs(template_dir)
    except TemplateError as exc:
        fail(exc)
    from .progress import reporter

    with reporter() as progress:
        try:
            outcome, ranking = run_batch(reports, out, rub, formats=formats, jobs=jobs or default_jobs(),
                                         template_dir=template_dir, group_by=group_by,
                                         scored_on=_scored_on(dated), progress=progress)
        except UserError as exc:
            fail(exc)
    if not outcome.summaries and not outcome.failures:
        fail(UserError("no report files found (.txt .docx .pdf .html .htm)"))
    if outcome.interrupted:
        typer.echo(f"interrupted: {outcome.scored} scored before the stop; run the same command again to resume",
                   err=True)
        raise typer.Exit(128 + outcome.interrupted)  # the shell's convention: 130 for Ctrl-C, 143 for SIGTERM
    try:
        write_outputs(ranking, rub, outcome.summaries, out, template_dir=template_dir,
                      pdf="pdf" in formats and not outcome.ranking_pdf)
    except UserError as exc:
        fail(exc)
    _print_ranking(ranking)
    for failure in ranking["failures"]:
        typer.echo(f"error: {failure['error'] if failure['error'].startswith(failure['file']) else failure['file'] + ': ' + failure['error']}", err=True)
    if ranking["never_matched"]:
        titles = {c["id"]: c["title"] for c in ranking["criteria"]}
        typer.echo(f"note: no report met {'、'.join(titles.get(m, m) for m in ranking['never_matched'])} "
                   "(a rubric mistake?)")
    typer.echo(f"{outcome.scored + outcome.reused} scored ({outcome.reused} reused), {len(outcome.failures)} failed; "
               f"scorecards: {outcome.rendered} rendered, {outcome.renders_reused} reused → {out}/index.html")
    raise typer.Exit(1 if outcome.failures else 0)


def _print_ranking(ranking: dict, limit: int = 30) -> None:
    for group in ranking["groups"]:
        if len(ranking["groups"]) > 1:
            typer.echo(f"— {group['key']} —")
        for e in group["entries"][:limit]:
            typer.echo(f"{e['rank']:>4}  {e['region'] or '?':<10}\t{e['year'] or '?'}\t{e['total']:>6.1f}\t{e['file']}")
        if group["n"] > limit:
            typer.echo(f"      … {group['n'] - limit} more in ranking.csv")


@app.command()
def render(
    results: Annotated[list[Path], typer.Argument(help="result.json files written by `scorer score`")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: beside each result)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: html, pdf")] = "html,pdf",
    template_dir: TemplateDirOption = None,
    dated: DatedOption = False,
) -> None:
    """Re-render scorecards from saved results, without scoring again."""
    from .errors import TemplateError
    from .result import SCHEMA

    formats = _formats(fmt) - {"json"}
    for path in results:
        try:
            result = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            fail(UserError(f"cannot read a result: {exc}", path=str(path)))
        if not isinstance(result, dict) or result.get("schema") != SCHEMA:
            fail(UserError(f"not a scorer result ({SCHEMA}); score the report first", path=str(path)))
        folder = out / path.parent.name if out else path.parent
        try:
            _write_result(result, folder, formats, template_dir, _scored_on(dated))
        except TemplateError as exc:
            fail(exc)
        typer.echo(f"{path} → {folder}")


@app.command()
def explain(
    report: Annotated[Path, typer.Argument(help="A report file")],
    criterion: Annotated[str | None, typer.Option("--criterion", "-c", help="Only this criterion id")] = None,
    rubric: RubricOption = None,
) -> None:
    """Why each criterion got its level: the evidence with matched terms highlighted, and rejected hits."""
    from .document import load_document
    from .explain import print_explanation
    from .scoring import score_document

    rub = _rubric(rubric)
    ids = [c.id for c in rub.criteria]
    if criterion and criterion not in ids:
        fail(UserError(f"--criterion: no criterion '{criterion}' in {rub.id}" + did_you_mean(criterion, ids)
                       + f"; the criteria are: {', '.join(ids)}"))
    try:
        doc = load_document(report)
    except UserError as exc:
        fail(exc)
    print_explanation(doc, rub, score_document(doc, rub), criterion)


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold judgments (YAML, as ../shared/gold/seeds.yaml)")],
    reports: Annotated[Path, typer.Option("--reports", help="Folder holding the reports the gold file names")],
    rubric: RubricOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """Agreement of the rubric with an evaluator's judgments: exact, within one, QWK, metadata, flags, evidence."""
    from .evaluate import evaluate, summary
    from .explain import print_agreement

    rub = _rubric(rubric)
    try:
        result = summary(evaluate(gold, reports, rub))
    except UserError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, sort_keys=True))
    else:
        print_agreement(result)


rubric_app = typer.Typer(help="Check, test, document and compare rubrics.", no_args_is_help=True)
app.add_typer(rubric_app, name="rubric")


@rubric_app.command("check")
def rubric_check(file: Annotated[Path, typer.Argument(help="Rubric YAML")]) -> None:
    """Validate a rubric: every problem with file:line:col, the key, the bad value and what is allowed."""
    from .errors import RubricError
    from .rubric import load_rubric

    try:
        rub = load_rubric(file)
    except RubricError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        typer.echo(f"{len(exc.problems)} problem(s) in {file}", err=True)
        raise typer.Exit(2) from None
    n_examples = sum(len(c.examples) for c in rub.criteria)
    typer.echo(f"{file}: ok — {rub.id} {rub.version}, {len(rub.areas)} areas, "
               f"{len(rub.criteria)} criteria, {rub.total:g} points, {n_examples} examples")


@rubric_app.command("test")
def rubric_test(file: Annotated[Path, typer.Argument(help="Rubric YAML")]) -> None:
    """Run every criterion's examples; print expected against actual; exit 1 on any failure."""
    from .rubric_tools import run_examples

    rub = _rubric(file)
    outcomes = run_examples(rub)
    failures = [o for o in outcomes if not o.ok]
    for o in outcomes:
        mark = "ok  " if o.ok else "FAIL"
        text = o.text.replace("\n", " ⏎ ")
        typer.echo(f"{mark} {o.criterion_id:<28} expected {o.expected} got {o.actual}  {text[:50]}"
                   + ("" if o.ok else f"  ({o.why})"))
    typer.echo(f"{len(outcomes) - len(failures)} passed, {len(failures)} failed")
    raise typer.Exit(1 if failures else 0)


@rubric_app.command("docs")
def rubric_docs(
    file: Annotated[Path, typer.Argument(help="Rubric YAML")],
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing")] = None,
) -> None:
    """Write the rubric's reference page (Markdown)."""
    from .result import write_atomic
    from .rubric_tools import rubric_markdown

    text = rubric_markdown(_rubric(file))
    if out:
        write_atomic(out, text)
        typer.echo(f"wrote {out}")
    else:
        typer.echo(text, nl=False)


@rubric_app.command("diff")
def rubric_diff(
    old: Annotated[Path, typer.Argument(help="The rubric as published (YAML)")],
    new: Annotated[Path, typer.Argument(help="The edited rubric (YAML)")],
    reports: Annotated[Path, typer.Option("--reports", help="Report folder (searched recursively) or file")],
    group_by: Annotated[str, typer.Option("--group-by", help="Rank within: auto (years when several), none, year, level")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """How an edit moves the batch: criteria whose levels change, totals and ranks that move, group changes."""
    from .ranking import GROUP_BY
    from .rubric_diff import diff_json, diff_rubrics, print_diff

    if group_by not in GROUP_BY:
        fail(UserError(f"--group-by: unknown value '{group_by}'; allowed: {', '.join(GROUP_BY)}"))
    before, after = _rubric(old), _rubric(new)
    try:
        diff = diff_rubrics(before, after, reports, group_by=group_by)
    except UserError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(diff_json(diff), ensure_ascii=False, sort_keys=True))
    else:
        print_diff(diff)


def main() -> None:  # pragma: no cover - entry point for `python -m scorer`
    try:
        app()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
