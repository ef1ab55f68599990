"""Each section's figures on a small workbook, with the expectation worked out by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import (COMPENSATION_HEADER, INDICATOR_HEADER, INSPECTION_HEADER, PENALTY_HEADER, compensation,
                      inspection, penalty)
from lawreport_cli.records import load_workbook
from lawreport_cli.summarize import summarize

D = dt.date


def figures(book, sheets, through=None):
    workbook = load_workbook(book(sheets))
    assert workbook.errors == []
    summary = summarize(workbook, through)
    return {metric_id: figure.value for metric_id, figure in summary.figures.items()}, summary


def test_inspections(book):
    rows = [
        INSPECTION_HEADER,
        inspection(D(2023, 1, 3), "甲公司", "91110000802100433B", "双随机", problem="是"),
        inspection(D(2023, 2, 3), "甲公司（分厂）", "91110000802100433B", "信访投诉"),  # same code: same enterprise
        inspection(D(2023, 3, 3), "乙公司", None, "环保督察", remote="是"),
        inspection(D(2023, 4, 3), "乙公司", None, "专项行动", problem="是"),  # same name, no code
        inspection(D(2023, 12, 3), "丙公司", None, "其他", remote="√"),
    ]
    values, _ = figures(book, {"执法检查": rows})
    assert values == {
        "inspections.visits": 5, "inspections.enterprises": 3, "inspections.double_random": 1,
        "inspections.complaint": 1, "inspections.supervision": 1, "inspections.special_action": 1,
        "inspections.other": 1, "inspections.problems_found": 2, "inspections.remote": 2,
    }
    through_april, _ = figures(book, {"执法检查": rows}, through=4)
    assert through_april["inspections.visits"] == 4
    assert through_april["inspections.remote"] == 1


def test_penalties(book):
    rows = [
        PENALTY_HEADER,
        penalty("P1", filed=D(2023, 1, 5), decided=D(2023, 2, 5), fine="10000.10", review="是", referred="是",
                detention="是"),
        penalty("P2", filed=D(2022, 12, 5), decided=D(2023, 3, 5), outcome="减罚", fine="2000.05", waived="500.50",
                review="是"),
        penalty("P3", filed=None, decided=D(2023, 4, 1), outcome="免罚", fine=None, waived="30000"),
        penalty("P4", filed=D(2023, 5, 1), decided=None, outcome="办理中", fine=None, referred="是"),
        penalty("P5", filed=D(2023, 6, 1), decided=D(2023, 12, 20), outcome="不予处罚", fine=0),
        penalty("P6", filed=D(2023, 7, 1), decided=D(2023, 12, 1), fine="0.01"),
        penalty("P7", filed=D(2023, 1, 20), decided=None, outcome="办理中", fine=None),  # a second January filing
    ]
    values, summary = figures(book, {"行政处罚": rows})
    assert values == {
        "penalties.cases_filed": 5,  # P1, P4, P5, P6, P7 (P2 was filed in 2022, P3 never)
        "penalties.decisions": 3,  # P1, P2, P6
        "penalties.fines": 1200016,  # 10000.10 + 2000.05 + 0.01 元, in fen
        "penalties.exempted": 1,
        "penalties.exempted_amount": 3000000,
        "penalties.reduced": 1,
        "penalties.reduced_amount": 50050,
        "penalties.police_referrals": 2,  # P1 by its decision date, P4 by its filing date
        "penalties.detentions": 1,
        "penalties.legal_reviews": 2,
        "penalties.legal_review_amount": 1200015,
    }
    assert summary.to_dict()["metrics"]["penalties.fines"]["value"] == "1.200016"
    assert summary.monthly["penalties.cases_filed"] == [2, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0]
    assert summary.monthly["penalties.decisions"] == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]  # P1, P2, P6
    assert summary.monthly["penalties.fines"] == [0, 1000010, 200005, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    through_june, _ = figures(book, {"行政处罚": rows}, through=6)
    assert through_june["penalties.decisions"] == 2
    assert through_june["penalties.fines"] == 1200015


def test_money_stays_exact_over_many_rows(book):
    # 0.1 元 ten thousand times: a float sum drifts, fen do not.
    rows = [PENALTY_HEADER] + [penalty(f"P{index}", fine="0.10") for index in range(10_000)]
    values, summary = figures(book, {"行政处罚": rows})
    assert values["penalties.fines"] == 100_000
    assert summary.to_dict()["metrics"]["penalties.fines"]["value"] == "0.1000"


def test_report_amounts_print_as_the_report_does(book):
    rows = [PENALTY_HEADER, penalty("P1", outcome="免罚", fine=None, waived="14132207")]
    _, summary = figures(book, {"行政处罚": rows})
    assert summary.to_dict()["metrics"]["penalties.exempted_amount"]["value"] == "1413.2207"


def test_compensation(book):
    rows = [
        COMPENSATION_HEADER,
        compensation("C1", D(2023, 1, 2), D(2023, 3, 1), "100.123456"),
        compensation("C2", D(2023, 2, 2), None, None),
        compensation("C3", D(2022, 11, 2), D(2023, 1, 10), "0.000001"),
        compensation("C4", D(2023, 5, 2), D(2023, 9, 10), "654.5"),
    ]
    values, summary = figures(book, {"损害赔偿": rows})
    assert values == {"compensation.cases_started": 3, "compensation.agreements": 3,
                      "compensation.amount": 754623457}  # 754.623457 万元 in fen
    assert summary.to_dict()["metrics"]["compensation.amount"]["value"] == "754.623457"


def test_indicators_sum_per_name_and_through_cuts_monthly_rows(book):
    rows = [INDICATOR_HEADER, ["学法次数", 9, "次", "法治", None]]
    rows += [["主动公开信息", value, "条", "公开", month] for month, value in enumerate([60, 70, 80] + [67] * 9, 1)]
    rows += [["环保服务手册", "1.1", "万份", None, None], ["环保服务手册", "2.2", "万份", None, None]]
    values, summary = figures(book, {"其他指标": rows})
    assert values == {"indicators.学法次数": 9, "indicators.主动公开信息": 813,
                      "indicators.环保服务手册": Decimal("3.3")}
    assert summary.figures["indicators.主动公开信息"].metric.unit == "条"
    through_march, _ = figures(book, {"其他指标": rows}, through=3)
    assert through_march["indicators.主动公开信息"] == 210
    assert through_march["indicators.学法次数"] == 9  # no 月份: the whole year


def test_absent_optional_column_gives_no_figure(book):
    rows = [PENALTY_HEADER[:8], penalty()[:8]]
    values, _ = figures(book, {"行政处罚": rows})
    assert "penalties.police_referrals" not in values
    assert "penalties.legal_reviews" not in values
    assert values["penalties.decisions"] == 1
