"""Region, level and parents from the gazetteer; publication dates in every common form.

Every text here is a short synthetic sentence, not a real report."""

import json

import pytest

from scorer import places
from scorer.document import document_from_text
from scorer.metadata import parse_date
from tests.conftest import cli

BODY = "\n一、主要举措和成效\n制定实施方案,召开会议3次。\n二、存在的不足\n工作仍有差距。"


def meta(text: str):
    return document_from_text(text + BODY).metadata


# The gazetteer ---------------------------------------------------------------

def test_full_names_give_level_and_parents():
    (div,) = places.lookup("铜梁区")
    assert (div.level, div.city, div.province) == ("county", "重庆市", "重庆市")
    (div,) = places.lookup("上海市")
    assert div.level == "province"
    (div,) = places.lookup("醴陵市")  # a county-level city
    assert (div.level, div.city, div.province) == ("county", "株洲市", "湖南省")


def test_autonomous_short_forms_drop_their_peoples():
    assert [d.name for d in places.lookup("黔西南州")] == ["黔西南布依族苗族自治州"]
    assert [d.name for d in places.lookup("三江县")] == ["三江侗族自治县"]
    assert [d.name for d in places.lookup("鄂伦春旗")] == ["鄂伦春自治旗"]


def test_a_renamed_division_is_found_by_its_former_name():
    assert [d.name for d in places.lookup("海东地区")] == ["海东市"]  # 撤地设市
    assert [d.name for d in places.lookup("龙南县")] == ["龙南市"]  # 撤县设市


def test_an_ambiguous_name_lists_every_division():
    assert {d.city for d in places.lookup("新华区")} == {"石家庄市", "沧州市", "平顶山市"}


def test_place_names_stand_as_words_only():
    assert places.find_places("建设国际大都市,优化中心城区和城市中区域的布局,规范市场") == ()
    assert places.find_places("建设海滨城市,保护好的老城市风貌") == ()  # no former 滨城区, 老城区
    assert [h.written for h in places.find_places("阳泉市城区人民政府")] == ["阳泉市", "城区"]


# The issuing government ------------------------------------------------------

def test_a_district_named_with_its_city_is_the_district():
    m = meta("重庆市綦江区2023年法治政府建设工作报告\n2023年,区政府坚持依法行政,现将有关情况报告如下:")
    assert (m.region, m.level, m.city, m.province) == ("綦江区", "county", "重庆市", "重庆市")


def test_a_municipality_is_a_province():
    m = meta("北京市人民政府关于2022年法治政府建设情况的报告\n2022年,市政府全面推进依法行政,取得积极成效。")
    assert (m.region, m.level, m.city, m.province) == ("北京市", "province", None, None)


def test_not_the_government_the_report_is_addressed_to():
    m = meta("四川省人民政府:\n2023年,在省委、省政府的坚强领导下,绵阳市坚持依法行政,现将有关情况报告如下:")
    assert (m.region, m.level, m.province) == ("绵阳市", "city", "四川省")


def test_not_the_province_whose_committee_the_opening_names():
    m = meta("湖北省人民政府:\n2023年,襄阳市认真落实湖北省委、省政府部署,深入推进依法行政,取得成效。")
    assert (m.region, m.level, m.province) == ("襄阳市", "city", "湖北省")


def test_not_the_city_whose_plans_the_opening_follows():
    m = meta("2023年,按照宜宾市委、市政府部署要求,屏山县坚持依法行政,现将有关情况报告如下:")
    assert (m.region, m.level, m.city) == ("屏山县", "county", "宜宾市")


def test_a_site_banner_yields_to_the_opening_but_an_issuer_line_does_not():
    m = meta("宜宾市人民政府门户网站\n法治政府建设年度报告\n2023年,屏山县坚持依法行政,现将有关情况报告如下:")
    assert (m.region, m.city) == ("屏山县", "宜宾市")
    m = meta("屏山县人民政府\n法治政府建设年度报告\n2023年,宜宾市委高度重视法治建设,现将有关情况报告如下:")
    assert (m.region, m.city) == ("屏山县", "宜宾市")


def test_the_issuer_under_the_signature_names_the_government():
    text = ("法治政府建设年度报告\n2023年,县政府坚持依法行政,认真落实市委部署。\n一、主要举措和成效\n"
            "召开会议3次,宜宾市领导出席。\n二、存在的不足\n仍有差距。\n屏山县人民政府\n2024年3月1日")
    m = document_from_text(text).metadata
    assert (m.region, m.city, m.published, m.published_source) == ("屏山县", "宜宾市", "2024-03-01", "signature")


def test_an_autonomous_county_written_short_gets_its_official_name():
    text = ("柳州市人民政府:\n2024年,县委、县政府坚持依法行政,现将有关情况报告如下。\n"
            "一、主要举措和成效\n印发《三江县行政执法公示办法》《三江县重大行政决策程序规定》,我县执法更加规范。")
    m = document_from_text(text).metadata
    assert (m.region, m.level, m.city) == ("三江侗族自治县", "county", "柳州市")


def test_a_report_that_only_says_our_city_gets_the_city_it_names():
    m = meta("省人民政府:\n2023年,我市坚持依法行政,把法治建设融入鹤壁发展全局,各项工作取得新成效。")
    assert (m.region, m.level, m.province) == ("鹤壁市", "city", "河南省")


def test_a_joint_party_and_government_report_is_the_place():
    m = meta("中共宜宾市委 宜宾市人民政府关于2023年度法治政府建设情况的报告\n2023年,全市坚持依法行政,成效明显。")
    assert (m.region, m.level) == ("宜宾市", "city")


def test_an_ambiguous_name_is_settled_by_its_city_or_left_as_written():
    m = meta("新华区人民政府关于2023年法治政府建设情况的报告\n2023年,在沧州市委、市政府领导下,区政府依法行政,成效明显。")
    assert (m.region, m.city, m.province) == ("新华区", "沧州市", "河北省")
    m = meta("新华区人民政府关于2023年法治政府建设情况的报告\n2023年,区政府坚持依法行政,成效明显。")
    assert (m.region, m.level, m.city) == ("新华区", "county", None)


@pytest.mark.parametrize("text, region, city, province", [
    ("济南市司法局2023年法治政府建设情况报告\n2023年,市司法局坚持依法行政,成效明显。", "济南市司法局", "济南市", "山东省"),
    ("内蒙古自治区应急管理厅关于2024年法治政府建设情况的报告\n2024年,厅党组坚持依法行政,成效明显。",
     "内蒙古自治区应急管理厅", None, "内蒙古自治区"),
    ("2023年,在市委、市政府的领导下,洛阳市交通运输局坚持依法行政。现将我局有关情况报告如下:",
     "洛阳市交通运输局", "洛阳市", "河南省"),
    ("四川省人民政府办公厅2023年法治政府建设情况报告\n2023年,办公厅坚持依法行政,成效明显。",
     "四川省人民政府办公厅", None, "四川省"),
    ("宜宾市卫生健康委员会2023年法治政府建设工作报告\n2023年,委党组坚持依法行政,成效明显。",
     "宜宾市卫生健康委员会", "宜宾市", "四川省"),
])
def test_a_department_report_is_the_department(text, region, city, province):
    m = meta(text)
    assert (m.region, m.level, m.city, m.province) == (region, "department", city, province)


def test_a_government_opening_that_names_a_department_is_not_a_department_report():
    m = meta("2023年,宜宾市坚持依法行政,宜宾市司法局牵头开展执法检查,成效明显。")
    assert (m.region, m.level) == ("宜宾市", "city")


# Publication dates ------------------------------------------------------------

TITLE = "某县人民政府关于2023年度法治政府建设情况的报告\n"
OPENING = "\n2023年,县政府坚持依法行政,现将有关情况报告如下:"


@pytest.mark.parametrize("line, date", [
    ("发布时间:2024-03-20 10:05", "2024-03-20"),
    ("发布日期 2024-03-20", "2024-03-20"),
    ("公开发布日期:2024年1月10日", "2024-01-10"),
    ("日期:2024/3/5", "2024-03-05"),
    ("时间 2024.02.15", "2024-02-15"),
    ("来源:某县人民政府 2024-02-15", "2024-02-15"),
    ("2024-02-15 09:30", "2024-02-15"),
    ("2024-02-15 09:30:12 来源: 某县司法局 打印", "2024-02-15"),
    ("[ 2024-02-15 ] 作者:张三 点击:100", "2024-02-15"),
    ("【发布时间】2024-02-15", "2024-02-15"),
    ("二〇二四年二月十五日", "2024-02-15"),
    ("成文日期:2024-01-08\n发布日期:2024-01-09", "2024-01-09"),
    ("公文生成日期:2024-01-08", "2024-01-08"),
    ("——2024年1月19日在某县第十八届人大常委会第二十次会议上", None),
    ("原文链接: http://www.example.gov.cn/art/2024/03/05/art_1.html", None),
    ("今天是2024年3月5日 星期二", None),
])
def test_publication_date_forms(line, date):
    m = meta(TITLE + line + OPENING)
    assert m.published == date
    if date:
        assert m.published_source == "header" and m.on_time is True


def test_a_date_inside_the_prose_is_not_the_publication_date():
    assert meta(TITLE + "2023年,县政府于2024年1月5日召开常务会议,研究部署法治政府建设。").published is None


def test_inspect_shows_the_level_and_the_governments_above(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("重庆市綦江区2023年法治政府建设工作报告\n2023年,区政府坚持依法行政,成效明显。" + BODY, "utf-8")
    out = cli("inspect", str(path))
    assert "地区 綦江区（县级 · 重庆市）" in out.stdout
    summary = json.loads(cli("inspect", str(path), "--json").stdout)
    assert (summary["region"], summary["level"], summary["city"], summary["province"]) == (
        "綦江区", "county", "重庆市", "重庆市")


def test_parse_date_forms():
    assert parse_date("2021年1月13日") == "2021-01-13"
    assert parse_date("二〇二一年十二月三十一日") == "2021-12-31"
    assert parse_date("2021-02-30") is None


def test_a_title_set_on_two_lines_is_joined():
    m = meta("宜宾市人民政府\n关于2023年度法治政府建设情况的报告\n2023年,市政府坚持依法行政,成效明显。")
    assert (m.title, m.issuer, m.year) == ("宜宾市人民政府关于2023年度法治政府建设情况的报告", "宜宾市人民政府", 2023)
    m = meta("关于屏山县2023年度法治政府\n建设情况的报告\n2023年,县政府坚持依法行政,成效明显。")
    assert m.title == "关于屏山县2023年度法治政府建设情况的报告"


@pytest.mark.parametrize("opening", ["我市坚持依法行政。鹤岗市司法局牵头。", "海东市人民政府\n关于2023年法治政府建设情况的报告"])
def test_the_places_of_a_whole_report_are_not_kept_once_its_issuer_is_found(opening):
    """The issuer is looked for in the whole text, masked copies of it included; the places
    found there (and the copies, a cache's keys) are let go, not kept while the report is matched."""
    assert meta(opening).region  # the issuer was found, by the title or by how the report names itself
    assert places.find_places.cache_info().currsize == 0


def test_a_report_that_names_itself_only_as_we_is_scanned_once_for_names(monkeypatch):
    """The issuer asks for the places of the same masked text with and without stems: the
    names found for the first call serve the second, not a second scan of the text."""
    scans = []
    scan = places._scan
    monkeypatch.setattr(places, "_scan", lambda automaton, text, *a: scans.append(len(text)) or scan(automaton, text, *a))
    # In passing (在…领导下): blanked in the body, which is then another text than the whole.
    text = "在省委、省政府的领导下," + "".join(f"我市坚持依法行政,第{i}项工作取得成效。" for i in range(30))
    meta(text)
    assert sum(1 for n in scans if n > len(text)) == 3  # names: the text, then the masked body; stems: the body
    assert places.find_places.cache_info().currsize == 0


@pytest.mark.parametrize("body", ["深入实施2022年出台的法治政府建设实施方案,全年召开常务会议12次。",
                                  "对标2035年远景目标,全年召开常务会议12次。"])
def test_with_no_year_named_up_front_the_year_is_the_one_before_publication(body):
    """A year the body names is a document's or a target's: the covered year is the one before
    the report was published (a target's year, after publication, was taken as covered)."""
    m = document_from_text(f"某县法治政府建设情况报告\n发布日期:2024-03-10\n一、主要举措和成效\n{body}\n").metadata
    assert (m.year, m.year_source, m.on_time) == (2023, "published", True)


def test_with_no_publication_date_the_achievements_name_the_year():
    m = document_from_text("某县法治政府建设情况报告\n一、主要举措和成效\n2023年召开常务会议12次。"
                           "2023年组织学法4次。\n").metadata
    assert (m.year, m.year_source) == (2023, "body")


def test_a_report_published_in_december_covers_its_own_year():
    m = document_from_text("某县法治政府建设情况报告\n发布日期:2023-12-28\n一、主要举措和成效\n2023年召开常务会议12次。"
                           "2023年组织学法4次。2023年开展执法检查3次。\n").metadata
    assert (m.year, m.year_source, m.on_time) == (2023, "body", True)


def test_a_report_out_early_in_a_year_covers_the_year_before_whatever_its_plans_name():
    m = document_from_text("某县法治政府建设情况报告\n发布日期:2024-02-20\n一、主要举措和成效\n印发《2024年法治政府建设"
                           "工作要点》。编制《2024年度重大行政决策事项目录》。\n").metadata
    assert (m.year, m.year_source) == (2023, "published")
