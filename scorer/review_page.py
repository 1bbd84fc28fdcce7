"""`scorer review serve OUT_DIR`: a local web page over a scored batch where an evaluator reads
each report with its evidence highlighted, sets or confirms each criterion's level with a
reason (and a quote selected in the text), and re-renders the scorecard.

Every review is written to the record (review.yaml) at once, atomically; result.json is never
rewritten: the page shows the record applied in memory, and the next `scorer score` applies it.

Served by Flask on 127.0.0.1 only. A request with another Host header is refused (a page on
another site cannot reach the server through a name it controls), and every request that
changes something carries the server's random token, so that another page open in the
browser cannot post to it. What the page reads is in review_page_data.py.
"""

from __future__ import annotations

import logging
import secrets
import threading
import webbrowser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from flask import (
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from .errors import TemplateError, UserError
from .render import SHIPPED_TEMPLATES, write_scorecard
from .review_page_data import Batch, PageError, marks, segments, submit

LOCAL_HOSTS = ("127.0.0.1", "localhost")
SCORECARD_FORMATS = ("html", "pdf")
_HEADERS = {  # the page loads only its own CSS and script, and is never framed by another site
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make Chromium send `Origin: null` on posts
    "Cache-Control": "no-store",
}


def make_app(out_dir: Path, review_path: Path | None = None) -> Flask:
    """The review page's Flask app over a scored batch (review.yaml in OUT_DIR by default)."""
    app = Flask(__name__, template_folder=str(SHIPPED_TEMPLATES), static_folder=None)
    app.jinja_env.autoescape = True  # .j2 is not among Flask's autoescaped suffixes; report text is untrusted
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.config.update(SECRET_KEY=secrets.token_bytes(32), SESSION_COOKIE_SAMESITE="Strict",
                      TOKEN=secrets.token_urlsafe(32), ALLOWED_HOSTS=None)
    app.extensions["review_batch"] = Batch(Path(out_dir), Path(review_path) if review_path else None)
    app.extensions["reviewer"] = ""  # the last reviewer's name, to fill in the next form
    app.before_request(_guard)
    app.after_request(_headers)
    app.context_processor(lambda: {"token": app.config["TOKEN"]})
    app.add_url_rule("/", "batch_page", batch_page)
    app.add_url_rule("/report/<name>", "report_page", report_page)
    app.add_url_rule("/report/<name>/review", "post_review", post_review, methods=["POST"])
    app.add_url_rule("/report/<name>/scorecard", "post_scorecard", post_scorecard, methods=["POST"])
    app.add_url_rule("/review.css", "css", lambda: send_file(SHIPPED_TEMPLATES / "review.css", mimetype="text/css"))
    app.add_url_rule("/review.js", "js", lambda: Response(render_template("review_script.js.j2"),
                                                          mimetype="text/javascript"))
    app.add_url_rule("/favicon.ico", "favicon", lambda: ("", 204))  # none, and no 404 for it
    return app


def _batch() -> Batch:
    from flask import current_app

    return current_app.extensions["review_batch"]


# --- security ------------------------------------------------------------------------------

def _guard() -> None:
    """Refuse other Host headers (DNS rebinding), cross-site origins and posts without the token."""
    from flask import current_app

    allowed = current_app.config["ALLOWED_HOSTS"]  # host:port once the server is bound
    host = request.host.lower()
    if not (host in allowed if allowed else urlsplit(f"//{host}").hostname in LOCAL_HOSTS):
        abort(Response("只接受本机访问（Host 不符）", status=400, mimetype="text/plain; charset=utf-8"))
    if request.method != "POST":
        return
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc.lower() != host:
        abort(_refused("拒绝来自其他网页的提交，未保存"))
    if not secrets.compare_digest(request.form.get("token", ""), current_app.config["TOKEN"]):
        abort(_refused("提交缺少有效的令牌，未保存：请刷新复核页面后重新提交"))


def _refused(message: str) -> Response:
    return Response(render_template("review_error.j2", message=message), status=403)


def _headers(response: Response) -> Response:
    response.headers.update(_HEADERS)
    return response


# --- pages ---------------------------------------------------------------------------------

def batch_page() -> str:
    batch = _batch()
    try:
        record = batch.record()
    except PageError as exc:
        return render_template("review_batch.j2", rows=[], problem=str(exc), batch=batch)
    rows = []
    for name in batch.folders():
        try:
            rows.append({"name": name, "view": batch.view(name, record, read_report=False), "error": None})
        except PageError as exc:
            rows.append({"name": name, "view": None, "error": str(exc)})
    return render_template("review_batch.j2", rows=rows, problem=None, batch=batch)


def report_page(name: str, *, error: tuple[str, str] | None = None, form: dict[str, str] | None = None,
                status: int = 200) -> tuple[str, int]:
    """A report's text with its marks, each criterion beside it with its form. `error` is
    (criterion, message) of a refused review, shown by its form with what was typed."""
    batch = _batch()
    try:
        view = batch.view(name)
    except PageError as exc:
        return render_template("review_error.j2", message=str(exc)), 404
    shown = view.reviewed or view.result
    text = None if view.problem and view.reviewed is None else _text(batch, view.result)
    pieces = segments(text, marks(shown)) if text is not None else []
    return render_template("review_report.j2", view=view, r=shown, pieces=pieces, error=error,
                           form=form or {}, reviewer=_reviewer()), status


def _text(batch: Batch, result: dict[str, Any]) -> str | None:
    try:
        return batch.document(result).original
    except PageError:
        return None  # the view carries the problem


def _reviewer() -> str:
    from flask import current_app

    return current_app.extensions["reviewer"]


def post_review(name: str) -> Any:
    from flask import current_app

    form = {k: request.form.get(k, "") for k in ("criterion", "level", "reason", "quote", "reviewer")}
    try:
        entry = submit(_batch(), name, form)
    except PageError as exc:
        return report_page(name, error=(form["criterion"], str(exc)), form=form, status=400)
    current_app.extensions["reviewer"] = entry.reviewer
    view = _batch().view(name, read_report=False)
    c = next(c for c in (view.reviewed or view.result)["criteria"] if c["id"] == entry.criterion)
    what = "确认机器等级" if entry.confirm else f"定为 {entry.level} {c.get('review', {}).get('level_name', '')}"
    total = f"；总分 {view.reviewed['total']:g}（机器评分 {view.reviewed['machine_total']:g}）" if view.reviewed else ""
    flash(f"已保存：{c['title']} {what}，得分 {c['points']:g}{total}。记录：{_batch().review_path}", "ok")
    return redirect(url_for("report_page", name=name, _anchor=f"c-{entry.criterion}"), code=303)


def post_scorecard(name: str) -> Any:
    """scorecard.html and .pdf of the reviewed result, written atomically into the report's
    folder. Without the batch's rank: a rank from before the review may no longer hold."""
    batch = _batch()
    try:
        view = batch.view(name)
        if view.reviewed is None:
            raise PageError(view.problem or "无法应用复核记录")
        write_scorecard(view.reviewed, batch.folders()[name], SCORECARD_FORMATS)
    except (PageError, TemplateError, UserError) as exc:
        flash(f"评分卡未生成：{exc}", "error")
    else:
        flash("已重新生成评分卡（含复核）：scorecard.html、scorecard.pdf", "ok")
    return redirect(url_for("report_page", name=name), code=303)


# --- the server ----------------------------------------------------------------------------

def make_server(out_dir: Path, *, review_path: Path | None = None, host: str = "127.0.0.1", port: int = 0):
    """A threaded WSGI server bound to the local machine (port 0: a free port), not yet serving."""
    from werkzeug.serving import make_server as werkzeug_server

    if host not in LOCAL_HOSTS:
        raise UserError(f"复核页面只在本机提供：host 必须是 127.0.0.1 或 localhost，不能是 {host}")
    app = make_app(out_dir, review_path)
    server = werkzeug_server(host, port, app, threaded=True)
    app.config["ALLOWED_HOSTS"] = {f"{h}:{server.server_port}" for h in LOCAL_HOSTS}
    return server


def serve(out_dir: Path, *, review_path: Path | None = None, host: str = "127.0.0.1", port: int = 0,
          open_browser: bool = True) -> None:
    """Serve the review page until Ctrl-C, printing its address and opening it in the browser."""
    server = make_server(out_dir, review_path=review_path, host=host, port=port)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request on the terminal
    url = f"http://{host}:{server.server_port}/"
    print(f"复核页面：{url}（复核记录：{server.app.extensions['review_batch'].review_path}；Ctrl-C 结束）",
          flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
