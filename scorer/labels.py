"""The Chinese words every output uses for the tool's own codes: one table, so that a
scorecard, a ranking and `scorer inspect` never name the same thing two ways.

Level names are not here: they come from the rubric (`levels:`), carried in each
result as `level_name`.
"""

from __future__ import annotations

# Publication before 1 April of the following year (metadata `on_time`).
ON_TIME = {True: "按时", False: "逾期", None: "未注明"}

# Hygiene flags (hygiene.py) and the batch-level copied_text flag (copying.py).
FLAGS = {
    "traditional_script": "繁体字文本",
    "web_boilerplate": "网页残留内容",
    "injected_text": "外来插入文字",
    "hidden_characters": "隐藏或形近字符",
    "keyword_stuffing": "关键词堆砌",
    "copied_text": "与他人报告雷同",
}

# Levels of a structure criterion (a part of the report: 0 absent, 1 not headed, 2 its own heading).
STRUCTURE_LEVELS = {0: "缺失", 1: "未单列", 2: "单列成章"}
NOT_APPLICABLE = "不适用"  # a criterion bound to years the report does not cover

# The level of the government that issued a report: as a ranking group, and as a note in `inspect`.
GOVERNMENT_GROUPS = {"province": "省级", "city": "市级", "county": "县区级", "department": "部门", None: "未识别"}
GOVERNMENT_LEVELS = {"province": "省级", "city": "市级", "county": "县级", "department": "部门"}

# Phases of a batch as the progress bar names them.
PHASES = {"score": "评分", "render": "评分表"}
UNKNOWN = "未注明"  # a fact the report does not state (issuer, publication date, title)


def flag_word(name: str) -> str:
    return FLAGS.get(name, name)
