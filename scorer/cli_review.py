"""`scorer review`: the evaluators' record from the command line — two records' agreement,
the 复核 sheet of ranking.xlsx imported into the record, and the review page.

A thin layer like cli.py: each command is one call below, and a UserError is printed as
one line by the command group.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .errors import UserError

review_app = typer.Typer(help="The evaluators' review record: agreement, the Excel import, the review page.",
                         no_args_is_help=True)


@review_app.command("agreement")
def agreement(
    a: Annotated[Path, typer.Argument(metavar="A.yaml", help="One evaluator's review record")],
    b: Annotated[Path, typer.Argument(metavar="B.yaml", help="Another evaluator's record over the same batch")],
    reports: Annotated[Path | None, typer.Option(
        "--reports", help="Output folder of `scorer score` (or a report folder, scored now): the machine's levels")] = None,
    rubric: Annotated[Path | None, typer.Option("--rubric", "-r", help="Rubric for a report folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
) -> None:
    """Agreement of two evaluators' records (exact, QWK) and the items where they differ.

    With --reports, each record's agreement with the machine too.
    """
    from .batch.reviewing import machine_results
    from .review import load_review
    from .review_tools import machine_levels, review_agreement
    from .rubric import load_rubric

    for record in (a, b):  # load_review reads a missing record as empty: here it is a mistyped name
        if not record.is_file():
            raise UserError("no such review record" if not record.exists() else "not a file; give a review "
                            "record (review.yaml)", path=str(record))
    machine = machine_levels(machine_results(reports, load_rubric(rubric))) if reports else None
    result = review_agreement(load_review(a), load_review(b), machine)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, sort_keys=True))
        return
    for label, pair in ((f"{a.name} – {b.name}", result.between), (f"{a.name} – 机器", result.a_machine),
                        (f"{b.name} – 机器", result.b_machine)):
        if pair is not None:
            typer.echo(f"{label}：{pair.n} 项，一致 {pair.exact:.1%}，QWK {pair.qwk:.3f}")
    typer.echo(f"不一致 {len(result.differences)} 项（待裁定）：")
    for d in result.differences:
        typer.echo(f"  {d.file}  {d.criterion}：{a.name} {d.level_a}（{d.reason_a}）/ {b.name} {d.level_b}（{d.reason_b}）")


@review_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="ranking.xlsx with its 复核 sheet filled")],
    into: Annotated[Path | None, typer.Option("--into", help="Review record to merge into (default: OUT/review.yaml)")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output folder of the batch (default: the workbook's folder)")] = None,
) -> None:
    """Merge the filled rows of ranking.xlsx's 复核 sheet into the review record.

    Bad rows are listed by sheet and row and not imported; exit 1 when there are some.
    """
    from .batch.reviewing import REVIEW_FILE, import_rows

    if not file.is_file():
        raise UserError("no such workbook" if not file.exists() else "not a file; give the ranking.xlsx "
                        "whose 复核 sheet was filled", path=str(file))
    out = out or file.parent
    into = into or out / REVIEW_FILE
    imported, problems = import_rows(file, into, out)
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    typer.echo(f"已导入复核意见 {imported} 条到 {into}，未导入 {len(problems)} 行")
    review = "" if into == out / REVIEW_FILE else f" --review {into}"
    typer.echo(f"再次运行 scorer score 报告 --out {out}{review} 即可应用")
    raise typer.Exit(1 if problems else 0)


@review_app.command("serve")
def serve(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of `scorer score`")],
    review: Annotated[Path | None, typer.Option("--review", help="Review record (default: OUT_DIR/review.yaml)")] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (default: a free one)", min=0)] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the page in a browser")] = False,
) -> None:
    """The review page over a scored batch, served on this machine only.

    Read each report with its evidence and set levels with reasons; the record is written at once.
    """
    from .review_page import serve as serve_page  # the web framework loads only for this command

    serve_page(out_dir, review_path=review, port=port, open_browser=not no_browser)
