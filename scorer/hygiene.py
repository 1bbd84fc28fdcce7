"""Content-hygiene flags: text an evaluator must be warned about.

- `traditional_script`: the report is written in Traditional characters.
- `web_boilerplate`: page furniture left from a web page (navigation, share
  prompts, visit counters, the page's source and date lines).
- `injected_text`: foreign text inside the report's prose: gambling or
  advertising spam, a document-sharing site's name or a URL.
- `hidden_characters`: invisible characters inside words, or letters of
  another script that look like Latin ones: removed or mapped for matching.
- `keyword_stuffing`: list-like runs of short terms, or text repeated over and
  over: it cannot earn points.

Detection keys on what such text *is* (lexicons of page-navigation and spam
vocabulary, URL shapes), never on one report's string. Boilerplate and injected
spans are masked for matching and can never be quoted as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import Normalized
from .prefilter import with_prefilter
from .spans import blank, merge_spans, span_index

Span = tuple[int, int]


@dataclass(frozen=True)
class Flag:
    """A hygiene problem, with the spans (in the normalised text) where it was found."""

    name: str
    message: str
    spans: tuple[Span, ...]
    excluded: bool  # True when the spans are masked for matching


# Page-navigation vocabulary: short lines holding these are page furniture, not report text.
# A bare date or source line (发布时间:… 来源:…) is not: it is the page's record of the
# report, and metadata reads it.
_NAV = re.compile(
    r"当前位置|您现在的位置|您的位置|所在位置|扫一扫|扫码|二维码|手机打开|手机上打开|手机浏览|手机站|手机版"
    r"|浏览次数|浏览量|阅读次数|阅读量|访问次数|访问量|点击数|点击量|点击率|本文已影响|已被浏览"
    r"|今天是\s*\d|无障碍|适老版|关爱版|长者模式|简体版?\s*[|/]?\s*繁体|繁體"
    r"|打印本页|打印此页|打印\s*[|】]|打印内容|打印$|关闭窗口|关闭本页|【关闭】|【打印】|我要纠错|视力保护色"
    r"|(字体|字号)\s*[:：]?\s*([\[【]|大|T\b|$)|[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]"
    r"|^分享\s*[:：]?$|QQ空间|网站支持IPv6|^主办\s*[:：]|阅读数|浏览数|分享到|分享至|朋友圈|发送至邮箱|发送到邮箱|推荐给好友|收藏本页|加入收藏|返回顶部|上一篇|下一篇"
    r"|相关链接|相关阅读|责任编辑|网站地图|版权所有|ICP备|网站标识码|主办单位|承办单位|联系我们|首页\s*[>»/]|[>»]\s*正文"
    r"|原文链接|政策解读链接|^[\s•·*]*(索\s*引\s*号|发布机构|发布单位|发文机关|发文单位|主题分类|信息分类|文件类型"
    r"|体裁分类|组配分类|服务对象|主\s*题\s*词|成文日期|公文生成日期|发文字号|文\s*号|备注/文号|所属单位|时\s*效\s*性?"
    r"|备案登记号|废止日期|有\s*效\s*性|公开方式|公开范围|公开形式|标\s*题)\s*[:：]"
)
# Furniture no report writes, glued to the prose where a page lost its line breaks
# (扫一扫在手机打开当前页 区政府全年…): flagged wherever it stands.
_NAV_INLINE = re.compile(r"(?:扫一扫)?在手机上?打开当前页(?:面)?|[【\[](?:打印本页|打印此页|关闭窗口|关闭本页|我要纠错)[】\]]"
                         r"|视力保护色\s*[:：]?")
_NAV_INLINE_CORES = ("当前页", "打印", "关闭", "纠错", "保护色")  # one of which each holds: most reports hold none
# Menu and column names of government sites: a line made of nothing else is a menu
# (首页 新闻中心 信息公开 …) or a column label (通知公告).
_MENU_WORDS = (
    "网站首页|首页|新闻中心|新闻动态|要闻动态|图片新闻|视频新闻|工作动态|部门动态|乡镇动态|通知公告|公示公告|政府公告"
    "|信息公开|政务公开|政府信息公开|信息公开目录|信息公开指南|信息公开年报|依申请公开|政策文件|政策解读|政府文件|部门文件"
    "|最新文件|规划计划|人事信息|财政信息|统计信息|政府公报|领导信息|领导之窗|机构设置|机构职能|政务服务|办事服务|在线服务"
    "|网上办事|办事指南|互动交流|政民互动|公众参与|在线访谈|意见征集|领导信箱|专题专栏|热点专题|数据开放"
    "|[县市区]情概况|概况|登录|注册|搜索|高级搜索|English|简体|繁体|无障碍|适老版|关爱版|手机版|微信|微博|移动端"
)
_MENU_LINE = re.compile(rf"^[\s•·*|]*(?:(?:{_MENU_WORDS})[\s•·*|/>»]*)+$")
_MENU_WORD = re.compile(rf"(?:{_MENU_WORDS})$")
_MENU_SPLIT = re.compile(r"[\s•·*|/>»]+")
MENU_ITEMS = 4  # short items on one line, half of them known menu words: a menu (走进XX among them)
# A breadcrumb: short segments joined by > or », at least two of them.
_BREADCRUMB = re.compile(r"^[^。,;]{0,20}(?:\s*(?:>>?|»|＞|→)\s*[^。,;>»＞→]{1,20}){2,}$")
# A run of bulleted lines without sentence punctuation, most of them short names: a
# site's list of columns or categories (with the odd linked headline among them).
_BULLET = re.compile(r"^\s*[•·]\s*[^。,;:：]{1,60}$")
MENU_RUN = 5  # short items (≤ MENU_ITEM characters) that make a run a menu
MENU_ITEM = 12
SEGMENT_LEAD = 8  # characters a spam segment may carry before its spam word
_NAV_MAX_LINE = 80

# Spam lexicon. Compound phrases only, so that ordinary official words (开户, 办证,
# 官方网站, 福利彩票公益金) never match. Gambling and betting spam counts wherever it
# sits, page furniture included; advertising and document-sharing names only in the text.
_GAMBLING = (
    r"申博|太阳城|新葡京|葡京娱乐|威尼斯人|金沙(娱乐|赌场|城)|永利(娱乐|赌场)|银河娱乐|博彩|赌场|赌博(网|平台|网站|游戏)"
    r"|娱乐城|娱乐平台|娱乐官网|真人(娱乐|视讯|荷官|百家乐)|百家乐|老虎机|电子游艺|体育在线|体育投注|体育官网"
    r"|体育(app|平台|下载|注册|娱乐)|在线投注|时时彩|六合彩|北京赛车|棋牌(游戏|平台|官网)|投注|下注|网赌|彩金|返水"
    r"|(?<!福利)(?<!体育)彩票(?!公益金|管理|市场|发行|销售|机构|站点|资金|工作)"
    r"|(欧洲杯|世界杯|欧冠|英超|西甲|意甲|德甲|NBA|足球|篮球|即时)比分|比分(直播|网|预测)|竞彩|足彩|赔率"
    r"|(欧洲杯|世界杯|欧冠|英超)(竞猜|押注|开户|官网|平台|直播|app)|澳门(葡京|金沙|彩票|娱乐)"
    r"|幸运飞艇|pk10|网投|捕鱼(游戏|平台|达人)|(bob|ob|ky|ag|pg)体育|体育(入口|登录)|电竞(投注|竞猜|下注)"
    r"|开云(体育|app|官网)|乐鱼(体育|app)|九游(会|体育)|华体会|(亚博|万博|皇冠)(体育|app|官网|平台)|bet365|威廉希尔|沙巴体育"
    r"|新[葡莆蒲]京|必赢|开元棋牌"
)
_ADS = (
    r"(注册|开户|首存)(即|就)?送|代开发票|发票代开|加微信|加QQ|免费领取|点击进入|立即下载"
    r"|道客巴巴|豆丁网|百度文库|原创力文档|人人文库|淘豆网|金锄头文库|第一范文网|范文网|范文大全|文档下载|免费下载"
    r"|下载文档|文库网|个人图书馆|book118|doc88|docin|wenku|360doc"
    # A site's name and "官网:" inside the prose (where 关于 belongs): spam sites change names
    # faster than any list. Not a government's own site (区人民政府官网:www.….gov.cn).
    r"|(?<!政府)(?<!门户)官网[:：](?![\s]*(?:https?://)?[\w.-]*\.gov)"
)
_GAMBLING_RE = re.compile(_GAMBLING, re.IGNORECASE)
_SPAM = with_prefilter(re.compile(_GAMBLING + "|" + _ADS, re.IGNORECASE))  # tried at every character
# Tried at every character: its first characters ([A-Za-z0-9_-], which is [\w-] in ASCII,
# spelled out so that they can be known) lead it as a lookahead (prefilter.py).
_URL = with_prefilter(re.compile(
    r"(?:https?://|www\.)[\w\-./?%&=#:]+"
    # A domain's labels are at most 63 characters and a spam site's name has a few: bounded,
    # each start costs a few steps, where a long run of a.b.a.b… cost the rest of the run at
    # every start, the square of its length.
    r"|\b[A-Za-z0-9_-]{1,63}(?:\.[\w-]{1,63}){0,8}\.(?:com|net|org|cn|cc|vip|top|xyz|me|io|info|biz)\b(?:/[\w\-./?%&=#]*)?",
    re.IGNORECASE | re.ASCII,
))
_GOV_URL = re.compile(r"\.gov(\.cn)?\b|\.org\.cn\b|\.edu\.cn\b", re.IGNORECASE)
_SPAM_TAIL = re.compile(r"[\s:：\-—|·]*")
_SPAM_NAME_END = re.compile(rf"\w{{1,{SEGMENT_LEAD}}}(?=[:：])")


def detect_flags(norm: Normalized) -> tuple[Flag, ...]:
    """Find every hygiene problem in a normalised text."""
    text = norm.text
    flags: list[Flag] = []
    if norm.traditional:
        flags.append(Flag(
            "traditional_script",
            f"全文为繁体字（{norm.traditional_share:.0%}的汉字经繁简转换），已转为简体匹配，引文保持原文",
            _traditional_samples(norm),
            excluded=False,
        ))
    boiler = boilerplate_spans(text)
    if boiler:
        flags.append(Flag("web_boilerplate", "含网页残留内容（导航、分享、浏览次数、来源日期等），不计分、不作证据",
                          boiler, excluded=True))
    injected = injected_spans(text, boiler)
    if injected:
        flags.append(Flag("injected_text", "正文中混入外来文字（赌博/广告/文档网站/网址），不计分、不作证据",
                          injected, excluded=True))
    hidden = tuple((max(i - 1, 0), min(i + 1, len(text))) for i in norm.hidden_at)
    hidden += tuple((i, i + 1) for i in norm.lookalike_at)
    if hidden:
        flags.append(Flag("hidden_characters",
                          f"词语中夹有不可见字符或形似字母（{len(norm.hidden_at)}处不可见、{len(norm.lookalike_at)}处形似），"
                          "已按原意匹配", tuple(sorted(hidden)), excluded=False))
    stuffing = stuffing_spans(text, boiler + injected)
    if stuffing:
        flags.append(Flag("keyword_stuffing", "疑似关键词堆砌（罗列术语或反复重复的文字），不计分、不作证据",
                          stuffing, excluded=True))
    return tuple(flags)


_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;]?")
_ITEM_SPLIT = re.compile(r"[、,/|\s]+")
UNIT_MAX = 10  # characters in a repeated unit (2 to 10, the first a Han character)
UNIT_TIMES = 4  # copies in a row that make a repeated unit stuffing
_REPEATED_UNIT = re.compile(rf"([\u4e00-\u9fff][^\n]{{1,{UNIT_MAX - 1}}}?)\1{{{UNIT_TIMES - 1},}}")
LIST_MIN_ITEMS = 12
LIST_SHORT_ITEM = 6
LIST_SHORT_SHARE = 0.6
REPEAT_MIN_CHARS = 12
REPEAT_MIN_TIMES = 3


def stuffing_spans(text: str, skip: tuple[Span, ...] = ()) -> tuple[Span, ...]:
    """Text that lists terms rather than reports measures, or repeats itself.

    - a sentence of at least 12 items (split on 、 , / and spaces) whose short
      items (≤ 6 characters) make up most of it: a list of terms;
    - the same sentence (≥ 12 characters) three times or more: every copy, as
      none can be told from the stuffing;
    - a short unit repeated four times or more in a row (执法公示执法公示…).
    """
    spans: list[Span] = []
    copies: dict[str, list[Span]] = {}  # long sentences and where each stands
    skipped = span_index(skip)
    for m in _SENTENCE.finditer(text):
        sentence = m.group().strip()
        if not sentence or skipped.holds(m.start()):
            continue
        if len(sentence) >= 2 * LIST_MIN_ITEMS - 1:  # room for the items and a separator between each
            items = [it for it in _ITEM_SPLIT.split(sentence.rstrip("。!?;")) if it]
            short = sum(len(it) for it in items if len(it) <= LIST_SHORT_ITEM)
            if len(items) >= LIST_MIN_ITEMS and short >= LIST_SHORT_SHARE * len(sentence):
                spans.append((m.start(), m.end()))
                continue
        if len(sentence) >= REPEAT_MIN_CHARS:
            copies.setdefault(sentence, []).append((m.start(), m.end()))
    for places in copies.values():
        if len(places) >= REPEAT_MIN_TIMES:
            spans.extend(places)  # every copy: which one would be the real one?
    spans.extend(repeated_units(text))
    return tuple(sorted(set(spans)))


_WINDOW = 1 << 16  # characters compared at a time: memory stays a few times the window
_ZEROS = re.compile(rb"\x00*")
_REACH = UNIT_TIMES * UNIT_MAX  # a repeated unit starting at p has its copies by p + _REACH


def repeated_units(text: str) -> list[Span]:
    """The spans `_REPEATED_UNIT.finditer(text)` finds (执法公示执法公示…), found faster.

    The pattern, tried at every position of a report, took a fifth of reading it. A unit
    of L characters repeated UNIT_TIMES times needs text[i] == text[i + L] for the 3L
    characters from its start; for each L these equalities are found for a whole window
    at once, as the zero characters of (window XOR window shifted by L characters) read as
    one big integer, four bytes a character. The pattern is then searched for only from
    where such runs begin, in order, each match moving past itself, as finditer does."""
    out: list[Span] = []
    pos = 0  # where the last match ended
    for w0 in range(0, len(text), _WINDOW):
        if pos >= w0 + _WINDOW:  # a match ran over this window
            continue
        for a, b in _run_starts(text, w0):
            a = max(a, pos)
            while a <= b:  # one search a stretch of starts (a run of dashes is one), in C
                m = _REPEATED_UNIT.search(text, a, min(b + _REACH, len(text)))
                if m is None or m.start() > b:
                    break
                m = _REPEATED_UNIT.match(text, m.start())  # its whole length, past the search's end
                out.append((m.start(), m.end()))
                a = pos = m.end()
    return out


def _run_starts(text: str, w0: int) -> list[tuple[int, int]]:
    """Stretches [a, b] of positions in [w0, w0 + _WINDOW), in order and apart, holding every p
    where for some unit length L (2 to UNIT_MAX) text[i] == text[i + L] for every i from p
    to p + (UNIT_TIMES - 1) * L - 1: where a repeated unit can begin."""
    window = text[w0:w0 + _WINDOW + _REACH]  # a start near its end still has its copies
    n = len(window)
    whole = int.from_bytes(window.encode("utf-32-le", "surrogatepass"), "little")  # char i: bits 32i..32i+31
    found: list[tuple[int, int]] = []
    for length in range(2, UNIT_MAX + 1):
        need = (UNIT_TIMES - 1) * length
        if n < need + length:
            break
        equal = (whole ^ (whole >> (32 * length))).to_bytes(4 * n, "little")[:4 * (n - length)]
        needle = bytes(4 * need)  # `need` characters equal to those `length` after them
        q = equal.find(needle)
        while q >= 0:
            end = _ZEROS.match(equal, q).end()
            first, last = -(-q // 4), min(end // 4 - need, _WINDOW - 1)  # whole characters only
            if first <= last:
                found.append((w0 + first, w0 + last))
            q = equal.find(needle, end)
    return merge_spans(found, gap=1)  # [a, b] with b included: b + 1 goes on


def boilerplate_spans(text: str) -> tuple[Span, ...]:
    """Whole lines that are page furniture: short, not prose, with navigation vocabulary;
    menus and column labels; breadcrumbs; runs of short bulleted column names."""
    spans: list[Span] = []
    run: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        span = (pos, pos + len(line))
        pos += len(line) + 1
        if _BULLET.match(line):
            run.append(span)
            continue
        spans.extend(_menu(text, run))
        run = []
        if stripped and len(stripped) <= _NAV_MAX_LINE and "。" not in stripped and (
                _NAV.search(stripped) or _MENU_LINE.match(stripped) or _BREADCRUMB.match(stripped)
                or _menu_line(stripped)):
            spans.append(span)
    spans.extend(_menu(text, run))
    inline = ([(m.start(), m.end()) for m in _NAV_INLINE.finditer(text)]
              if any(core in text for core in _NAV_INLINE_CORES) else [])
    if inline:
        lines = span_index(spans)
        spans.extend(span for span in inline if not lines.holds(span[0]))
    return tuple(sorted(spans))


def _menu_line(line: str) -> bool:
    items = [it for it in _MENU_SPLIT.split(line) if it]
    known = sum(1 for it in items if _MENU_WORD.match(it))
    return (len(items) >= MENU_ITEMS and all(len(it) <= MENU_ITEM for it in items)
            and not re.search(r"[,，;；:：]", line) and 2 * known >= len(items))


def _menu(text: str, run: list[Span]) -> list[Span]:
    short = sum(1 for a, b in run if len(text[a:b].strip(" •·")) <= MENU_ITEM)
    return run if short >= MENU_RUN else []


def injected_spans(text: str, boiler: tuple[Span, ...] = ()) -> tuple[Span, ...]:
    """Spam words and foreign URLs inside the prose, grown to cover the whole insert."""
    hits: list[Span] = []
    for m in _SPAM.finditer(text):
        hits.append((m.start(), m.end()))
    for m in _URL.finditer(text):
        if not _GOV_URL.search(m.group()):
            hits.append((m.start(), m.end()))
    # Spam counts wherever it sits, even where it replaced 首页 in a breadcrumb; a
    # foreign URL inside page furniture is the page's own link, not an insert.
    furniture = span_index(boiler)
    hits = [h for h in hits if (_GAMBLING_RE.match(text, h[0]) or not furniture.holds(h[0]))
            and not _crackdown(text, *h)]
    if not hits:
        return ()
    spans: list[Span] = []
    for start, end in merge_spans(hits, gap=3):
        start, end = _grow(text, start, end)
        name = _SPAM_NAME_END.match(text, end)  # 澳门金沙娱乐场: where 关于 belongs: the site's name to its colon
        end = name.end() if name else end
        tail = _SPAM_TAIL.match(text, end)
        spans.append((start, tail.end() if tail else end))
    return tuple(spans)


# What a crackdown reports on is no advertisement: 严厉打击电信诈骗、网赌等违法犯罪,
# 依法关停赌博网站12个, 开展打击网络赌博网站专项行动. Only a common name of gambling is
# such a target, never a site's brand (申博, 葡京, 体育在线), whatever its clause says.
_TARGET = re.compile(r"网赌|(网络)?赌博(网|平台|网站|游戏)?|(网络)?博彩|赌场|彩票|投注")
_CRACKDOWN_BEFORE = re.compile(r"打击|整治|查处|严打|关停|取缔|侦破|惩治|防范|捣毁|破获|查获|收缴|查办")
_CRACKDOWN_AFTER = re.compile(r"[等类]?(违法|犯罪|专项|案件|窝点)")


def _crackdown(text: str, start: int, end: int) -> bool:
    """Whether a gambling word is the target of a crackdown the clause reports: a crackdown verb
    before it in its clause, or 违法/犯罪/专项 right after it."""
    if not _TARGET.fullmatch(text, start, end):
        return False
    a = max(text.rfind(c, 0, start) for c in ",;:。!?\n") + 1
    return bool(_CRACKDOWN_BEFORE.search(text, a, start) or _CRACKDOWN_AFTER.match(text, end))


def _grow(text: str, start: int, end: int) -> Span:
    """Extend a spam hit over the Han characters glued to it that are spam too
    (e.g. 申博 + 体育在线 → 申博体育在线), and back to the start of a short segment it
    ends (2024德国欧洲杯比分 where a breadcrumb's 首页 belongs); never back into prose."""
    lead = start
    while lead > 0 and start - lead < SEGMENT_LEAD and text[lead - 1].isalnum():
        lead -= 1
    if lead == 0 or not text[lead - 1].isalnum():
        start = lead
    while True:
        m = _SPAM.match(text, end)
        if m and m.end() > end:
            end = m.end()
            continue
        break
    return start, end


def _traditional_samples(norm: Normalized, limit: int = 3) -> tuple[Span, ...]:
    """The opening of the first lines of text: what the warning quotes."""
    spans: list[Span] = []
    pos = 0
    for line in norm.text.split("\n"):
        if line.strip() and len(spans) < limit:
            spans.append((pos, min(pos + len(line), pos + 40)))
        pos += len(line) + 1
    return tuple(spans)


MASK = "\u2063"  # what flagged text becomes for matching: an invisible separator matches no term


def mask(text: str, spans: tuple[Span, ...] | list[Span]) -> str:
    """Blank out spans (same length) so that nothing in them can match."""
    return blank(text, spans, MASK) if spans else text
