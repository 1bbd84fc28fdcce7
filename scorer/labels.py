"""The Chinese words every output uses for the tool's own codes: one table, so that a
scorecard, a ranking and `scorer inspect` never name the same thing two ways.

Level names are not here: they come from the rubric (`levels:`), carried in each
result as `level_name`.
"""

from __future__ import annotations

import re

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
PHASES = {"score": "评分", "render": "评分表", "export": "排名文件"}
UNKNOWN = "未注明"  # a fact the report does not state (issuer, publication date, title)


def flag_word(name: str) -> str:
    return FLAGS.get(name, name)


# How a batch was grouped for ranking (`ranking.json` group_by), as the 说明 sheet names it.
GROUP_BY = {"none": "不分组（全部报告一起排名）", "year": "按年度", "level": "按政府层级"}

# A row's state in ranking.csv and ranking.xlsx.
STATUS = {"ok": "已评分", "failed": "未能评分", "review_stale": "复核未应用"}

# The terminal's summary of a batch (progress.py), worded as the other outputs are.
SUMMARY = "已评分 {scored} 份（其中沿用上次结果 {reused} 份），未能评分 {failed} 份；评分表：新生成 {rendered} 份，沿用 {kept} 份 → {index}"
EXPORTS = "排名文件：{parts}"
EXPORTS_WRITTEN = "已写入 {names}"
EXPORTS_UNCHANGED = "内容未变、未重写 {names}"
NEVER_MET = "提示：没有任何报告达到以下指标（可能是指标设置问题）：{titles}"
FAILED = "未能评分："
MORE = "…… 另有 {n} 份，见 ranking.csv"

# Failure reasons and reading notes in Chinese. The modules that find a problem word it in
# English, for bug reports (errors.json keeps it as `error`); what a user reads is this.
# Each pattern matches the end of a message (after its file name); a library's own words
# after the reason are dropped, as the English original keeps them.
_REASONS: tuple[tuple[str, str], ...] = (
    (r"cannot read the PDF \(damaged or truncated\?\).*", "无法读取该 PDF（文件损坏或不完整？），请重新获取原件"),
    (r"the PDF is encrypted with a password.*", "该 PDF 设有密码，请提供解密后的副本"),
    (r"the PDF has no text layer.*", "该 PDF 没有文字层（扫描件？），本工具不做文字识别，请提供文本、.docx 或带文字层的 PDF"),
    (r"not a valid \.docx \(not a zip archive\).*", "不是有效的 .docx 文件（不是 zip 格式）；旧版 .doc 请先另存为 .docx"),
    (r"not a Word document .*", "不是 Word 文档（.docx 中缺少 word/document.xml）"),
    (r"cannot read the \.docx.*", "无法读取该 .docx 文件（文件损坏？）"),
    (r"the \.docx expands to (\d+) MB, over the (\d+) MB limit.*", r"该 .docx 解压后达 \1 MB，超过 \2 MB 上限（疑似压缩炸弹）"),
    (r"the file is (\d+) MB, over the (\d+) MB limit.*", r"文件大小 \1 MB，超过 \2 MB 上限；报告通常不足 1 MB，请确认文件是否正确"),
    (r"the file holds ([\d,]+) pages, over the limit of ([\d,]+).*", r"文件有 \1 页，超过报告 \2 页的上限，请确认文件是否正确"),
    (r"the file holds ([\d,]+) characters of text( \(so far\))?, over the limit of ([\d,]+).*",
     r"文件文字达 \1 字，超过报告 \3 字的上限，请确认文件是否正确"),
    (r"the file holds ([\d,]+) paragraphs and table rows, over the limit of ([\d,]+).*",
     r"文件有 \1 个段落和表格行，超过报告 \2 个的上限，请确认文件是否正确"),
    (r"the page nests its elements deeper than the HTML parser allows.*",
     "网页嵌套层级超过 HTML 解析器的上限（256 层）：已读取全部文字，未能区分正文与页面其他内容"),
    (r"the file is empty", "文件为空"),
    (r"no such file or folder", "文件或文件夹不存在"),
    (r"no such file", "文件不存在"),
    (r"is a folder, not a report file", "这是文件夹，不是报告文件"),
    (r"unsupported file type '([^']*)'.*", r"不支持的文件类型“\1”，可用 .txt、.docx、.pdf、.html、.htm"),
    (r"no text found in the file", "文件中没有文字"),
    (r"looks like a binary file, not text.*", "看来是二进制文件，不是文本；若是无字节顺序标记的 UTF-16 文本，请另存为 UTF-8"),
    (r"not a regular file \(a FIFO, device or socket\); not read", "不是普通文件（管道、设备或套接字），未读取"),
    (r"cannot detect the text encoding.*", "无法识别文本编码，请另存为 UTF-8 后重试"),
    (r"scoring took longer than the time limit of ([\d.]+) s.*", r"评分超过 \1 秒时限，已跳过（请检查文件，或用 --time-limit 放宽时限）"),
    (r"internal error \((\w+).*", r"程序内部错误（\1），请报告此问题"),
    (r"the worker stopped.*", "评分进程意外中止（被终止、内存不足或卡在库调用中），已跳过"),
    (r"cannot read: not a regular file.*", "无法读取：不是普通文件（管道、设备、套接字或失效链接）"),
    # The system's words for why a file could not be read (strerror), the common ones in Chinese.
    (r"cannot read: (?:\[Errno \d+\] )?Permission denied.*", "无法读取：没有读取权限，请检查文件的权限"),
    (r"cannot read: (?:\[Errno \d+\] )?Operation not permitted.*", "无法读取：系统不允许此操作，请检查文件的权限"),
    (r"cannot read: (?:\[Errno \d+\] )?Input/output error.*", "无法读取：存储设备读写出错，请检查磁盘或网络存储后重试"),
    (r"cannot read: (?:\[Errno \d+\] )?No such file or directory.*", "无法读取：文件已不存在（读取前被移走或删除？）"),
    (r"cannot read: (?:\[Errno \d+\] )?File name too long.*", "无法读取：文件名过长，请改短后重试"),
    (r"cannot read: (?:\[Errno \d+\] )?Too many levels of symbolic links.*", "无法读取：符号链接层级过多（可能是循环链接）"),
    (r"cannot read: (?:\[Errno \d+\] )?Too many open files.*", "无法读取：同时打开的文件过多，请稍后重试"),
    (r"cannot read: (.*)", r"无法读取（系统提示：\1）"),
    (r"is an output folder of scorer.*", "这是 scorer 的输出文件夹，不是报告文件夹，未评分"),
    (r"is in the output folder; not scored", "位于输出文件夹内，未评分"),
    (r"symlink loop.*", "符号链接循环：此文件夹已读过，已跳过"),
    (r"a symbolic link that leads back to itself.*", "符号链接指向自身（循环链接），未读取"),
    (r"a symbolic link whose target does not exist.*", "符号链接的目标不存在，未读取：请重新链接到报告，或把报告复制进来"),
    (r"a symbolic link whose target is missing or leads back to itself.*", "符号链接的目标不存在或指向自身，未读取"),
    (r"cannot read this folder: (?:\[Errno \d+\] )?Permission denied.*",
     "无法读取此文件夹：没有读取权限，其中的报告未评分；请检查文件夹的权限"),
    (r"cannot read this folder: (.*?); its reports were not scored", r"无法读取此文件夹（系统提示：\1），其中的报告未评分"),
    (r"a symbolic link leaving the input folder.*", "指向输入文件夹以外的符号链接，未读取：请把文件复制进来，或加 --follow-links"),
    (r"not read: [^;]*; (请.*|报告请.*)", r"未读取：\1"),
    (r"not read: not a regular file.*", "未读取：不是普通文件（管道、设备、套接字或失效链接）"),
    (r"not read: '([^']*)' is not a report format.*", r"未读取：“\1”不是报告格式（可用 .txt、.docx、.pdf、.html、.htm）"),
    (r"the last UTF-8 character is cut off; it was dropped", "文本最后一个 UTF-8 字符不完整，已舍去"),
    (r"mixed encodings: (\d+) characters that are not UTF-8 were replaced with �", r"编码混杂：\1 个非 UTF-8 字符已替换为 �"),
    (r"([\w-]+) text with undecodable bytes at (\d+); replaced", r"\1 文本在第 \2 字节处有无法解码的字节，已替换"),
    (r"encoding guessed as (.+)", r"编码按 \1 推测"),
)
_REASON_PATTERNS = tuple((re.compile(p), words) for p, words in _REASONS)


def reason_word(message: str, *, with_file: bool = True) -> str:
    """A failure reason or reading note in Chinese, the file name before it kept (or dropped,
    for a table that names the file in its own column); a message the table does not know is
    returned as it is."""
    for pattern, words in _REASON_PATTERNS:
        m = pattern.search(message)
        if m and (m.start() == 0 or message[:m.start()].endswith(": ")):
            head = message[:m.start()]
            return (head[:-2] + "：" if head and with_file else "") + m.expand(words)
    return message
