"""The sample workbooks: committed bytes == generator output, and the report's figures.

The checks read the cells with openpyxl and recompute the figures of
METRICS.md independently of lawreport's reader (own header lookup, own
HJ 633-2012 AQI in exact arithmetic, own GB 32100 check), so a slip in
either the data or the tool shows up as a disagreement.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import openpyxl  # noqa: E402  (declared test dependency: fail, never skip, on a broken install)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCRIPT = ROOT / "scripts" / "make_sample_data.py"


def test_committed_files_are_what_the_generator_writes(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], check=True, capture_output=True,
                   cwd=ROOT, timeout=120)
    for year in (2022, 2023):
        fresh = (tmp_path / f"{year}.xlsx").read_bytes()
        committed = (DATA / f"{year}.xlsx").read_bytes()
        assert fresh == committed, (
            f"data/{year}.xlsx differs from scripts/make_sample_data.py output; "
            "run `make sample` and commit the result")


# --- reading the ledgers the plain way -----------------------------------------------------

TOTAL_WORDS = ("合计", "总计", "小计")
NOTE_PREFIXES = ("注：", "填报人：", "制表：")


def _norm(text) -> str:
    text = "" if text is None else str(text)
    text = re.sub(r"[（(].*?[)）]", "", text)  # a unit in brackets
    return text.replace(" ", "").strip()


class Sheet:
    """Records of one sheet as dicts keyed by the (normalised) header, plus the 合计 row."""

    def __init__(self, wb, name: str, header_rows: int = 1):
        self.ws = wb[name]
        rows = list(self.ws.iter_rows(values_only=True))
        self.header_at = next(i for i, r in enumerate(rows) if any(_norm(c) in KNOWN for c in r))
        names = []
        for c in range(len(rows[self.header_at])):
            parts = [rows[self.header_at + k][c] for k in range(header_rows)]
            lower = [p for p in parts if p is not None]
            names.append(_norm(lower[-1]) if lower else "")
        self.columns = names
        self.records: list[dict] = []
        self.total: dict | None = None
        self.notes: list[str] = []
        for r in rows[self.header_at + header_rows:]:
            first = r[0]
            if isinstance(first, str) and first.strip() in TOTAL_WORDS:
                self.total = dict(zip(names, r))
                continue
            if isinstance(first, str) and first.startswith(NOTE_PREFIXES):
                self.notes.append(first)
                continue
            if all(v is None for v in r):
                continue
            assert self.total is None, "a record after the totals row"
            self.records.append(dict(zip(names, r)))


KNOWN = {"日期", "检查日期", "序号", "指标"}


@pytest.fixture(scope="module")
def books():
    out = {}
    for year in (2022, 2023):
        wb = openpyxl.load_workbook(DATA / f"{year}.xlsx", data_only=True)
        out[year] = {
            "wb": wb,
            "air": Sheet(wb, "空气质量"),
            "insp": Sheet(wb, "执法检查", header_rows=2),
            "pen": Sheet(wb, "行政处罚"),
            "comp": Sheet(wb, "损害赔偿"),
            "ind": Sheet(wb, "其他指标"),
        }
    return out


def as_date(v) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    text = str(v).strip()
    for pattern in (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})", r"(\d{4})年(\d{1,2})月(\d{1,2})日"):
        m = re.fullmatch(pattern, text)
        if m:
            return dt.date(*map(int, m.groups()))
    raise AssertionError(f"not a date: {v!r}")


def money_fen(v, per_unit: int) -> int:
    """Exact fen of a cell in a header unit worth `per_unit` fen; asserts no sub-fen part."""
    if v is None:
        return 0
    exact = Decimal(repr(v)) * per_unit
    assert exact == exact.to_integral_value(), f"amount finer than a fen: {v!r}"
    return int(exact)


def half_up(x: Fraction) -> int:
    return int(Decimal(x.numerator / Decimal(x.denominator)).quantize(Decimal(1), ROUND_HALF_UP))


def yes(v) -> bool:
    return v == "是"


# --- HJ 633-2012, written again from the standard's tables -------------------------------

IAQI = (0, 50, 100, 150, 200, 300, 400, 500)
TABLE = {
    "SO2": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "NO2": (0, 40, 80, 180, 280, 565, 750, 940),
    "PM10": (0, 50, 150, 250, 350, 420, 500, 600),
    "PM2.5": (0, 35, 75, 115, 150, 250, 350, 500),
    "CO": (0, 2, 4, 14, 24, 36, 48, 60),
    "O3_8h": (0, 100, 160, 215, 265, 800),
}


def hj633(row: dict) -> int:
    best = 0
    for key, table in TABLE.items():
        c = Fraction(Decimal(repr(row[key])))
        assert 0 <= c <= table[-1], f"{key} {c} outside the HJ 633 table"
        i = next(i for i in range(1, len(table)) if c <= table[i])
        value = Fraction(IAQI[i] - IAQI[i - 1], table[i] - table[i - 1]) * (c - table[i - 1]) + IAQI[i - 1]
        best = max(best, math.ceil(value))
    return best


def hj633_level(aqi: int) -> str:
    for top, name in ((50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"), (300, "重度污染")):
        if aqi <= top:
            return name
    return "严重污染"


POLLUTANTS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3_8h")


# --- 空气质量 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2022, 2023])
def test_air_is_one_clean_city_year(books, year):
    air = books[year]["air"]
    dates = [as_date(r["日期"]) for r in air.records]
    assert len(dates) == len(set(dates)) == 365
    assert all(d.year == year for d in dates)
    assert {r["城市"] for r in air.records} == {"枣庄市"}
    invalid = 0
    for r in air.records:
        if any(r[k] is None for k in POLLUTANTS):
            invalid += 1
            assert r["AQI"] is None and r["质量等级"] is None
            continue
        assert r["O3_8h"] < 800
        aqi = hj633(r)
        assert r["AQI"] == aqi, f"{r['日期']}: AQI {r['AQI']} != HJ 633 {aqi}"
        assert r["质量等级"] == hj633_level(aqi)
    assert 2 <= invalid <= 4


@pytest.mark.parametrize("year, good, so2", [(2023, 209, 6), (2022, 200, 7)])
def test_air_january_to_november(books, year, good, so2):
    rows = [r for r in books[year]["air"].records if as_date(r["日期"]).month <= 11]
    assert len(rows) == 334
    valid = [r for r in rows if all(r[k] is not None for k in POLLUTANTS)]
    assert sum(1 for r in valid if r["AQI"] <= 100) == good
    values = [Fraction(Decimal(repr(r["SO2"]))) for r in rows if r["SO2"] is not None]
    assert half_up(sum(values) / len(values)) == so2


# --- 执法检查 ---------------------------------------------------------------------------------

GB32100 = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_ok(code: str) -> bool:
    if len(code) != 18 or any(ch not in GB32100 for ch in code):
        return False
    total = sum(GB32100.index(ch) * w for ch, w in zip(code, GB32100_W))
    return GB32100[(31 - total % 31) % 31] == code[17]


@pytest.mark.parametrize("year, visits", [(2023, (2800, 2899)), (2022, (2500, 2799))])
def test_inspections(books, year, visits):
    insp = books[year]["insp"]
    assert {"检查日期", "企业名称", "统一社会信用代码", "检查方式", "区县", "发现问题", "非现场执法"} <= set(insp.columns)
    rows = insp.records
    assert visits[0] <= len(rows) <= visits[1]
    assert all(as_date(r["检查日期"]).year == year for r in rows)
    assert {r["检查方式"] for r in rows} <= {"双随机", "信访投诉", "环保督察", "专项行动", "其他"}
    assert {r["区县"] for r in rows} <= {"市中区", "薛城区", "峄城区", "台儿庄区", "山亭区", "滕州市"}
    assert {r["发现问题"] for r in rows} <= {"是", "否", None}
    assert {r["非现场执法"] for r in rows} <= {"是", "否", None}
    codes = [r["统一社会信用代码"] for r in rows if r["统一社会信用代码"]]
    assert all(credit_code_ok(c) for c in codes)
    assert len(codes) < len(rows)  # a few blank codes
    enterprises = {r["统一社会信用代码"] or r["企业名称"] for r in rows}
    assert 1000 <= len(enterprises) <= 1300
    # one name per code and one code per name, so "credit code, else name" is unambiguous
    assert len({(r["统一社会信用代码"], r["企业名称"]) for r in rows}) == len(enterprises)
    assert insp.total["企业名称"] == len(rows)
    assert insp.total["发现问题"] == sum(yes(r["发现问题"]) for r in rows)
    assert insp.notes == ["填报人：张三  审核人：李四"]


def test_inspections_header_is_two_merged_rows(books):
    ws = books[2023]["wb"]["执法检查"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "F3:H3"} <= merged
    assert ws["F3"].value == "检查情况" and ws["F4"].value == "检查方式"


# --- 行政处罚 ---------------------------------------------------------------------------------

EXPECTED_PENALTIES = {
    2023: dict(filed=109, decisions=63, fines=609_715_700, exempted=87, exempted_fen=1_413_220_700,
               reduced=10, reduced_fen=81_779_600, referrals=15, detentions=1, reviews=37,
               review_fen=(350_000_000, 359_999_999)),
    2022: dict(filed=121, decisions=72, fines=702_438_600, exempted=64, exempted_fen=982_641_500,
               reduced=7, reduced_fen=56_328_400, referrals=12, detentions=2, reviews=41,
               review_fen=(398_512_736, 398_512_736)),
}


@pytest.mark.parametrize("year", [2023, 2022])
def test_penalties(books, year):
    want = EXPECTED_PENALTIES[year]
    pen = books[year]["pen"]
    assert "当事人" in pen.columns and "罚款金额" in pen.columns
    rows = pen.records
    for r in rows:
        r["立案"], r["决定"] = as_date(r["立案日期"]), as_date(r["决定日期"])
        r["fine"] = money_fen(r["罚款金额"], 100)
        r["waived"] = money_fen(r["免减金额"], 100)
    in_year = lambda d: d is not None and d.year == year  # noqa: E731
    decisions = [r for r in rows if in_year(r["决定"]) and r["处理结果"] in ("处罚", "减罚")]
    exempted = [r for r in rows if in_year(r["决定"]) and r["处理结果"] == "免罚"]
    reduced = [r for r in rows if in_year(r["决定"]) and r["处理结果"] == "减罚"]
    reviewed = [r for r in rows if in_year(r["决定"]) and yes(r["法制审核"])]
    row_date = lambda r: r["决定"] or r["立案"]  # noqa: E731
    assert sum(in_year(r["立案"]) for r in rows) == want["filed"]
    assert len(decisions) == want["decisions"]
    assert sum(r["fine"] for r in decisions) == want["fines"]
    assert Decimal(sum(r["fine"] for r in decisions)) / 100 == Decimal(want["fines"]) / 100
    assert len(exempted) == want["exempted"]
    assert sum(r["waived"] for r in exempted) == want["exempted_fen"]
    assert len(reduced) == want["reduced"]
    assert sum(r["waived"] for r in reduced) == want["reduced_fen"]
    assert sum(1 for r in rows if yes(r["移送公安"]) and in_year(row_date(r))) == want["referrals"]
    assert sum(1 for r in rows if yes(r["行政拘留"]) and in_year(row_date(r))) == want["detentions"]
    assert len(reviewed) == want["reviews"]
    low, high = want["review_fen"]
    assert low <= sum(r["fine"] for r in reviewed) <= high
    # every rule of DATA.md holds
    numbers = [r["案件编号"] for r in rows]
    assert len(numbers) == len(set(numbers))
    for r in rows:
        assert in_year(row_date(r)), r["案件编号"]
        assert r["处理结果"] in ("处罚", "减罚", "免罚", "不予处罚", "办理中")
        assert (r["决定"] is None) == (r["处理结果"] == "办理中")
        if r["立案"] and r["决定"]:
            assert r["决定"] >= r["立案"]
        if r["处理结果"] in ("处罚", "减罚"):
            assert r["立案"] is not None and 1_000_000 <= r["fine"] <= 100_000_000
        else:
            assert r["罚款金额"] is None
        if r["处理结果"] not in ("免罚", "减罚"):
            assert r["免减金额"] is None
        if yes(r["行政拘留"]):
            assert yes(r["移送公安"])
        for k in ("移送公安", "行政拘留", "法制审核"):
            assert r[k] in ("是", "否", None)
        if r["统一社会信用代码"]:
            assert credit_code_ok(r["统一社会信用代码"])
    assert pen.total["罚款金额"] == sum(r["fine"] for r in rows) / 100
    assert pen.notes == ["填报人：张三  审核人：李四"]


def test_cases_pending_in_2022_are_decided_in_2023(books):
    pending = {r["案件编号"]: r for r in books[2022]["pen"].records if r["处理结果"] == "办理中"}
    later = {r["案件编号"]: r for r in books[2023]["pen"].records if r["案件编号"] in pending}
    assert later.keys() == pending.keys()
    for no, r in later.items():
        assert as_date(r["立案日期"]) == as_date(pending[no]["立案日期"])
        assert r["当事人"] == pending[no]["当事人"]


# --- 损害赔偿 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year, started, agreed, low, high",
                         [(2023, 47, 38, 754_000_000, 754_999_900), (2022, 39, 31, 612_837_415, 612_837_415)])
def test_compensation(books, year, started, agreed, low, high):
    comp = books[year]["comp"]
    assert {"案号", "启动日期", "磋商协议日期", "赔偿金额", "流域"} <= set(comp.columns)
    rows = comp.records
    assert all(isinstance(r["启动日期"], str) for r in rows)  # dates exported as text here
    forms = Counter("-" if "-" in r["启动日期"] else "/" if "/" in r["启动日期"] else "年" for r in rows)
    assert set(forms) == {"-", "/", "年"}
    assert sum(as_date(r["启动日期"]).year == year for r in rows) == started == len(rows)
    deals = [r for r in rows if r["磋商协议日期"] is not None]
    assert sum(as_date(r["磋商协议日期"]).year == year for r in deals) == agreed == len(deals)
    total = 0
    for r in rows:
        if r["磋商协议日期"] is None:
            assert r["赔偿金额"] is None
            continue
        assert as_date(r["磋商协议日期"]) >= as_date(r["启动日期"])
        fen = money_fen(r["赔偿金额"], 1_000_000)
        assert fen > 0
        total += fen
    assert low <= total <= high
    assert len({r["案号"] for r in rows}) == len(rows)


# --- 其他指标 ---------------------------------------------------------------------------------

EXPECTED_INDICATORS_2023 = {
    "学法次数": 9, "人大建议": 7, "政协提案": 22, "新闻发布会": 4, "主动公开信息": 815,
    "依申请公开": 22, "环境信用修复": 74, "正面清单企业": 178, "农村生活污水治理行政村": 895,
    "法律培训": 12, "环保服务手册": 11000, "消除高值问题": 182, "案卷评查": 1,
}


def test_indicators(books):
    ind = books[2023]["ind"]
    sums: Counter = Counter()
    months: dict[str, list] = {}
    for r in ind.records:
        sums[r["指标"]] += r["数值"]
        months.setdefault(r["指标"], []).append(r["月份"])
    for name, value in EXPECTED_INDICATORS_2023.items():
        assert sums[name] == value, name
    assert sorted(months["主动公开信息"]) == list(range(1, 13))
    assert sorted(months["依申请公开"]) == list(range(1, 13))
    assert months["企业环境体检帮扶"] == [None]  # one indicator, not the report's two
    assert months["学法次数"] == [None]
    assert ind.total["数值"] == sum(sums.values())
    assert set(books[2022]["ind"].records[0]) == set(ind.records[0])
    assert {r["指标"] for r in books[2022]["ind"].records} == set(sums)


@pytest.mark.parametrize("year", [2022, 2023])
def test_titles_and_sheets(books, year):
    wb = books[year]["wb"]
    assert wb.sheetnames == ["空气质量", "执法检查", "行政处罚", "损害赔偿", "其他指标", "地表水"]
    assert wb["行政处罚"]["A1"].value == f"{year}年行政处罚案件台账"
    for name in wb.sheetnames:
        ws = wb[name]
        assert str(ws["A1"].value).startswith(str(year))
        assert all(c.value is None for c in ws[2])  # a blank row between title and header
