"""Result JSON → scorecard HTML (Jinja2) → PDF (WeasyPrint).

Templates come from an evaluator's own folder first, then from the shipped
`templates/` for any file not given. Report text is untrusted: autoescape is
on, and WeasyPrint may fetch nothing but files inside the template folders
(no network, no other files). Templates are shared between offices, so they
run in Jinja2's sandbox (no access to Python internals, hence to commands or
files) with their output bounded; any failure is one line naming the template's line. Output is deterministic: no clock inside the
PDF unless a date is asked for.
"""

from __future__ import annotations

import atexit
import contextlib
import traceback
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from .errors import TemplateError
from .files import write_atomic
from .labels import FLAGS, NOT_APPLICABLE, ON_TIME, STRUCTURE_LEVELS, reason_word

if TYPE_CHECKING:  # Jinja2 is imported when a template is first rendered: a JSON-only run needs
    import jinja2  # it only for index.html, and imports it while the workers score (exports.prepare)

SHIPPED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCORECARD = "scorecard.html.j2"
MAX_OUTPUT = 20_000_000  # characters one template may produce; a scorecard is ~100,000
MAX_POWER = 1000  # largest exponent of `**` in a template (10 ** 10 ** 9 never finishes)


def template_dirs(template_dir: str | Path | None) -> list[Path]:
    dirs = [Path(template_dir).resolve()] if template_dir else []
    if template_dir and not dirs[0].is_dir():
        raise TemplateError(f"--template-dir: {'not a folder' if dirs[0].exists() else 'no such folder'}: {template_dir}")
    return [*dirs, SHIPPED_TEMPLATES]


@lru_cache(maxsize=1)
def _sandbox() -> type:
    """Jinja2's sandbox, which also refuses a single expression too large to build."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
                raise SecurityError(f"the power {right!r} is over the limit of {MAX_POWER}")
            if operator == "*":
                sized, times = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
                if isinstance(sized, (str, list, tuple)) and isinstance(times, int) and len(sized) * times > MAX_OUTPUT:
                    raise SecurityError(f"the repetition would make {len(sized) * times:,} items, "
                                        f"over the limit of {MAX_OUTPUT:,}")
            return super().call_binop(context, operator, left, right)

    return Sandbox


class _OutputTooLong(Exception):
    pass


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    import jinja2

    env = _sandbox()(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in dirs]),
        autoescape=True,  # report text is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["clause"] = clause_cut
    env.filters["reason"] = reason_word  # a reading note or failure reason in Chinese
    return env


_CLAUSE_END = "。！？；，、：!?;,:"
_SOFT_END = "，、：；,:;"  # an ellipsis replaces these; it follows a full stop


def clause_cut(text: str, limit: int = 40) -> str:
    """A sample of report text of at most about `limit` characters, cut after the last clause
    end (。，；…) within it rather than mid-word, with an ellipsis when anything was cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    ends = [i for i, ch in enumerate(text[:limit]) if ch in _CLAUSE_END and not _inside_number(text, i)]
    cut = ends[-1] if ends and ends[-1] >= limit // 3 else next(
        (i for i in range(limit, min(len(text), limit * 3 // 2)) if text[i] in _CLAUSE_END), None)
    if cut is None:
        return text[:limit] + "…"  # no clause end near: a plain cut, marked
    head = text[:cut] if text[cut] in _SOFT_END else text[:cut + 1]
    return head + "…" if cut + 1 < len(text) else text


def _inside_number(text: str, i: int) -> bool:
    """A comma between digits (1,200) ends no clause."""
    return text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _level_word(c: dict[str, Any], machine: bool = False) -> str:
    """The level that counts in words: the evaluator's when reviewed, else (or with `machine`) the machine's."""
    if not c.get("applies", True):
        return NOT_APPLICABLE
    shown = c if machine or "review" not in c else c["review"]
    if c.get("top_level") == 2:
        return STRUCTURE_LEVELS.get(shown["level"], str(shown["level"]))
    return shown.get("level_name") or str(shown["level"])


def _marks(c: dict[str, Any]) -> str:
    if not c.get("applies", True):
        return ""
    level = c["review"]["level"] if "review" in c else c["level"]
    return "■" * level + "□" * (c.get("top_level", 3) - level)


def render_html(result: dict[str, Any], *, template_dir: str | Path | None = None,
                batch: dict[str, Any] | None = None, scored_on: str | None = None) -> str:
    """The scorecard as HTML. `batch` adds the rank and the group's size and medians."""
    return render_template(SCORECARD, {
        "r": result,
        "batch": batch,
        "scored_on": scored_on,
        "on_time_word": ON_TIME[result["metadata"]["on_time"]],
        "flag_words": FLAGS,
        "structure_words": STRUCTURE_LEVELS,
        "criteria_by_id": {c["id"]: c for c in result["criteria"]},
        "level_word": _level_word,
        "marks": _marks,
    }, template_dir=template_dir)


def render_template(name: str, context: dict[str, Any], *, template_dir: str | Path | None = None) -> str:
    """Render one of the templates; every template error is located (file:line)."""
    import jinja2
    from jinja2.sandbox import SecurityError
    from markupsafe import Markup

    dirs = tuple(template_dirs(template_dir))
    env = _environment(dirs)

    def stylesheet(css: str) -> Markup:
        # Trusted template content: inlined as written (autoescape would mangle quotes in CSS).
        source, _, _ = env.loader.get_source(env, css)
        return Markup(source)

    try:
        return _bounded(env.get_template(name), {**context, "stylesheet": stylesheet})
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {exc.name} not found in {', '.join(map(str, dirs))}") from None
    except jinja2.UndefinedError as exc:
        where = _template_frame(exc)
        raise TemplateError(f"{where}: undefined variable in template: {exc.message}") from None
    except SecurityError as exc:
        raise TemplateError(f"{_template_frame(exc)}: not allowed in a template: {exc}") from None
    except RecursionError as exc:
        raise TemplateError(f"{_template_frame(exc)}: the template calls itself without end") from None
    except _OutputTooLong as exc:
        raise TemplateError(f"{_template_frame(exc)}: the template's output passes {MAX_OUTPUT:,} "
                            "characters (a loop without end?)") from None
    except Exception as exc:  # any runtime error of the evaluator's template is theirs to fix
        raise TemplateError(f"{_template_frame(exc)}: template error: {type(exc).__name__}: {exc}") from None


def prepare_template(name: str, template_dir: str | Path | None = None) -> None:
    """Compile a template ahead of its first use; its environment keeps it. Any error is
    left for `render_template` to report where the template is used."""
    with contextlib.suppress(Exception):
        _environment(tuple(template_dirs(template_dir))).get_template(name)


def _bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """The template rendered, stopped inside it (so the error has its line) past MAX_OUTPUT."""
    chunks, size = [], 0
    stream = template.generate(context)
    for chunk in stream:
        size += len(chunk)
        if size > MAX_OUTPUT:
            stream.throw(_OutputTooLong())
        chunks.append(chunk)
    return "".join(chunks)


def _template_frame(exc: BaseException) -> str:
    """file:line of the template line that failed (Jinja rewrites tracebacks to point there)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".j2", ".html", ".jinja")):
            return f"{frame.filename}:{frame.lineno}"
    return "template"


def restricted_fetcher(dirs: list[Path]):
    """A WeasyPrint URL fetcher that reads files inside the template folders, and nothing else.

    A relative name missing from the evaluator's folder is served from the
    shipped templates (the same fallback as for the templates themselves).
    Refused URLs are kept in `.refused` so that the caller can name them.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                for base in dirs:
                    if path.is_relative_to(base):
                        relative = path.relative_to(base)
                        for folder in dirs:
                            candidate = (folder / relative).resolve()
                            if candidate.is_file() and candidate.is_relative_to(folder):
                                return URLFetcherResponse(url, body=candidate.read_bytes(),
                                                          headers={"Content-Type": _mime(candidate)})
            self.refused.append(url)
            raise ValueError(f"refused: {url} is outside the template folders")

    return RestrictedFetcher()


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
            ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf"}.get(path.suffix.lower(),
                                                                           "application/octet-stream")


@lru_cache(maxsize=8)
def _font_config(dirs: tuple[Path, ...]):
    """One WeasyPrint font configuration per set of template folders, kept for the process.

    Building one loads the system's font list, and a kept one keeps Pango's
    caches warm: together about a twelfth of a scorecard's time. WeasyPrint adds
    each @font-face of a template once per configuration; the output is the same.
    """
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


atexit.register(_font_config.cache_clear)  # lets WeasyPrint remove its @font-face copies


def html_to_pdf(html: str, *, template_dir: str | Path | None = None) -> bytes:
    """Render scorecard HTML to PDF bytes, fetching only from the template folders."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    dirs = template_dirs(template_dir)
    fetcher = restricted_fetcher(dirs)
    base = dirs[0].as_uri() + "/"
    pdf = HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(font_config=_font_config(tuple(dirs)))
    if fetcher.refused:
        raise TemplateError(
            f"the template asks for {fetcher.refused[0]}, outside the template folders; "
            "a scorecard may use only files inside them (no network)")
    return pdf


def write_scorecard(result: dict[str, Any], folder: Path, formats: set[str] | tuple[str, ...], *,
                    template_dir: str | Path | None = None, batch: dict[str, Any] | None = None,
                    scored_on: str | None = None) -> None:
    """scorecard.html and/or scorecard.pdf for one result, each written atomically."""
    html = render_html(result, template_dir=template_dir, batch=batch, scored_on=scored_on)
    if "html" in formats:
        write_atomic(folder / "scorecard.html", html)
    if "pdf" in formats:
        write_atomic(folder / "scorecard.pdf", html_to_pdf(html, template_dir=template_dir))
