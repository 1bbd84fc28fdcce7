"""The seeds read as an evaluator reads them: metadata, flags and part roles."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scorer.document import document_from_text, load_document
from scorer.matcher import match_document
from scorer.roles import opening_role
from scorer.rubric import load_rubric
from scorer.structure import PartRole, RoleSource
from tests.conftest import ROOT, cli, seed

EXPECTED = {
    "000": ("昌平区", 2022, None, ["traditional_script"]),
    "001": ("东城区", 2023, None, []),
    "002": ("北碚区", 2020, "2021-01-13", ["web_boilerplate"]),
    "003": ("昌江区", 2024, "2025-02-12", []),
    "004": ("海港区", 2022, None, ["injected_text"]),
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_metadata_and_flags(prefix):
    doc = load_document(seed(prefix))
    region, year, published, flags = EXPECTED[prefix]
    assert (doc.metadata.region, doc.metadata.year, doc.metadata.published) == (region, year, published)
    assert doc.flag_names() == flags


def test_on_time_follows_the_covered_year():
    assert load_document(seed("002")).metadata.on_time is True
    assert load_document(seed("003")).metadata.on_time is True
    assert load_document(seed("001")).metadata.on_time is None
    late = document_from_text("关于2022年度法治政府建设情况的报告\n发布时间:2023-05-06\n一、2022年主要举措和成效\n开展工作。")
    assert late.metadata.on_time is False


def test_web_page_date_and_plans_year_are_not_the_year():
    text = ("今天是2019年10月31日 星期四\n当前位置:首页 > 政务公开\n"
            "2018年,县政府坚持依法行政。\n一、主要举措和成效\n召开会议5次。\n二、2019年工作安排\n2019年将继续推进。")
    doc = document_from_text(text)
    assert doc.metadata.year == 2018
    assert "web_boilerplate" in doc.flag_names()


def test_chinese_numeral_signature_date():
    doc = document_from_text("2021年,浚县政府依法行政。\n一、主要举措\n开展工作。\n浚县人民政府\n二〇二二年三月十五日")
    assert doc.metadata.published == "2022-03-15"
    assert doc.metadata.issuer == "浚县人民政府"
    assert doc.metadata.region == "浚县"


def _top(doc):
    return [(p.role, p.role_source) for p in doc.parts if p.level == 1]


def test_headed_parts_get_roles_from_their_headings():
    doc = load_document(seed("001"))
    assert _top(doc) == [(PartRole.ACHIEVEMENTS, RoleSource.HEADING), (PartRole.PROBLEMS, RoleSource.HEADING),
                         (PartRole.DUTIES, RoleSource.HEADING), (PartRole.PLANS, RoleSource.HEADING)]


@pytest.mark.parametrize(("heading", "role"), [
    ("一、2023年法治政府建设工作开展情况", PartRole.ACHIEVEMENTS),
    ("一、加强党的领导,坚持正确政治方向", PartRole.ACHIEVEMENTS),
    ("二、工作中存在的困难和问题", PartRole.PROBLEMS),
    ("二、存在不足及原因分析", PartRole.PROBLEMS),
    ("二、主要负责人履行法治建设第一责任人职责情况", PartRole.DUTIES),
    ("三、今后工作方向", PartRole.PLANS),
    ("三、新的一年工作思路", PartRole.PLANS),
    ("三、2024年工作目标", PartRole.PLANS),
    ("四、下步工作措施", PartRole.PLANS),
    ("五、其他需要报告的情况", PartRole.OTHER),
    ("二、需要改进的方面", PartRole.PROBLEMS),
    ("二、存在的弱项和原因", PartRole.PROBLEMS),
    ("三、下阶段重点工作", PartRole.PLANS),
    ("三、下一阶段工作打算", PartRole.PLANS),
    ("二、当前需要解决的突出问题", PartRole.PROBLEMS),
    ("二、当前急需解决的问题", PartRole.PROBLEMS),
    ("二、需要着力解决的问题", PartRole.PROBLEMS),
    ("二、有待加强的问题", PartRole.PROBLEMS),
    ("二、仍需补强的弱项", PartRole.PROBLEMS),
    ("二、矛盾纠纷化解中存在的问题", PartRole.PROBLEMS),
    ("一、狠抓督察反馈问题整改", PartRole.ACHIEVEMENTS),
    ("一、行政执法突出问题专项整治", PartRole.ACHIEVEMENTS),
    # A shortcoming the part's measures address names no shortcomings part.
    ("一、强化基层弱项,提升行政执法规范化水平", PartRole.ACHIEVEMENTS),
    ("一、补短板、强弱项,推进依法行政", PartRole.ACHIEVEMENTS),
    ("三、坚持问题导向,深化执法监督", PartRole.ACHIEVEMENTS),
])
def test_a_heading_names_its_part_role(heading, role):
    doc = document_from_text(f"某区2023年法治政府建设年度报告\n{heading}\n召开会议部署工作。\n")
    assert [p.role for p in doc.parts if p.heading and heading.endswith(p.heading)] == [role]


@pytest.mark.parametrize(("opening", "role"), [
    ("当然,我们也清醒地看到,法治政府建设还存在一些问题", PartRole.PROBLEMS),
    ("同时,工作中还存在一些短板和弱项", PartRole.PROBLEMS),
    ("但也要清醒地认识到,全区行政机关负责人出庭应诉率仅为35%", PartRole.PROBLEMS),
    ("我们清醒认识到法治政府建设的短板,执法规范化水平不高", PartRole.PROBLEMS),
    # 清醒认识到 alone opens no shortcoming: a closing duty or measure
    ("我们清醒认识到法治政府建设是重点任务,全年召开常务会议专题研究法治政府建设4次", PartRole.ACHIEVEMENTS),
    ("2024年,我区将继续深入推进法治政府建设", PartRole.PLANS),
    ("今后,我县将继续加强行政执法监督", PartRole.PLANS),
    ("在新的一年里,区政府将重点开展以下工作", PartRole.PLANS),
    ("回顾全年工作,我们也发现一些不足:行政机关负责人出庭应诉率为58%", PartRole.PROBLEMS),
    ("我们也清楚地看到,行政机关负责人出庭应诉率为58%,与上级要求相比有较大差距", PartRole.PROBLEMS),
    ("站在新的起点上,区政府将聚焦以下工作:组织全区行政执法人员500人参加培训", PartRole.PLANS),
    ("2024年是关键之年。区政府将重点抓好以下工作:组建行政复议委员会", PartRole.PLANS),
    # What oversight found is its result; 以下事项 taken into an assessment is done.
    ("组织开展行政执法案卷评查,抽查案卷三百二十卷,发现问题四十七个", PartRole.ACHIEVEMENTS),
    ("区政府将以下事项纳入年度考核:会前学法、述法", PartRole.ACHIEVEMENTS),
    # A measure's figures, then its limits conceded: the paragraph reports the measure.
    ("行政机关负责人出庭应诉率达到100%,较上年提高20个百分点,但与群众期待仍有差距", PartRole.ACHIEVEMENTS),
    ("全年配备执法记录仪320台,但仍存在一些短板", PartRole.ACHIEVEMENTS),
    ("2023年,我区法治政府建设取得了一定成效,但也存在一些问题和不足", PartRole.PROBLEMS),
    # What study achieved, what oversight found, and 将 before an object are no such openings.
    ("区委理论学习中心组开展专题学习,深刻认识到运用法治思维解决问题的重要性,全年集体学法8次", PartRole.ACHIEVEMENTS),
    ("开展法治督察,同时发现短板弱项23个,已全部完成整改", PartRole.ACHIEVEMENTS),
    ("一年来,我区将学法用法重点放在以下几个方面:区政府常务会议会前学法12次", PartRole.ACHIEVEMENTS),
    ("区政府将以下工作作为年度重点:组建行政复议委员会", PartRole.ACHIEVEMENTS),
    ("2023年,县政府扎实推进法治政府建设,现将工作开展情况报告如下。", PartRole.ACHIEVEMENTS),
    ("全区领导干部也深刻认识到法治建设的重要性,全年学法12次", PartRole.ACHIEVEMENTS),
    ("配备执法记录仪三百二十台,但仍存在一些短板", PartRole.ACHIEVEMENTS),
    # ... and the openings real reports give their shortcomings and plans.
    ("我们将从以下几个方面开展工作:开展行政执法案卷评查2次", PartRole.PLANS),
    ("我区将继续做好以下工作:组建行政复议委员会", PartRole.PLANS),
    ("同时也发现一些薄弱环节", PartRole.PROBLEMS),
    ("回顾一年来的工作,成绩来之不易,问题也不容忽视:行政机关负责人出庭应诉率仅为63%", PartRole.PROBLEMS),
    # Words a clause measures itself by or answers name no part.
    ("对照党政主要负责人履行推进法治建设第一责任人职责的要求,我区仍存在一些薄弱环节", PartRole.PROBLEMS),
    ("针对存在的问题,2024年我区将重点做好以下工作", PartRole.PLANS),
    ("对照法治政府建设要求我区仍存在一些薄弱环节,主要表现在:", PartRole.PROBLEMS),
    ("根据市委市政府要求2024年我区将从以下几个方面开展工作:", PartRole.PLANS),
    ("但我们也深刻认识到工作中的短板和不足", PartRole.PROBLEMS),
    ("全区共办理行政复议案件56件,出庭应诉率100%。但我们也清醒地认识到,工作中还存在一些薄弱环节", PartRole.PROBLEMS),
    ("全年共办理行政复议案件120件,取得了一定成效,但也存在一些问题和不足,主要表现在:一是", PartRole.PROBLEMS),
])
def test_an_unheaded_closing_paragraph_takes_its_role_from_its_opening(opening, role):
    doc = document_from_text(f"某区2023年法治政府建设年度报告\n一、主要举措和成效\n召开会议部署工作。\n{opening}。\n")
    assert [p.role for p in doc.parts if p.level == 1][-1] == role


@pytest.mark.parametrize(("heading", "role"), [
    ("三、2024年重点工作", PartRole.PLANS),
    ("三、2024年主要工作举措", PartRole.PLANS),
    ("三、2023年重点工作", PartRole.ACHIEVEMENTS),
    ("三、2024年面临的困难", PartRole.PROBLEMS),
    # A year inside a heading names something else.
    ("三、深入实施《法治政府建设实施纲要(2021—2025年)》", PartRole.ACHIEVEMENTS),
    ("三、锚定2025年目标,深化放管服改革", PartRole.ACHIEVEMENTS),
])
def test_a_heading_of_a_later_year_than_the_first_dated_one_names_plans(heading, role):
    doc = document_from_text(f"一、2023年法治政府建设主要举措和成效\n召开会议部署工作。\n{heading}\n召开会议部署工作。\n")
    assert [p.role for p in doc.parts if p.level == 1] == [PartRole.ACHIEVEMENTS, role]


def test_a_year_inside_the_first_heading_dates_nothing():
    doc = document_from_text("一、巩固2022年示范创建成果\n召开会议部署工作。\n二、2023年主要举措\n召开会议部署工作。\n")
    assert [p.role for p in doc.parts if p.level == 1] == [PartRole.ACHIEVEMENTS, PartRole.ACHIEVEMENTS]


@pytest.mark.parametrize(("sub", "role"), [
    ("(二)存在的不足", PartRole.PROBLEMS),
    ("(二)存在的主要问题", PartRole.PROBLEMS),
    ("(二)问题和原因", PartRole.PROBLEMS),
    ("(三)下一步工作打算", PartRole.PLANS),
    ("(三)2024年工作计划", PartRole.PLANS),
    ("(二)存在的短板弱项", PartRole.PROBLEMS),
    ("(三)下阶段工作安排", PartRole.PLANS),
    # Headings of measures that mention problems or plans stay in their part.
    ("(二)着力解决群众急难愁盼问题", PartRole.ACHIEVEMENTS),
    ("(二)依法化解矛盾纠纷,着力解决执法中存在的突出问题", PartRole.ACHIEVEMENTS),
    ("(三)2023年工作计划执行情况", PartRole.ACHIEVEMENTS),
    ("(三)2022年工作计划", PartRole.ACHIEVEMENTS),
    ("(四)存在问题整改落实情况", PartRole.ACHIEVEMENTS),
    ("(四)问题清单化整改", PartRole.ACHIEVEMENTS),
])
def test_a_sub_heading_that_is_a_role_heading_as_a_whole_names_its_role(sub, role):
    doc = document_from_text(f"一、2023年工作情况\n(一)主要成效\n召开会议部署工作。\n{sub}\n召开会议部署工作。\n")
    assert [p.role for p in doc.parts[0].walk() if p.heading and sub.endswith(p.heading)] == [role]


UNHEADED = ("东湖区2023年法治政府建设工作情况报告\n2023年,区政府坚持依法行政,现将有关情况报告如下。\n"
            "{duties}在依法行政方面,区政府全年提交常务会议集体讨论的重大行政决策事项9项。\n"
            "在严格规范公正文明执法方面,全年法制审核重大执法决定43件。\n"
            "同时也存在一些不足,主要表现在:执法人员培训不够系统。\n"
            "下步工作中,区政府将重点做好以下工作:开展执法人员培训。\n")


@pytest.mark.parametrize("duties", ["", "区政府主要负责同志切实履行推进法治建设第一责任人职责,全年主持召开常务会议4次。\n"])
def test_a_report_without_headings_has_its_achievements_where_an_area_of_work_opens(duties):
    """在…方面 after the opening, or after a 第一责任人 account the report puts first, opens the
    year's measures; they had stayed in the opening or the 第一责任人 account (achievements 0)."""
    doc = document_from_text(UNHEADED.format(duties=duties))
    roles = [p.role for p in doc.parts if p.level == 1]
    assert roles == [PartRole.DUTIES] * bool(duties) + [PartRole.ACHIEVEMENTS, PartRole.PROBLEMS, PartRole.PLANS]
    assert [p.role_source for p in doc.parts_with_role(PartRole.ACHIEVEMENTS)] == [RoleSource.OPENING]


def test_an_area_of_work_done_goes_on_as_done():
    assert opening_role("在优化营商环境方面,持续深化“放管服”改革,全年新增市场主体6821户。") == PartRole.ACHIEVEMENTS


def test_an_area_of_work_in_a_report_with_headings_opens_nothing():
    """The opening of a headed report stays its opening (its claims are general words)."""
    doc = document_from_text("某区2023年法治政府建设年度报告\n2023年,区政府坚持依法行政。\n"
                             "在依法行政方面,区政府推行行政执法公示制度。现将有关情况报告如下:\n"
                             "一、主要举措和成效\n召开会议部署工作。\n二、存在的不足\n执法不够规范。\n")
    assert [p.role for p in doc.parts] == [PartRole.OTHER, PartRole.ACHIEVEMENTS, PartRole.PROBLEMS]


def test_the_first_responsibility_account_keeps_its_own_areas():
    doc = document_from_text(UNHEADED.format(
        duties="区政府主要负责同志切实履行推进法治建设第一责任人职责。\n在学法用法方面,县长带头学法,会前学法8次。\n"))
    duties = doc.parts_with_role(PartRole.DUTIES)[0]
    assert "会前学法8次" in doc.match_text[duties.start:duties.end]


@pytest.mark.parametrize("paragraph", ["在依法行政方面,仍存在一些问题和不足。", "在依法行政方面,将进一步规范执法。",
                                       "在行政执法方面,还需进一步加强。", "在2024年工作安排方面,重点抓好以下工作:",
                                       "在履行第一责任人职责方面,区政府主要负责人全年主持召开常务会议4次。"])
def test_an_area_of_work_that_names_another_part_is_that_part(paragraph):
    assert opening_role(paragraph) != PartRole.ACHIEVEMENTS


def test_unheaded_closing_paragraphs_get_roles_from_their_opening_words():
    doc = load_document(seed("004"))
    roles = _top(doc)
    assert roles[:6] == [(PartRole.ACHIEVEMENTS, RoleSource.INFERRED)] * 6
    assert roles[6:] == [(PartRole.PROBLEMS, RoleSource.OPENING), (PartRole.PLANS, RoleSource.OPENING)]
    assert not doc.parts_with_role(PartRole.DUTIES)


def test_report_without_a_duties_part():
    doc = load_document(seed("003"))
    assert not doc.parts_with_role(PartRole.DUTIES)


def test_duties_nested_in_a_numbered_item_of_part_one():
    doc = load_document(seed("002"))
    duties = doc.parts_with_role(PartRole.DUTIES)
    assert [(p.path, p.role_source) for p in duties] == [("一、(一)2.", RoleSource.NESTED)]
    assert "第一责任人" in duties[0].heading


def test_inline_items_are_items_with_paths():
    doc = load_document(seed("000"))
    sentence = next(s for s in doc.sentences if "研究部署依法治区重点任务" in doc.text[s.start:s.end])
    assert sentence.part_path == "三、 二是"
    assert sentence.role == PartRole.DUTIES
    plan = next(s for s in doc.sentences if "校地合作" in doc.text[s.start:s.end])
    assert plan.role == PartRole.PLANS


def test_heading_kinds_at_every_level():
    text = ("第一部分 2023年主要举措和成效\n（一）规范执法\n1、建立制度。一是制定办法;二是开展培训。\n(1)细项\n"
            "第二部分 存在的问题和不足\n问题一。\n第三部分 2024年工作计划\n计划一。")
    doc = load_document_text(text)
    paths = [p.path for top in doc.parts for p in top.walk()]
    assert "第一部分(一)1、 一是" in paths and "第一部分(一)1、(1)" in paths
    assert [p.role for p in doc.parts if p.level == 1] == [PartRole.ACHIEVEMENTS, PartRole.PROBLEMS, PartRole.PLANS]


def load_document_text(text):
    return document_from_text(text)


def test_sentences_split_on_terminal_punctuation_and_line_ends():
    doc = document_from_text("一、主要举措和成效\n开展培训3次;召开会议!完成任务?结束。\n最后一行")
    texts = [doc.text[s.start:s.end] for s in doc.sentences]
    assert texts == ["一、主要举措和成效", "开展培训3次;", "召开会议!", "完成任务?", "结束。", "最后一行"]


def test_flagged_text_is_masked_for_matching():
    doc = load_document(seed("004"))
    assert "申博" in doc.text and "申博" not in doc.match_text
    assert len(doc.match_text) == len(doc.text)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "scorer", *args], capture_output=True, text=True, cwd=ROOT)


def test_inspect_json_has_the_documented_fields():
    out = cli("inspect", "--json", str(seed("002")), str(seed("004")))
    assert out.returncode == 0, out.stderr
    objects = [json.loads(line) for line in out.stdout.splitlines()]
    for key in ("file", "region", "year", "published", "on_time", "issuer", "title", "encoding", "flags", "parts"):
        assert key in objects[0]
    assert objects[0]["issuer"] == "重庆市北碚区人民政府"
    assert objects[1]["parts"][-1]["role"] == "plans"
    assert set(objects[1]["parts"][1]) >= {"heading", "role", "level", "children"}


def test_inspect_tree_shows_roles():
    out = cli("inspect", str(seed("001")))
    assert out.returncode == 0
    assert "东城区" in out.stdout and "[problems" in out.stdout and "[duties" in out.stdout


def test_inspect_bad_file_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    out = run_cli("inspect", str(bad))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert str(bad) in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("paragraph", ["2024年,区政府将重点做好以下工作:一是持续压实法治建设第一责任人职责;"
                                       "二是为基层执法队新配备执法记录仪200台。",
                                       "一是持续压实法治建设第一责任人职责;二是为基层执法队新配备执法记录仪200台。"])
def test_a_plan_to_hold_leaders_to_their_duty_stays_a_plan(paragraph):
    """Opening words open a part later in a report's order, never an earlier one."""
    doc = document_from_text("一、2023年主要举措和成效\n召开会议部署工作。\n二、存在的不足\n工作仍有差距。\n"
                             f"三、2024年工作安排\n{paragraph}\n")
    assert [p.role for p in doc.parts if p.level == 1] == [PartRole.ACHIEVEMENTS, PartRole.PROBLEMS, PartRole.PLANS]
    assert {p.role for p in doc.parts[2].walk()} == {PartRole.PLANS}
    assert match_document(doc, load_rubric())["enforcement.recording"].level == 0


def test_the_role_an_opening_names_first_is_its_role():
    doc = document_from_text("一、2023年主要举措和成效\n召开会议部署工作。\n下一步,我区将压实法治建设第一责任人职责。\n")
    assert [p.role for p in doc.parts if p.level == 1] == [PartRole.ACHIEVEMENTS, PartRole.PLANS]


@pytest.mark.parametrize(("paragraph", "roles"), [
    ("区政府主要负责人认真履行推进法治建设第一责任人职责,主持召开区政府常务会议4次。",
     [PartRole.ACHIEVEMENTS, PartRole.PROBLEMS, PartRole.DUTIES, PartRole.PLANS]),
    # a shortcoming of the duty stays in the shortcomings part, as does an item of its list
    ("主要负责人履行第一责任人职责还不够到位,研究部署法治工作不够经常。",
     [PartRole.ACHIEVEMENTS, PartRole.PROBLEMS, PartRole.PLANS]),
    ("二是个别部门主要负责人履行推进法治建设第一责任人职责,压力传导逐级递减。\n三是法治宣传针对性不强。",
     [PartRole.ACHIEVEMENTS, PartRole.PROBLEMS, PartRole.PLANS]),
])
def test_the_duties_account_may_follow_the_shortcomings_as_the_regulation_orders(paragraph, roles):
    doc = document_from_text("一、主要举措和成效\n召开会议。\n二、存在的不足和原因\n执法不够规范。\n"
                             f"{paragraph}\n三、2024年工作安排\n继续推进。\n")
    assert [p.role for p in doc.parts if p.level == 1] == roles


def test_a_duties_heading_under_the_shortcomings_is_the_duties_account():
    doc = document_from_text("一、主要举措和成效\n召开会议。\n二、存在的不足\n(一)执法不够规范\n有差距。\n"
                             "(二)党政主要负责人履行推进法治建设第一责任人职责情况\n区长主持召开常务会议4次,研究部署法治政府建设。\n"
                             "三、2024年工作安排\n继续推进。\n")
    assert [p.role for p in doc.parts[1].walk()] == [PartRole.PROBLEMS, PartRole.PROBLEMS, PartRole.DUTIES]


def test_an_account_of_the_duty_after_the_plans_is_the_duties_part():
    doc = document_from_text("一、主要举措和成效\n召开会议。\n二、存在的不足\n有差距。\n三、下一步打算\n继续推进。\n"
                             "区政府主要负责人认真履行推进法治建设第一责任人职责,全年主持区政府常务会议研究法治政府建设3次。\n")
    assert [p.role for p in doc.parts if p.level == 1][-1] == PartRole.DUTIES
    assert match_document(doc, load_rubric())["duties.deploy"].level == 3


@pytest.mark.parametrize("tail", [
    "严格落实党政主要负责人第一责任人职责,把法治政府建设摆在全局工作突出位置,定期听取工作汇报。",
    "党政主要负责人要切实履行推进法治建设第一责任人职责,亲自部署、亲自协调。",
    "(二)严格落实党政主要负责人第一责任人职责\n党政主要负责人要每年至少听取一次法治政府建设工作汇报。",
])
def test_the_leaders_duty_among_the_plans_is_a_plan(tail):
    """Only an account of the year (a figure, 全年, 主持召开) opens the duties part after the plans."""
    doc = document_from_text("一、主要举措和成效\n召开会议。\n二、存在的不足\n有差距。\n三、2024年工作打算\n"
                             f"(一)持续深化依法行政\n进一步完善制度。\n{tail}\n")
    assert not doc.parts_with_role(PartRole.DUTIES)
    assert match_document(doc, load_rubric())["duties.deploy"].level == 0


def test_where_a_shortcoming_of_the_duty_lies_is_no_duties_account():
    doc = document_from_text("一、主要举措和成效\n召开会议。\n二、存在的不足\n(一)法治宣传不够深入\n有差距。\n"
                             "(二)第一责任人职责落实方面\n个别部门主要负责人对法治建设重视程度不够,研究部署不多。\n"
                             "三、2024年工作安排\n继续推进。\n")
    assert not doc.parts_with_role(PartRole.DUTIES)
