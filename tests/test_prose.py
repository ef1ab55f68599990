"""Report prose: the 2023 report's own sentences, from its own numbers."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest_render import (
    AIR_2022, AIR_2023, CITY_AIR, CITY_AIR_2022, SEED_2022, SEED_2023, comparison, make_change, summary,
)
from lawreport_cli.metrics.registry import BY_ID
from lawreport_cli.model import Period
from lawreport_cli.render import COMPARE_FORMATS, SUMMARY_FORMATS
from lawreport_cli.render.prose import PARAGRAPHS, PHRASES, prose, prose_value, span_text, yoy_phrase

SEED_ENFORCEMENT = (
    "今年以来，累计检查企业2800余家次，立案109件，下达处罚决定书63件，共处罚款609.7157万元；"
    "免罚87家次，免罚金额1413.2207万元；减罚10家次，减罚金额81.7796万元。"
    "移交公安机关涉刑案件15起、行政拘留1起。"
)


def paragraphs(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


def test_enforcement_paragraph_is_the_reports_sentence():
    text = prose(summary(values=SEED_2023, indicators=[]))
    enforcement = paragraphs(text)[0]
    assert enforcement.startswith(SEED_ENFORCEMENT)
    assert "对37件行政处罚案件进行重大行政执法决定法制审核，涉及处罚金额350余万元。" in enforcement
    assert ("按检查方式分，双随机检查1500家次、信访投诉检查600家次、环保督察检查300家次、专项行动检查336家次、"
            "其他检查100家次；发现问题420家次，非现场检查178家次，共涉及企业1200余家。") in enforcement


def test_compensation_paragraph():
    text = prose(summary(values=SEED_2023, indicators=[]))
    assert paragraphs(text)[1] == "2023年案件启动47件，签订磋商协议38件，赔偿金额754万余元。"


def test_air_paragraph_through_november():
    text = prose(summary(values=AIR_2023, indicators=[], through=11))
    assert paragraphs(text) == [
        "1-11月，全市空气优良天数达到209天，优良率62.6%，优级天数61天，重度及以上污染天数3天。"
        "PM₂.₅平均浓度为38微克/立方米，PM₁₀平均浓度为70微克/立方米，SO₂平均浓度为6微克/立方米，"
        "NO₂平均浓度为27微克/立方米，CO日均值第95百分位数为1.2毫克/立方米，"
        "O₃日最大8小时第90百分位数为172微克/立方米，环境空气质量综合指数为4.21。有效监测天数334天。"
    ]


def test_year_on_year_reads_the_good_direction():
    previous = summary(2022, {**AIR_2022, **SEED_2022}, indicators=[], through=11)
    current = summary(2023, {**AIR_2023, **SEED_2023}, indicators=[], through=11)
    text = COMPARE_FORMATS["prose"](comparison(previous, current), "zh")
    air, enforcement, compensation, span = paragraphs(text)
    assert span == "同期比较区间：2023-01-01 — 2023-11-30 对比 2022-01-01 — 2022-11-30（各年1-11月）"
    assert air.startswith("1-11月，全市PM₂.₅同比改善5.0%，PM₁₀同比持平，SO₂同比改善14.3%，NO₂同比恶化3.8%，")
    assert "SO₂同比改善14.3%" in air
    assert "；优良天数同比增加5天，优良率同比提高1.2个百分点，优级天数同比持平，重度及以上污染天数同比减少2天。" in air
    assert enforcement.startswith(SEED_ENFORCEMENT.replace("今年以来", "1-11月"))
    assert enforcement.endswith(
        "检查企业家次同比增加5.0%，立案数同比增加9.0%，处罚决定书同比持平，罚款金额同比减少6.2%，"
        "移交公安机关案件去年同期为0。")
    assert compensation == ("2023年1-11月案件启动47件，签订磋商协议38件，赔偿金额754万余元。"
                            "案件启动数同比持平，签订磋商协议数同比持平，赔偿金额同比增加7.8%。")


def test_cities_with_improvement_ranks():
    previous = summary(2022, values={}, indicators=[], by_city=CITY_AIR_2022, through=11)
    current = summary(2023, values={}, indicators=[], by_city=CITY_AIR, through=11)
    text = prose(current, comparison(previous, current))
    assert text.startswith("1-11月，3个城市中，枣庄市SO₂同比改善14.3%，改善幅度居第1位，")
    assert "优良率排名列第2位" in text
    assert "优良率排名较去年同期进步1个位次" in text
    assert "济宁市SO₂同比恶化12.5%，改善幅度居第3位" in text
    assert "。+1SO₂同比持平，改善幅度居第2位，" in text


def test_indicators_list_each_value_with_its_unit():
    text = prose(summary(values=SEED_2023))
    assert paragraphs(text)[-1] == "此外，学法次数9次，人大建议7件，主动公开信息815条，环保服务手册1.1万份。"
    alone = prose(summary(values={}))
    assert alone == "学法次数9次，人大建议7件，主动公开信息815条，环保服务手册1.1万份。\n"


@pytest.mark.parametrize("metric_id, value, text", [
    ("inspections.visits", 2836, "2800余家次"),
    ("inspections.visits", 2800, "2800家次"),
    ("inspections.visits", 999, "999家次"),
    ("inspections.visits", 1001, "1000余家次"),
    ("penalties.cases_filed", 109, "109件"),
    ("penalties.fines", 609_715_700, "609.7157万元"),
    ("penalties.fines", 609_715_750, "609.7158万元"),  # half up at the 4th decimal
    ("penalties.exempted_amount", 1_413_220_700, "1413.2207万元"),
    ("penalties.reduced_amount", 81_779_600, "81.7796万元"),
    ("penalties.legal_review_amount", 355_123_456, "350余万元"),
    ("penalties.legal_review_amount", 350_000_000, "350万元"),
    ("penalties.legal_review_amount", 99_500_000, "99万余元"),
    ("penalties.legal_review_amount", 500_000, "0.5000万元"),
    ("compensation.amount", 754_300_000, "754万余元"),
    ("compensation.amount", 754_000_000, "754万元"),
    ("air.so2", Decimal(6), "6微克/立方米"),
    ("air.co_p95", Decimal("1.2"), "1.2毫克/立方米"),
    ("air.good_rate", Decimal("62.6"), "62.6%"),
    ("air.composite_index", Decimal("4.21"), "4.21"),
])
def test_prose_values(metric_id, value, text):
    assert prose_value(BY_ID[metric_id], value) == text


@given(st.integers(min_value=0, max_value=10**7))
def test_about_counts_never_overstate(count):
    text = prose_value(BY_ID["inspections.visits"], count)
    number = int(text.split("余")[0].removesuffix("家次"))
    assert number <= count < number + (100 if "余" in text else 1)
    assert ("余" in text) == (count >= 1000 and count % 100 != 0)


@given(st.integers(min_value=0, max_value=10**12))
def test_about_money_never_overstates(fen):
    text = prose_value(BY_ID["compensation.amount"], fen)
    if "万余元" in text:
        whole = int(text.removesuffix("万余元"))
        assert whole * 1_000_000 < fen < (whole + 1) * 1_000_000


@pytest.mark.parametrize("start, end, air, enforcement, compensation", [
    ((2023, 1, 1), (2023, 12, 31), "全年，", "今年以来，", "2023年"),
    ((2023, 1, 1), (2023, 11, 30), "1-11月，", "1-11月，", "2023年1-11月"),
    ((2023, 1, 1), (2023, 1, 31), "1月，", "1月，", "2023年1月"),
    ((2024, 1, 1), (2024, 2, 29), "1-2月，", "1-2月，", "2024年1-2月"),
    ((2023, 3, 5), (2023, 6, 10), "3月5日至6月10日，", "3月5日至6月10日，", "2023年3月5日至6月10日"),
])
def test_spans(start, end, air, enforcement, compensation):
    result = summary(values={}, indicators=[])
    result.period = Period(dt.date(*start), dt.date(*end))
    result.year = start[0]
    assert (span_text(result, "air"), span_text(result, "enforcement"), span_text(result, "compensation")) == (
        air, enforcement, compensation)


def test_yoy_phrases():
    assert yoy_phrase(make_change(BY_ID["air.so2"], Decimal(7), Decimal(6))) == "同比改善14.3%"
    assert yoy_phrase(make_change(BY_ID["air.good_days"], 204, 209)) == "同比增加5天"
    assert yoy_phrase(make_change(BY_ID["air.good_days"], 209, 204)) == "同比减少5天"
    assert yoy_phrase(make_change(BY_ID["air.good_rate"], Decimal("62.6"), Decimal("61.4"))) == "同比下降1.2个百分点"
    assert yoy_phrase(make_change(BY_ID["penalties.cases_filed"], 120, 109)) == "同比减少9.2%"
    assert yoy_phrase(make_change(BY_ID["penalties.detentions"], 0, 1)) == "去年同期为0"
    assert yoy_phrase(make_change(BY_ID["air.rank_good_rate"], 11, 9)) == "较去年同期进步2个位次"
    assert yoy_phrase(make_change(BY_ID["penalties.fines"], None, 1)) == ""


def test_every_phrase_the_paragraphs_use_is_in_the_table():
    for spec in PARAGRAPHS.values():
        for groups in spec:
            for kind, opener, _, ids in groups:
                assert not opener or opener in PHRASES
                if kind == "v":
                    assert all(metric_id in PHRASES for metric_id in ids), ids


def test_prose_format_in_dispatch_and_english():
    result = summary()
    assert SUMMARY_FORMATS["prose"](result, "zh") == prose(result)
    english = SUMMARY_FORMATS["prose"](result, "en")
    assert "Administrative penalties (2023-01-01 — 2023-12-31): Cases filed 109 件;" in english
    assert "Fines 609.7157 万元" in english
    assert prose(summary(values={}, indicators=[])) == ""
