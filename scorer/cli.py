"""The `scorer` command: a thin layer over the Python API.

Commands hold no error handling: a UserError raised anywhere below a command is
printed as one line by the group that holds them all (`scorer` and `python -m
scorer` enter through it), with the error's exit code and never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .cli_checks import OneLineErrors
from .cli_checks import formats as _formats
from .cli_checks import group_by as _group_by
from .cli_checks import scored_on as _scored_on
from .cli_checks import time_limit as _time_limit
from .errors import UserError, did_you_mean

app = typer.Typer(
    cls=OneLineErrors,
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


@app.command()
def inspect(
    reports: Annotated[list[Path], typer.Argument(help="Report files (.txt .docx .pdf .html)")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per report")] = False,
) -> None:
    """Show what the tool reads in a report: metadata, hygiene flags and the parts with their roles."""
    from .document import load_document
    from .outline import document_summary, outline_lines

    for path in reports:
        doc = load_document(path)
        if as_json:
            typer.echo(json.dumps(document_summary(doc), ensure_ascii=False, sort_keys=True))
        else:
            typer.echo("\n".join(outline_lines(doc)))


RubricOption = Annotated[
    Path | None, typer.Option("--rubric", "-r", help="Rubric YAML (default: rubrics/fazhi-annual.yaml)")]


def _rubric(path: Path | None):
    from .rubric import load_rubric

    return load_rubric(path)


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
    review: Annotated[Path | None, typer.Option("--review", help="Review record (default: OUT/review.yaml)")] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds one report may take to score; "
                                              "0: no limit; at most a week")] = 300.0,  # batch.pipeline.TIME_LIMIT
    follow_links: Annotated[bool, typer.Option("--follow-links", help="Follow symbolic links leading out of a "
                                               "folder given")] = False,
) -> None:
    """Score reports and rank them: OUT/<name>/result.json and scorecards, and OUT/ranking.*, index.html, errors.json.

    The review record's levels count where evaluators set them; entries that cannot be
    applied are listed. Exit 0 when every report was scored, 1 when some failed (each
    listed with its reason), 2 for a usage, rubric, record or template error. Unchanged
    reports are reused.
    """
    from .batch import BatchRequest, default_jobs, run_batch
    from .batch.reviewing import REVIEW_FILE
    from .progress import print_outcome, reporter
    from .review import load_review

    formats, group_by, time_limit = frozenset(_formats(fmt)), _group_by(group_by), _time_limit(time_limit)
    if review is not None and not review.is_file():  # a mistyped name must not silently apply nothing
        raise UserError("--review: no such review record; leave --review out to use OUT/review.yaml", path=str(review))
    scored_on = _scored_on(dated)
    request = BatchRequest(tuple(reports), out, _rubric(rubric), formats, jobs or default_jobs(), template_dir,
                           group_by, scored_on, load_review(review or out / REVIEW_FILE), time_limit, follow_links)
    with reporter() as progress:
        outcome = run_batch(request, progress)
    if outcome.interrupted:
        typer.echo(f"已中断：中断前评分 {outcome.scored} 份；再次运行同一命令即可接着评分", err=True)
        raise typer.Exit(128 + outcome.interrupted)  # the shell's convention: 130 for Ctrl-C, 143 for SIGTERM
    print_outcome(outcome, out)
    raise typer.Exit(1 if outcome.failures else 0)


@app.command()
def render(
    results: Annotated[list[Path], typer.Argument(help="result.json files written by `scorer score`")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: beside each result)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: html, pdf")] = "html,pdf",
    template_dir: TemplateDirOption = None,
    dated: DatedOption = False,
) -> None:
    """Re-render scorecards from saved results, without scoring again."""
    from .render import write_scorecard
    from .result import load_result

    formats = _formats(fmt) - {"json"}
    if not formats:  # the result.json is what it renders: nothing would be written
        raise UserError("--format: render writes scorecards, html or pdf; the result.json is already there")
    for path in results:
        result = load_result(path)
        folder = out / path.parent.name if out else path.parent
        write_scorecard(result, folder, formats, template_dir=template_dir, scored_on=_scored_on(dated))
        typer.echo(f"{path} → {folder}")


@app.command()
def explain(
    report: Annotated[Path, typer.Argument(help="A report file")],
    criterion: Annotated[str | None, typer.Option("--criterion", "-c", help="Only this criterion id")] = None,
    rubric: RubricOption = None,
) -> None:
    """Why each criterion got its level: the evidence with matched terms highlighted, and rejected hits."""
    # the document cache: explaining a report again (after a rubric edit) only matches it again
    from .doccache import load_document
    from .explain import print_explanation
    from .scoring import score_document

    rub = _rubric(rubric)
    ids = [c.id for c in rub.criteria]
    if criterion and criterion not in ids:
        raise UserError(f"--criterion: no criterion '{criterion}' in {rub.id}" + did_you_mean(criterion, ids)
                        + f"; the criteria are: {', '.join(ids)}")
    doc = load_document(report)
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

    result = summary(evaluate(gold, reports, _rubric(rubric)))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, sort_keys=True))
    else:
        print_agreement(result)


@app.command("round")
def round_(
    out: Annotated[Path, typer.Argument(help="A folder scored by `scorer score`")],
    previous: Annotated[Path | None, typer.Option("--previous", help="The earlier round's output folder")] = None,
    expected: Annotated[Path | None, typer.Option("--expected", help="Governments expected to report (CSV or xlsx)")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The report's title")] = None,
    template_dir: TemplateDirOption = None,
) -> None:
    """The round's evaluation report: OUT/评估报告.docx and .pdf, round_intake.csv, and with
    --previous the year-over-year round_comparison.csv and .json."""
    from .round_report import RoundRequest, write_round

    outcome = write_round(RoundRequest(out, previous, expected, title, template_dir))
    notes = [f"报告 {outcome.reports} 份"]
    if outcome.matched is not None:
        notes.append(f"与上一轮对应 {outcome.matched} 份")
    if outcome.missing is not None:
        notes.append(f"应报未报 {outcome.missing} 个")
    typer.echo(f"{'，'.join(notes)} → " + "、".join(str(p) for p in outcome.written))


@app.command()
def cards(
    out: Annotated[Path, typer.Argument(help="A folder scored by `scorer score`")],
    to: Annotated[Path, typer.Option("--to", help="Folder for the named scorecards")],
    make_zip: Annotated[bool, typer.Option("--zip", help="Also write 评分表.zip holding them all")] = False,
    cover: Annotated[Path | None, typer.Option("--cover", help="Cover-letter template (see templates/round_cover.html.j2)")] = None,
    template_dir: TemplateDirOption = None,
) -> None:
    """Each government's scorecard as <region>_<year>_法治政府建设年度报告评分表.pdf, to send back."""
    from .cards import write_cards

    written = write_cards(out, to, make_zip=make_zip, cover=cover, template_dir=template_dir)
    typer.echo(f"{len(written)} 个文件 → {to}")


from .cli_review import review_app  # noqa: E402  (the review group lives in its own module)

app.add_typer(review_app, name="review")

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
    from .files import write_atomic
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
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: all cores)", min=0)] = 0,
) -> None:
    """How an edit moves the batch: criteria whose levels change, totals and ranks that move, group changes."""
    from .rubric_diff import diff_json, diff_rubrics, print_diff

    group_by = _group_by(group_by)
    diff = diff_rubrics(_rubric(old), _rubric(new), reports, group_by=group_by, jobs=jobs or None)
    if as_json:
        typer.echo(json.dumps(diff_json(diff), ensure_ascii=False, sort_keys=True))
    else:
        print_diff(diff)


def _one_line_paragraphs(group: typer.Typer) -> None:
    """Each paragraph of a command's help as one line, which the terminal wraps: Typer's help
    keeps a docstring's line breaks, and a narrower terminal then wrapped each line again."""
    import inspect

    for command in group.registered_commands:
        doc = command.help or inspect.getdoc(command.callback) or ""
        command.help = "\n\n".join(" ".join(p.split("\n")) for p in doc.split("\n\n"))
    for sub in group.registered_groups:
        _one_line_paragraphs(sub.typer_instance)


_one_line_paragraphs(app)
