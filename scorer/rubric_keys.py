"""Every key a rubric file may hold, what it means and what it takes: the reference page's
"Rubric file keys" section. A test holds these to the loader's own key lists
(rubric_model.py, rubric_files.py), so that a key the loader accepts is never undocumented."""

from __future__ import annotations

from collections.abc import Iterator

from .rubric_files import EDIT_KEYS
from .rubric_model import (
    AREA_KEYS,
    CRITERION_KEYS,
    EXAMPLE_KEYS,
    LANGUAGE_KEYS,
    LEVEL_KEYS,
    TOP_KEYS,
    WHOLE_KEYS,
)

TOP = {
    "id": "required: the rubric's id, shown on every scorecard and in the ranking",
    "title": "required: the rubric's title",
    "version": "required: its version, recorded in every result (text or a number)",
    "description": "what the rubric checks and why it weighs what it weighs (shown on this page)",
    "total": "the points the areas add up to (a positive number; default 100)",
    "sources": "the documents the rubric rests on, a list of lines",
    "levels": "the scale: four mappings {level, name, share} for levels 0, 1, 2 and 3, each once; "
              "default 未体现 0, 泛泛提及 ⅓, 具体举措 ⅔, 量化成效 1",
    "areas": "required: the areas {id, title, points, description}; their points add up to `total`",
    "criteria": "required: the criteria (below)",
    "wholes": "systems named as one ({name, terms, members}): a hit of `terms` gives each member "
              "criterion level 1 unless the part around it reports members on their own",
    "language": f"the words that decide a hit's level, any of: {', '.join(LANGUAGE_KEYS)} (see Level "
                "words); a list written here replaces the default one",
    "extends": "a parent rubric's path, from this file's folder (../fazhi-annual.yaml): its areas, "
               "criteria and words are inherited, and this file changes what it names by id",
    "remove": "with `extends`: the ids of inherited criteria to drop",
}
AREA = {
    "id": "required: the area's id (criteria name it in `area`)",
    "title": "the area's title (default: its id)",
    "points": "required: its points, a number ≥ 0; its criteria's points add up to them",
    "description": "what the area covers (shown on this page)",
}
CRITERION = {
    "id": "required: a stable dotted id (enforcement.publicity); results and gold files use it",
    "title": "the criterion's title (default: its id)",
    "area": "required: the id of its area",
    "points": "required: its points, a number ≥ 0",
    "scope": "the part roles where its hits count (achievements, problems, duties, plans, other); "
             "default achievements, duties, other",
    "rules": "required: a list of rules, each of one kind (Rule kinds, below); `part` and "
             "`metadata` stand alone in their criterion",
    "message": "what an evaluator checks, one line shown on the scorecard",
    "source": "where the requirement comes from (a document and article)",
    "examples": "required: {text, level, note} cases run by `scorer rubric test`: at least one "
                "that scores (level > 0) and one that must not (level 0)",
    "unless": "words that disqualify a hit of any of its rules when its sentence holds one",
    "description": "a longer explanation (shown on this page)",
    "years": "the years of reports it applies to (2025-, -2020, 2021-2025 or one year); outside "
             "them it earns nothing and leaves the report's maximum",
    "add_terms": "with `extends`, on an inherited criterion: a new `terms` rule of these words",
    "remove_terms": "with `extends`: words taken out of every rule of the criterion (an error "
                    "names a word it does not have)",
    "add_unless": "with `extends`: words added to the criterion's `unless`",
    "remove_unless": "with `extends`: words taken out of the criterion's and its rules' `unless`",
}
EXAMPLE = {
    "text": "required: the text, scored as a report of its own (a newline starts a line)",
    "level": "required: the level it must get, 0 to 3",
    "note": "why, for the reader (not checked)",
}
LEVEL = {
    "level": "0, 1, 2 or 3",
    "name": "the level's name on scorecards",
    "share": "the share of a criterion's points it earns, 0 to 1",
}
WHOLE = {
    "name": "the name shown in reasons (default: its terms)",
    "terms": "the words that name the whole (三项制度)",
    "members": "the ids of its member criteria",
}
SECTIONS = (
    ("Top level", TOP, TOP_KEYS),
    ("An area (`areas:`)", AREA, AREA_KEYS),
    ("A criterion (`criteria:`)", CRITERION, CRITERION_KEYS + EDIT_KEYS),
    ("An example (`examples:`)", EXAMPLE, EXAMPLE_KEYS),
    ("A level (`levels:`)", LEVEL, LEVEL_KEYS),
    ("A whole (`wholes:`)", WHOLE, WHOLE_KEYS),
)


def keys_markdown() -> Iterator[str]:
    """The section, in the order the loader lists its keys."""
    yield from ["## Rubric file keys", "",
                "Any other key is refused by `scorer rubric check`, naming the file, line and column.", ""]
    for title, described, keys in SECTIONS:
        yield from [f"### {title}", "", "| key | meaning |", "|---|---|"]
        yield from (f"| `{key}` | {described[key]} |" for key in keys)
        yield ""
