"""The evaluator's gold file: read, checked, dates as ISO strings.

Format: `reports: {FILE: {region, year, published, on_time, flags, judgments: {ID: 0-3},
evidence: {ID: quote}}}` (see ../shared/gold/seeds.yaml). Every problem is one located
line naming the file, the line and what to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from .errors import RubricError, UserError, did_you_mean
from .files import read_utf8
from .quotes import quote_key
from .yamlpos import Located, load_yaml

K = 4  # levels 0..3


_FORMAT = "the format is reports: {FILE: {region, year, published, flags, judgments: {ID: 0-3}, evidence: {ID: quote}}}"
_LOOSE_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def load_gold(path: str | Path, warnings: list[str] | None = None) -> dict[str, Any]:
    """Read and check a gold file. Dates come back as ISO strings (YAML reads
    `published: 2026-02-09` as a date); every problem is a located UserError. What can still
    be compared but is likely a slip (an unknown key or flag, a year or date the tool never
    writes) is added to `warnings`, one located line each."""
    p, shown = Path(path), str(path)
    if not p.is_file():
        raise UserError("no such gold file" if not p.exists() else "not a file; give the gold YAML file", path=shown)
    text = read_utf8(p, "gold file")
    try:
        located = load_yaml(text, shown)
    except RubricError as exc:  # the YAML reader names rubrics; the message is already located
        raise UserError(f"{exc}; fix the YAML") from None
    gold = _iso_dates(located.value)
    _check_gold(gold, located)
    for judged in gold["reports"].values():
        if isinstance(judged.get("published"), str):
            judged["published"] = _iso_day(judged["published"])
    if warnings is not None:
        warnings.extend(_slips(gold, located))
    return gold


# What a report's entry may hold: compared (region, year, published, flags, judgments, evidence),
# or kept for the reader (city, province, level, issuer, title, on_time, notes).
REPORT_KEYS = ("region", "city", "province", "level", "issuer", "title", "year", "published", "on_time",
               "flags", "judgments", "evidence", "notes")
_YEAR = re.compile(r"(19|20)\d\d")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _slips(gold: dict[str, Any], located: Located) -> list[str]:
    from .labels import FLAGS

    out = []
    for name, judged in gold["reports"].items():
        at = ("reports", name)
        for key in judged:
            if key not in REPORT_KEYS:
                out.append(f"{located.where((*at, key))}: {name}: unknown key '{key}', not compared; "
                           f"known: {', '.join(REPORT_KEYS)}" + did_you_mean(str(key), REPORT_KEYS))
        year, published = judged.get("year"), judged.get("published")
        if year is not None and not _YEAR.fullmatch(str(year)):
            out.append(f"{located.where((*at, 'year'))}: {name}: year {year!r} is not a year such as 2023; "
                       "it will not match the tool's")
        if published is not None and not _ISO_DAY.fullmatch(str(published)):
            out.append(f"{located.where((*at, 'published'))}: {name}: published {published!r} is not a date "
                       "such as 2024-03-28; it will not match the tool's")
        for i, flag in enumerate(judged.get("flags") or []):
            if flag not in FLAGS:
                out.append(f"{located.where((*at, 'flags', i))}: {name}: unknown flag '{flag}'; the tool's flags "
                           f"are {', '.join(FLAGS)}" + did_you_mean(flag, tuple(FLAGS)))
    return out


def _iso_dates(value: Any) -> Any:
    """Dates (and date-times) anywhere in the gold → ISO strings, as the tool writes them."""
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, dict):
        return {_iso_dates(k): _iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso_dates(v) for v in value]
    return value


def _iso_day(text: str) -> str:
    """'2024-4-1', '2024/04/01', '2024年4月1日', '2024-04-01T09:00:00' → '2024-04-01'; other text as is."""
    m = _LOOSE_DATE.fullmatch(re.split(r"[T ]", text.strip(), maxsplit=1)[0])
    if not m:
        return text
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return text


def _check_gold(gold: Any, located: Located) -> None:
    def bad(where: tuple[Any, ...], message: str) -> UserError:
        return UserError(f"{located.where(where)}: {message}")

    if not isinstance(gold, dict) or not isinstance(gold.get("reports"), dict):
        raise bad(("reports",), f"a gold file needs a `reports:` mapping of file name → judgments; {_FORMAT}")
    for name, judged in gold["reports"].items():
        at = ("reports", name)
        if not isinstance(name, str):
            raise bad(at, f"reports: {name!r} is not a file name; write the report's file name")
        if not isinstance(judged, dict):
            raise bad(at, f"reports: {name}: expected a mapping (region, year, published, flags, judgments, "
                          f"evidence), got {_shown(judged)}")
        for key in ("region", "year", "published"):
            value = judged.get(key)
            if value is not None and (not isinstance(value, (str, int)) or isinstance(value, bool)):
                raise bad((*at, key), f"{name}: {key}: expected text or a whole number, got {_shown(value)}")
        flags = judged.get("flags")
        if flags is not None and not (isinstance(flags, list) and all(isinstance(f, str) for f in flags)):
            raise bad((*at, "flags"), f"{name}: flags: expected a list of flag names, got {_shown(flags)}")
        for key in ("judgments", "evidence"):
            if judged.get(key) is not None and not isinstance(judged[key], dict):
                raise bad((*at, key), f"{name}: {key}: expected a mapping of criterion id → "
                                      f"{'level' if key == 'judgments' else 'quote'}, got {_shown(judged[key])}")
        for cid, level in (judged.get("judgments") or {}).items():
            if not isinstance(cid, str):
                raise bad((*at, "judgments", cid), f"{name}: judgments: {cid!r} is not a criterion id")
            if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level < K:
                raise bad((*at, "judgments", cid), f"{name}: judgments: {cid}: expected a level 0–3 "
                                                   f"(0 未体现 … 3 量化成效), got {_shown(level)}")
        for cid, quote in (judged.get("evidence") or {}).items():
            if not isinstance(cid, str):
                raise bad((*at, "evidence", cid), f"{name}: evidence: {cid!r} is not a criterion id")
            if not isinstance(quote, str) or not quote_key(quote):
                raise bad((*at, "evidence", cid), f"{name}: evidence: {cid}: expected a quote from the report "
                                                  f"(text; put it in quotes), got {_shown(quote)}")


def _shown(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {str(value)[:40]!r}"
