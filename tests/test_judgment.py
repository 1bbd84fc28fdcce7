"""Judgment that holds on unseen reports: each class of failure of DOMAIN.md as short
examples written for the purpose, and the evidence contract checked on real reports
(the seeds, and the development openings where they are present)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scorer.document import document_from_text, load_document
from scorer.matcher import match_document
from scorer.normalize import normalize
from scorer.rubric import load_rubric
from scorer.scoring import score_document
from tests.conftest import SEEDS, SHARED


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def judged(rubric, text: str, criterion: str):
    return match_document(document_from_text(text), rubric)[criterion]


CLASSES = [
    # Ritual formulas are never evidence: deference, guiding ideology, goals, the report's delivery.
    ("在省委坚强领导和省人大常委会监督支持下,锚定“走在全国前列”的目标要求,扎实推进依法行政。",
     "oversight.external", 0),
    ("在区委的正确领导以及区人大的监督下,区政府坚持依法行政。", "oversight.external", 0),
    ("根据常委会监督工作计划安排,现向区人大常委会报告2022年度法治政府建设情况,请予审议。",
     "duties.deploy", 0),
    # ... but studying the rule-of-law committees' meeting spirit is study.
    ("区委常委会传达学习中央全面依法治国委员会第二次会议精神。", "duties.study", 2),
    # Numbered slogans, quoted labels and spans of years are names, not figures.
    ("为我省打造“三地一区”、建设“七个强省”提供法治保障,深化普法宣传。", "society.legal_education", 1),
    ("一、主要举措和成效\n(一)加强领导干部学法\n牢固树立四个意识,坚定两个维护,践行三个务必。", "duties.study", 1),
    ("共同签署《2019—2020轮值年度区域合作重点项目》,推进人民调解工作。", "society.mediation", 1),
    # A verb inside a term names its topic; it is no action taken. Between two words it is.
    ("不断强化法治政府建设考核。", "duties.assessment", 1),
    ("持续加强规范性文件备案审查。", "decision.normative_docs", 1),
    ("定期听取法治政府建设工作汇报。", "duties.deploy", 1),
    ("对行政执法“三项制度”落实情况开展实地督察。", "enforcement.oversight", 2),
    # Shortcomings and plans under a sub-heading of their own, or under a heading of next year.
    ("一、2023年工作情况\n(一)主要成效\n建立行政机关负责人出庭应诉制度。\n(二)存在的不足\n"
     "各单位负责人出庭应诉仅12次。", "litigation.appearance", 2),
    ("一、2023年法治政府建设主要举措和成效\n召开会议。\n二、2024年重点工作\n配备执法记录仪200台。",
     "enforcement.recording", 0),
    # Figures written in words count as those in digits; a duration measures no result.
    ("各单位负责人出庭应诉率达到百分之百。", "litigation.appearance", 3),
    ("全年办理行政复议案件一百零五件。", "reconsideration.cases", 3),
    ("组织评查行政执法案卷120卷。", "enforcement.oversight", 3),
    ("组织开展为期3个月的行政执法案卷评查专项行动。", "enforcement.oversight", 2),
    ("举办历时两天的法律顾问业务培训班。", "decision.legal_advisers", 2),
    ("行政复议案件平均审理时限压缩至2个月。", "reconsideration.cases", 3),
    ("行政机关负责人出庭应诉达九成以上。", "litigation.appearance", 3),
    ("某某區人民政府2023年法治政府建設年度報告\n一、主要舉措和成效\n區政府堅持依法行政,各項工作取得新進展。"
     "全年公開執法資訊3215筆,執法記錄儀配置412具。", "enforcement.publicity", 3),
    # A measure planned or expected is no measure done; one carried out as planned is.
    ("按计划开展行政执法案卷评查2次。", "enforcement.oversight", 3),
    ("行政复议案件全年预计收案120件,已审结100件。", "reconsideration.cases", 3),
    ("重大行政决策严格履行五个法定程序。", "decision.major", 1),
    ("制定年度执法检查计划,开展行政执法案卷评查2次。", "enforcement.oversight", 3),
    # A decision taken at a named meeting is a measure; the meeting named as a whole word counts.
    ("重大行政决策事项均经区政府常务会议集体讨论决定。", "decision.major", 2),
    # Handing out materials is a measure with an object, as printing them is.
    ("在集市向群众发放普法资料。", "society.legal_education", 2),
    ("某某區人民政府2023年法治政府建設年度報告\n一、主要舉措和成效\n區政府堅持依法行政,各項工作取得新進展。"
     "辦理法治宣導活動二十場。", "society.legal_education", 3),
    ("行政执法公示信息准确率提高两成。", "enforcement.publicity", 3),
    ("行政机关负责人出庭应诉率较上年提高一成。", "litigation.appearance", 3),
    ("聘请法律顾问,全年共举办讲座200余场。", "decision.legal_advisers", 3),
    ("深入推行行政执法公示制度,对规定内容进行公示并及时更新。", "enforcement.publicity", 2),
    # The verb an all_of rule asks for, with its target after it, is an action taken; a
    # near rule's (定期听取…汇报) and a formula's (亲自部署) are not.
    ("将法治建设纳入全区年度绩效考核。", "duties.assessment", 2),
    ("将依法行政纳入局机关各科室、各市场监管所年度绩效考核。", "duties.assessment", 2),
    ("持续加强规范性文件备案审查。", "decision.normative_docs", 1),
    ("定期听取法治政府建设工作汇报。", "duties.deploy", 1),
    # Numbers that describe the place itself measure no work of the year.
    ("全区户籍人口52万人,全面推进政务公开。", "oversight.transparency", 1),
    ("聘请法律顾问,全区辖行政村126个。", "decision.legal_advisers", 2),
    ("聘请法律顾问,全区辖8个街道、126个行政村。", "decision.legal_advisers", 2),
    ("为全区常住人口52万人提供公共法律服务,开展普法宣传活动120场。", "society.legal_education", 3),
    ("普法宣传覆盖全区常住人口80%以上。", "society.legal_education", 3),
    ("全市辖区内开展行政执法案卷评查320卷。", "enforcement.oversight", 3),
    # A topic a leaders' meeting took up is an agenda item: 1 for that topic.
    ("召开省政府常务会议,研究行政立法、法治化营商环境建设、法律顾问选聘等工作。",
     "decision.legal_advisers", 1),
    ("政府常务会议听取法治政府建设工作汇报及复议应诉情况汇报。", "reconsideration.cases", 1),
    ("组织召开旗委常委会4次,研究重大行政决策、行政规范性文件等重点工作。", "decision.major", 1),
    # ... the meeting itself is the leaders' deployment, with its count.
    ("组织召开旗委常委会4次,研究重大行政决策、行政规范性文件等重点工作。", "duties.deploy", 3),
    # A law named as what was studied is a study topic.
    ("市政府常务会议开展会前学法7次,深入学习《重大行政决策程序暂行条例》。", "decision.major", 0),
    ("市政府常务会议开展会前学法7次,深入学习《重大行政决策程序暂行条例》。", "duties.study", 3),
    # The content of a plan is not reported as done.
    ("制定出台依法行政、普法宣传年度计划。", "society.legal_education", 1),
    # A figure backs the measure it counts: not the one before a new action.
    ("将法治建设纳入区委年度考核体系,政府督查室联合开展法治政府建设督查2次。", "duties.assessment", 2),
    ("发挥村居法律顾问作用,全年共举办各类讲座200余场。", "decision.legal_advisers", 3),
    # ... and a figure the next sentence of the paragraph gives for it: one that opens with a
    # count of the year and repeats a word of the measure.
    ("建成区矛盾纠纷多元化解中心。全年共化解各类纠纷1860件,化解率96%。", "society.mediation", 3),
    ("建成区矛盾纠纷多元化解中心。\n全年共化解各类纠纷1860件。", "society.mediation", 2),  # a new paragraph
    ("建成区矛盾纠纷多元化解中心。各街道化解各类纠纷1860件。", "society.mediation", 2),  # no count of the year
    ("建成区矛盾纠纷多元化解中心,开展法治宣传。全年共化解各类纠纷1860件。", "society.mediation", 2),  # another measure between
    ("健全矛盾纠纷多元化解机制。全年共化解各类纠纷1860件。", "society.mediation", 1),  # a claim, no measure
    ("区政府统一行使行政复议职责。全年共接收复议申请599件。", "reconsideration.reform", 2),  # cases: another measure
    ("通过区政府网站公示执法信息。全年共作出行政处罚决定1725件。", "enforcement.publicity", 2),  # penalties
    ("通过区政府网站公示执法信息。全年共开展部门联合检查216次。", "enforcement.publicity", 2),  # no word of the hit
    # The pool of a ranking counts the ranked, not what the government did.
    ("以98.6%的行政机关负责人出庭应诉率位居全市第一。", "litigation.appearance", 3),
    ("对全区32个部门法治建设情况进行年度考核排名。", "duties.assessment", 3),
    # An action named as a topic (…的起草, 制定和监督管理, 受理和审理机制) is no action taken.
    ("加强行政规范性文件制定和监督管理。", "decision.normative_docs", 1),
    ("完善行政复议案件受理和审理机制。", "reconsideration.cases", 1),
    ("制定行政规范性文件管理办法。", "decision.normative_docs", 2),
    ("实现与公安、市场监管等部门数据共享,推进数字政府建设。", "digital.government", 2),  # 与 a preposition
    ("各执法部门认真的开展了执法案卷评查工作。", "enforcement.oversight", 2),  # 的 for 地
    ("区司法局建立和管理政府法律顾问库。", "decision.legal_advisers", 2),  # a pair of actions taken
    # A law named as what was studied, with or without 《》, is a study topic.
    ("区政府常务会议全年会前学法12次,专题学习了突发事件应对法。", "emergency.response", 0),
    ("深入学习贯彻新修订的行政复议法,全年办理复议案件56件。", "reconsideration.reform", 0),
    ("将领导干部学法述法纳入年度考核。", "duties.report_on_law", 2),  # 述法 names no law
    ("新培育学法用法示范户120户、民主法治示范村5个。", "society.legal_education", 3),
    ("在学习借鉴先进地区经验基础上出台行政执法公示办法。", "enforcement.publicity", 2),
    ("组织学习并全面落实重大行政决策法定程序。", "decision.major", 2),  # 法定 names no law
    # A term inside a longer term of another criterion is that one's topic.
    ("通过调解和解方式结案46件,占结案总数的31%。", "society.mediation", 0),
    ("在县政府门户网站公示执法信息1432条,做到执法信息公开透明。", "oversight.transparency", 0),
    ("全年主动公开政府信息3800余条,信息公开工作规范有序。", "oversight.transparency", 3),
    ("全镇共成功调解和解决各类民间纠纷326件。", "society.mediation", 3),  # 调解和解决 holds no 调解和解
    ("升级改版政务服务平台,全年网上办件12万件。", "government.business_env", 3),  # the platform is its own
    # The economy's aggregates are no figures; a share of one (fines in the budget) or a project is.
    ("持续优化法治化营商环境,全区地区生产总值增长6.2%。", "government.business_env", 1),
    ("严格执法监督,全区罚没收入占一般公共预算收入比重降至1.8%。", "enforcement.oversight", 3),
    ("全年通过行政审批局办理固定资产投资项目审批326件,深化放管服改革。", "government.business_env", 3),
    # A count of the year before the measure it counts.
    ("全年共举办培训班12期,对全区执法人员开展全员轮训。", "enforcement.capacity", 3),
    # Counts that measure the wrong thing.
    ("全年共作出行政处罚17236件。", "enforcement.oversight", 1),
    ("2022年全区新设立市场主体33779户。", "government.business_env", 1),
    ("我州2020年度法治政府建设考核获全省第3名。", "duties.assessment", 0),
    ("我区法治政府建设考核结果为优秀,取得全市第一名的好成绩。", "duties.assessment", 0),
    ("对法治建设考核结果为优秀的8个单位通报表扬。", "duties.assessment", 3),
    # Deploying rule-of-law work takes many forms.
    ("于2021年3月成立依法行政领导小组。", "duties.deploy", 2),
    ("印发了2018年度法治政府建设工作安排并加强督导检查。", "duties.deploy", 2),
    ("召开县委全面依法治县委员会全体扩大会议 1 次。", "duties.deploy", 3),
    ("将法治建设与业务工作同部署、同推进、同考核。", "duties.assessment", 1),
    # A heading names the topic of the clauses under it.
    ("一、主要举措和成效\n(二)持续深入优化营商环境\n将原其他权力事项7项调整为5项。\n"
     "二、存在的不足\n执法不够规范。", "government.business_env", 3),
    # ... but not a clause that goes on with another criterion's report (受理88件 counts cases).
    ("一、主要举措和成效\n(四)推进行政复议体制改革。县政府统一行使行政复议职责。全年收到行政复议申请96件,受理88件。\n"
     "二、存在的不足\n执法不够规范。", "reconsideration.reform", 2),
    ("一、主要举措和成效\n(四)推进行政复议体制改革。全年办理行政复议案件56件,县司法局增设行政复议股,配备专职工作人员5名。\n"
     "二、存在的不足\n执法不够规范。", "reconsideration.reform", 3),  # the staffing is the reform's
    ("一、主要举措和成效\n(四)充分发挥法律顾问作用。全年协助审查规范性文件及合同32件,出具法律意见书45份。\n"
     "二、存在的不足\n执法不够规范。", "decision.legal_advisers", 3),  # the heading's own work after another's
    # A list of terms names topics; it reports no measure.
    ("主要负责人会前学法、述法、纳入考核、研究部署。", "duties.assessment", 1),
    ("会前学法 述法 执法公示 法制审核 出庭应诉 政务公开 普法 放管服", "society.legal_education", 1),
]


@pytest.mark.parametrize("text,criterion,expected", CLASSES)
def test_failure_classes(rubric, text, criterion, expected):
    match = judged(rubric, text, criterion)
    assert match.level == expected, (match.summary, [e.quote for e in match.evidence])


def test_a_summary_claim_in_the_opening_is_general_words(rubric):
    text = ("2022年,我市持续推进“放管服”改革,着力打造法治化营商环境。\n"
            "一、主要举措和成效\n召开会议。\n二、存在的不足\n执法不够规范。")
    assert judged(rubric, text, "government.business_env").level == 1
    # The same words under a heading of the body are a measure.
    body = "一、主要举措和成效\n持续推进“放管服”改革,着力打造法治化营商环境。\n二、存在的不足\n执法不够规范。"
    assert judged(rubric, body, "government.business_env").level == 2


def test_a_heading_lends_nothing_to_a_clause_its_criterion_rules_out(rubric):
    """Under a heading that names assessment, being graded by a superior is still not assessing."""
    text = ("一、主要举措和成效\n(四)健全法治建设考核机制\n全区法治政府建设工作获评全省优秀等次,"
            "获奖励资金200万元。\n二、存在的不足\n执法不够规范。")
    match = judged(rubric, text, "duties.assessment")
    assert match.level < 3 and not any("获评" in e.quote for e in match.evidence), match.evidence


def test_a_figure_in_words_is_quoted_whole(rubric):
    match = judged(rubric, "全年办理行政复议案件一百零五件,纠错率为百分之十二点五。", "reconsideration.cases")
    assert match.evidence[0].why == "有量化数据：一百零五件"


def test_a_level_3_quote_holds_its_figure_even_in_a_long_sentence(rubric):
    filler = ("坚持依法行政,强化制度建设,完善工作机制,压实工作责任,统筹推进各项任务,"
              "加强队伍建设,优化执法流程,规范裁量标准,提升执法效能,严格执法责任,")
    text = f"拟制公示格式,{filler}通过区政府网站公示执法信息,全年公示7类信息。"
    match = judged(rubric, text, "enforcement.publicity")
    assert match.level == 3
    assert "7类" in match.evidence[0].quote and "公示执法信息" in match.evidence[0].quote


def test_a_figure_from_the_next_sentence_is_quoted_with_it_and_says_so(rubric):
    text = "组织开展行政执法人员培训。全年共举办培训班12期,培训2300余人次。"
    match = judged(rubric, text, "enforcement.capacity")
    assert match.level == 3
    assert match.evidence[0].quote == "组织开展行政执法人员培训。全年共举办培训班12期"
    assert match.evidence[0].why == "有量化数据（见下句）：12期"


STUFFED = (
    "某区2023年法治政府建设情况报告\n一、2023年法治政府建设主要举措和成效\n{terms}。\n{repeated}\n"
    "会前学法 述法 执法公示 法制审核 出庭应诉 政务公开 普法 放管服\n"
    "二、存在的不足和原因\n{terms}。\n三、党政主要负责人履行推进法治建设第一责任人职责情况\n"
    "主要负责人会前学法、述法、纳入考核、研究部署。\n{repeated}\n四、2024年工作安排\n{terms}。\n"
)
TERMS = ("会前学法、述法、执法公示、全过程记录、法制审核、行政复议体制改革、出庭应诉、重大行政决策、"
         "规范性文件、法律顾问、政务公开、普法、人民调解、放管服、营商环境、人大代表建议、政协提案、纳入考核")
REPEATED = ("全年召开区政府常务会会前学法12次,出庭应诉率100%。" * 4
            + "深入推行行政执法公示、执法全过程记录、重大执法决定法制审核制度,规范性文件备案审查全面落实。" * 4)


def test_a_stuffed_report_earns_its_structure_and_at_most_1_per_criterion(rubric):
    doc = document_from_text(STUFFED.format(terms=TERMS, repeated=REPEATED))
    assert "keyword_stuffing" in doc.flag_names()
    score = score_document(doc, rubric)
    structure = sum(cs.points for cs in score.criteria if cs.criterion.is_structure)
    general = sum(cs.criterion.points * rubric.levels[1].share
                  for cs in score.criteria if not cs.criterion.is_structure)
    assert all(cs.level <= 1 for cs in score.criteria if not cs.criterion.is_structure), [
        (cs.criterion.id, cs.level, cs.match.summary) for cs in score.criteria if cs.level > 1]
    assert score.total <= structure + general + 0.01


# The evidence contract, on real reports.

def _reports() -> list[Path]:
    dev = SHARED / "dev" / "openings"
    return sorted(SEEDS.glob("*.txt")) + (sorted(dev.glob("*.txt")) if dev.is_dir() else [])


_WHY_WORD = re.compile(r"^(有量化数据|具体举措)(?:（见下句）)?：(.+)$")


@pytest.mark.parametrize("path", _reports(), ids=lambda p: p.name)
def test_evidence_defends_its_level(rubric, path):
    """Every level-3 quote holds a figure, every reason names only words inside its quote,
    and no quote lies in flagged text."""
    doc = load_document(path)
    flagged = [doc.original_span(a, b) for a, b in doc.excluded_spans()]
    for cid, match in match_document(doc, rubric).items():
        for ev in match.evidence:
            quote = normalize(ev.quote).text
            m = _WHY_WORD.match(ev.why)
            if ev.level == 3 and not cid.startswith("structure."):
                assert m and m.group(1) == "有量化数据", (cid, ev.why)
            if m:
                word = m.group(2)
                assert ("《" in quote) if word == "有名称的文件" else (word in quote), (cid, ev.why, ev.quote)
            assert ev.quote == doc.original[ev.start:ev.end].strip()
            assert not any(a < ev.end and ev.start < b for a, b in flagged), (cid, ev.quote)


_PAUSE = set("，。；：！？,;:!?、)）”’\"\n")


@pytest.mark.parametrize("path", _reports(), ids=lambda p: p.name)
def test_quotes_end_at_a_clause_end(rubric, path):
    """A quote is cut where the report pauses (a clause end, a list's 、), never mid-word."""
    doc = load_document(path)
    for cid, match in match_document(doc, rubric).items():
        for ev in match.evidence:
            rest = doc.original[ev.end:].lstrip(" \t\u3000")
            last = ev.quote[-1:]
            assert not rest or rest[0] in _PAUSE or last in _PAUSE or not rest[0].strip(), (cid, ev.quote, rest[:10])


def test_flagged_text_under_a_heading_is_never_quoted(rubric):
    # Found by the property test: spam that replaced a line's opening under a heading that
    # names a criterion; the clause after it holds a figure.
    text = "设。\n(二)规范行政权力运行\n1.全面落实规范性文件审核和重大行政决策审查工作\n申博体育在线:十万余册"
    doc = document_from_text(text)
    assert "injected_text" in doc.flag_names()
    quotes = [e.quote for m in match_document(doc, rubric).values() for e in m.evidence]
    assert quotes and not any("申博" in q for q in quotes)


def test_a_level_3_quote_holds_its_figure_when_spam_stands_between(rubric):
    doc = document_from_text("一、主要举措和成效\n召开区政府常务会会前学法申博体育在线:12次。")
    assert "injected_text" in doc.flag_names()
    match = match_document(doc, rubric)["duties.study"]
    assert all("申博" not in e.quote for e in match.evidence)
    assert all(re.search(r"\d", e.quote) for e in match.evidence if e.level == 3)


def test_a_figure_with_its_thousands_separated_is_one_figure(rubric):
    match = judged(rubric, "全年主动公开政府信息1,200条。", "oversight.transparency")
    assert match.level == 3 and match.summary == "有量化数据：1,200条"
    assert match.evidence[0].quote == "全年主动公开政府信息1,200条"


@pytest.mark.parametrize(("text", "found"), [
    ("制度一成不变,召开会议2次", ["2次"]),
    ("满意度达九成五,九成的行政争议得到化解", ["九成五", "九成"]),
    ("出庭率达九成五以上,满意度九成八左右", ["九成五以上", "九成八左右"]),
    ("统一成立机构,唯一成功案例", []),
])
def test_tenths_are_figures_and_set_words_with_them_are_not(rubric, text, found):
    from scorer.figures import figures
    from scorer.levels import level_words

    assert [text[a:b] for a, b in figures(text, 0, len(text), level_words(rubric))] == found
