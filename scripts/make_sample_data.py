#!/usr/bin/env python3
"""Write the sample ledgers data/2022.xlsx and data/2023.xlsx.

    .venv/bin/python scripts/make_sample_data.py data

The workbooks are record-level ledgers as a bureau's systems would export
them (title rows, a two-row merged header, units in headers, text dates on
one sheet, a 合计 row with cached formula values, a 填报人 note), from which
`lawreport` reproduces the figures of the 2023 report exactly
(shared/spec/FIGURES.md) by the definitions of METRICS.md. Every row obeys
every rule of DATA.md: `lawreport validate` finds nothing.

The output is a pure function of this file: one fixed seed per year and
sheet, no set iteration, xlsxwriter in memory with a fixed creation date, so
two runs give byte-identical files (tests/test_sample_data.py checks that the
committed files are what this script writes).

2023 is the report's year; 2022 is invented but plausible beside it, and the
cases filed in late 2022 and decided in 2023 appear in both ledgers (pending
in 2022, decided in 2023) under the same 案件编号.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
try:
    from lawreport_cli.domain.creditcode import check_char
    from lawreport_cli.domain.aqi import daily_aqi, level, primary_pollutants
    from lawreport_cli.domain import gb3838
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(ROOT / "src"))
    from lawreport_cli.domain.creditcode import check_char
    from lawreport_cli.domain.aqi import daily_aqi, level, primary_pollutants
    from lawreport_cli.domain import gb3838

SEED = 20231228  # the date of the report
CREATED = {2022: dt.datetime(2023, 1, 9, 9, 30, 0), 2023: dt.datetime(2024, 1, 8, 9, 30, 0)}

# --------------------------------------------------------------------------------------
# The figures. 2023 = the report (FIGURES.md); 2022 = invented, moved by believable amounts.
# Money is in fen (0.01 元) throughout, so every sum is exact.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AirPlan:
    good_days_jan_nov: int  # valid days with AQI <= 100, 1 Jan - 30 Nov
    so2_band: tuple[float, float]  # mean SO2 over Jan-Nov lands in [lo, hi]
    invalid: tuple[tuple[str, str], ...]  # (date, pollutant left blank)
    pm25_mean: float
    o3_mean: float
    no2_mean: float
    so2_mean: float


@dataclass(frozen=True)
class PenaltyPlan:
    decisions: int  # 处罚 + 减罚 decided in the year (incl. the cases carried in)
    fines_fen: int
    reduced: int
    reduced_fen: int  # Σ 免减金额 of the 减罚 cases
    exempted: int
    exempted_fen: int
    exempted_filed: int  # 免罚 cases that were formally filed (立案) first
    not_punished: int  # 不予处罚
    pending: int  # 办理中 at the year's end (carried into the next year)
    referrals_decided: int  # 移送公安 among the 处罚 decisions
    referrals_other: int  # further 移送公安 cases, all of outcome referrals_other_outcome
    referrals_other_outcome: str  # 办理中 or 不予处罚 (never a case carried into the next year)
    detentions: int
    legal_reviews: int
    legal_review_fen: int


@dataclass(frozen=True)
class CompensationPlan:
    started: int
    agreements: int
    amount_fen: int


@dataclass(frozen=True)
class YearPlan:
    year: int
    air: AirPlan
    visits: int
    enterprises: int
    penalties: PenaltyPlan
    compensation: CompensationPlan
    indicators: tuple[tuple[str, int, str, str, bool], ...]  # name, value, unit, category, monthly


# 企业环境体检帮扶: the report lists it twice ("开展企业'环境体检'帮扶700余家次，开展企业
# '环境体检'帮扶200余家次") -- a slip of the report. The sample keeps ONE indicator for it,
# the year's total (724 + 212 = 936, i.e. "700余" + "200余"), as FIGURES.md asks.
# Where the report says 余 / 近, the value is one the wording rounds to (2300余 -> 2318).
INDICATORS_2023 = (
    ("学法次数", 9, "次", "学法普法", False),
    ("法律培训", 12, "次", "服务企业", False),
    ("环保服务手册", 11000, "份", "服务企业", False),
    ("企业环境体检帮扶", 936, "家次", "服务企业", False),
    ("人大建议", 7, "件", "人大政协监督", False),
    ("政协提案", 22, "件", "人大政协监督", False),
    ("新闻发布会", 4, "场", "社会监督", False),
    ("主动公开信息", 815, "条", "政务公开", True),
    ("依申请公开", 22, "件", "政务公开", True),
    ("环境信用修复", 74, "家", "信用管理", False),
    ("正面清单企业", 178, "家", "非现场监管", False),
    ("农村生活污水治理行政村", 895, "个", "水环境", False),
    ("南四湖水污染综合整治项目", 45, "项", "水环境", False),
    ("解决大气问题", 2318, "个", "大气治理", False),
    ("消除高值问题", 182, "个", "大气治理", False),
    ("案卷评查", 1, "次", "执法监督", False),
    ("评查案卷", 10, "卷", "执法监督", False),
    ("评查结果", 78, "条", "执法监督", False),
    ("执法证年度审验", 25, "人", "执法队伍", False),
    ("新申领执法证", 8, "人", "执法队伍", False),
    ("新办执法监督证", 5, "人", "执法队伍", False),
    ("新办听证主持人证", 10, "人", "执法队伍", False),
    ("疑难案件审查", 34, "件", "法律顾问", False),
    ("法律顾问修改建议", 392, "条", "法律顾问", False),
    ("法治能力考查测试人数", 317, "人", "学法普法", False),
)
INDICATORS_2022 = (
    ("学法次数", 8, "次", "学法普法", False),
    ("法律培训", 10, "次", "服务企业", False),
    ("环保服务手册", 9500, "份", "服务企业", False),
    ("企业环境体检帮扶", 812, "家次", "服务企业", False),
    ("人大建议", 9, "件", "人大政协监督", False),
    ("政协提案", 19, "件", "人大政协监督", False),
    ("新闻发布会", 5, "场", "社会监督", False),
    ("主动公开信息", 763, "条", "政务公开", True),
    ("依申请公开", 27, "件", "政务公开", True),
    ("环境信用修复", 58, "家", "信用管理", False),
    ("正面清单企业", 156, "家", "非现场监管", False),
    ("农村生活污水治理行政村", 682, "个", "水环境", False),
    ("南四湖水污染综合整治项目", 38, "项", "水环境", False),
    ("解决大气问题", 2106, "个", "大气治理", False),
    ("消除高值问题", 163, "个", "大气治理", False),
    ("案卷评查", 1, "次", "执法监督", False),
    ("评查案卷", 8, "卷", "执法监督", False),
    ("评查结果", 64, "条", "执法监督", False),
    ("执法证年度审验", 22, "人", "执法队伍", False),
    ("新申领执法证", 11, "人", "执法队伍", False),
    ("新办执法监督证", 4, "人", "执法队伍", False),
    ("新办听证主持人证", 6, "人", "执法队伍", False),
    ("疑难案件审查", 27, "件", "法律顾问", False),
    ("法律顾问修改建议", 341, "条", "法律顾问", False),
    ("法治能力考查测试人数", 296, "人", "学法普法", False),
)

PLANS = {
    2022: YearPlan(
        year=2022,
        air=AirPlan(good_days_jan_nov=200, so2_band=(6.85, 7.2),
                    invalid=(("2022-03-21", "no2"), ("2022-09-06", "so2"), ("2022-12-14", "pm25")),
                    pm25_mean=54.0, o3_mean=128.0, no2_mean=30.0, so2_mean=7.6),
        visits=2655,
        enterprises=1089,
        penalties=PenaltyPlan(
            decisions=72, fines_fen=702_438_600, reduced=7, reduced_fen=56_328_400,
            exempted=64, exempted_fen=982_641_500, exempted_filed=30, not_punished=16,
            pending=9, referrals_decided=10, referrals_other=2, referrals_other_outcome="不予处罚",
            detentions=2,
            legal_reviews=41, legal_review_fen=398_512_736),
        compensation=CompensationPlan(started=39, agreements=31, amount_fen=612_837_415),
        indicators=INDICATORS_2022,
    ),
    2023: YearPlan(
        year=2023,
        air=AirPlan(good_days_jan_nov=209, so2_band=(5.8, 6.2),
                    invalid=(("2023-02-14", "co"), ("2023-07-09", "o3_8h"), ("2023-12-03", "pm10")),
                    pm25_mean=45.0, o3_mean=120.0, no2_mean=28.0, so2_mean=6.5),
        visits=2836,
        enterprises=1163,
        penalties=PenaltyPlan(
            # cases_filed = (63 - 9 carried in from 2022) + 22 + 10 + 23 = 109
            decisions=63, fines_fen=609_715_700, reduced=10, reduced_fen=81_779_600,
            exempted=87, exempted_fen=1_413_220_700, exempted_filed=22, not_punished=10,
            pending=23, referrals_decided=11, referrals_other=4, referrals_other_outcome="办理中",
            detentions=1,
            legal_reviews=37, legal_review_fen=353_862_415),
        compensation=CompensationPlan(started=47, agreements=38, amount_fen=754_386_152),
        indicators=INDICATORS_2023,
    ),
}
CARRIED_INTO_2022 = 6  # cases filed in late 2021, decided in 2022

DISTRICTS = ("市中区", "薛城区", "峄城区", "台儿庄区", "山亭区", "滕州市")
DISTRICT_WEIGHTS = (0.20, 0.17, 0.12, 0.10, 0.08, 0.33)
REGION_CODE = {"市中区": "370402", "薛城区": "370403", "峄城区": "370404",
               "台儿庄区": "370405", "山亭区": "370406", "滕州市": "370481"}
METHODS = ("双随机", "信访投诉", "环保督察", "专项行动", "其他")
METHOD_WEIGHTS = (0.34, 0.22, 0.08, 0.26, 0.10)
BRANCH = {"市中区": "市中执法大队", "薛城区": "薛城执法大队", "峄城区": "峄城执法大队",
          "台儿庄区": "台儿庄执法大队", "山亭区": "山亭执法大队", "滕州市": "滕州执法大队"}

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def rng_for(year: int, what: str) -> random.Random:
    """One independent, fixed stream per (year, sheet); an int seed, so no hashing is involved."""
    tag = sum((i + 1) * ord(ch) for i, ch in enumerate(what))
    return random.Random(SEED * 1000 + year * 7 + tag * 100_003)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def year_days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    n = (dt.date(year + 1, 1, 1) - first).days
    return [first + dt.timedelta(days=i) for i in range(n)]


def workday(d: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
    """The nearest Monday-Friday to d within [lo, hi] (forward first); d if none."""
    for step in (0, 1, -1, 2, -2, 3, -3):
        c = d + dt.timedelta(days=step)
        if lo <= c <= hi and c.weekday() < 5:
            return c
    return min(max(d, lo), hi)


def random_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    d = lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))
    return workday(d, lo, hi)


def later(rng: random.Random, start: dt.date, lo_days: int, hi_days: int, end: dt.date) -> dt.date:
    """A workday lo..hi days after start; if that passes `end`, a random day in [start, end]."""
    d = start + dt.timedelta(days=rng.randint(lo_days, hi_days))
    if d > end:
        d = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    return workday(d, start, end)


def clean_float(units: int, scale: int) -> bool:
    """True when units/scale is written by xlsxwriter ('%.16G') as its short decimal."""
    return f"{units / scale:.16G}" == _short(units, scale)


def _short(units: int, scale: int) -> str:
    whole, frac = divmod(units, scale)
    digits = len(str(scale)) - 1
    frac_text = f"{frac:0{digits}d}".rstrip("0")
    return f"{whole}.{frac_text}" if frac_text else f"{whole}"


def split_total(rng: random.Random, total: int, n: int, lo: int, hi: int, *, sigma: float,
                round_to: int, share_round: float, scale: int,
                weights: list[float] | None = None) -> list[int]:
    """n amounts (in fen) within [lo, hi], summing exactly to total, lognormal in shape.

    A share of them is rounded to `round_to` fen (whole amounts, as many fines are);
    the rest carry arbitrary fen. Every amount is one that xlsxwriter writes as its
    short decimal (`clean_float`), so the XML holds exactly the ledger's figure.
    `weights` (else lognormal draws) give the amounts' proportions; with weights,
    the order is kept (amount i goes with weight i), else the amounts are shuffled.
    """
    if not n * lo <= total <= n * hi:
        raise ValueError(f"cannot split {total} into {n} within [{lo}, {hi}]")
    keep_order = weights is not None
    if weights is None:
        weights = [rng.lognormvariate(0.0, sigma) for _ in range(n)]
    fixed: dict[int, int] = {}
    while True:  # water-filling: scale the free weights, clamp the ones out of range
        free = [i for i in range(n) if i not in fixed]
        remaining = total - sum(fixed.values())
        wsum = sum(weights[i] for i in free)
        clamped = False
        for i in free:
            a = remaining * weights[i] / wsum
            if a < lo:
                fixed[i] = lo
                clamped = True
            elif a > hi:
                fixed[i] = hi
                clamped = True
        if not clamped:
            break
    raw = [fixed.get(i, remaining * weights[i] / wsum if i not in fixed else 0) for i in range(n)]
    amounts: list[int] = []
    whole = [False] * n
    for i, a in enumerate(raw):
        if i not in fixed and rng.random() < share_round:
            units = max(lo, min(hi, int(round(a / round_to)) * round_to))
            whole[i] = True
        else:
            units = max(lo, min(hi, int(round(a))))
            if i not in fixed and units % 100 == 0:
                units += rng.choice((-1, 1)) * rng.randint(1, 99)
                units = max(lo, min(hi, units))
        amounts.append(units)
    adjustable = [i for i in range(n) if not whole[i]] or list(range(n))
    residual = total - sum(amounts)
    k = 0
    while residual:
        i = adjustable[k % len(adjustable)]
        delta = max(lo - amounts[i], min(hi - amounts[i], residual))
        amounts[i] += delta
        residual -= delta
        k += 1
        if k > 10 * n and residual:
            adjustable = list(range(n))
        if k > 100 * n:
            raise RuntimeError("cannot place the residual")
    # Make every amount print cleanly; move single fen between adjustable amounts.
    for _ in range(10_000):
        bad = [i for i in range(n) if not clean_float(amounts[i], scale)]
        if not bad:
            break
        i = bad[0]
        j = adjustable[rng.randrange(len(adjustable))]
        if i == j or not (lo <= amounts[i] + 1 <= hi and lo <= amounts[j] - 1 <= hi):
            continue
        amounts[i] += 1
        amounts[j] -= 1
    else:
        raise RuntimeError("cannot make the amounts print cleanly")
    assert sum(amounts) == total and all(lo <= a <= hi for a in amounts)
    if not keep_order:
        rng.shuffle(amounts)
    return amounts


def spread(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Integers >= 0 summing to total, roughly proportional to weights (largest remainder)."""
    w = [x * rng.uniform(0.75, 1.25) for x in weights]
    s = sum(w)
    exact = [total * x / s for x in w]
    base = [int(math.floor(e)) for e in exact]
    order = sorted(range(len(w)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


# --------------------------------------------------------------------------------------
# Enterprises (shared by both years: the same companies are inspected and punished)
# --------------------------------------------------------------------------------------

TRADE_NAMES = (
    "鑫源", "恒达", "华宇", "金诚", "泰和", "润丰", "宏泰", "瑞祥", "永盛", "中兴", "东方", "龙翔",
    "天元", "盛华", "博远", "信达", "联创", "福瑞", "嘉禾", "鲁南", "兴隆", "昌盛", "金源", "鼎鑫",
    "正大", "德润", "汇通", "海川", "圣源", "祥和", "九州", "宝丰", "安泰", "凯达", "宏远", "亿丰",
    "立信", "国泰", "华鲁", "新星", "银河", "朗润", "明德", "巨力", "丰源", "山河", "奥星", "同创",
    "益康", "荣昌", "通达", "万隆", "顺发", "金桥", "恒信", "腾飞", "绿洲", "瑞丰", "康达", "新元",
    "运河", "君泰", "隆鑫", "皓月", "锦程", "广源", "华瑞", "北辰", "友谊", "金鼎",
)
INDUSTRIES = (
    "化工", "建材", "水泥", "煤业", "机械", "纺织", "食品", "造纸", "陶瓷", "医药", "包装", "热电",
    "混凝土", "印染", "木业", "塑业", "铸造", "电镀", "化肥", "环保科技", "新材料", "玻璃",
    "钢结构", "橡胶", "饲料", "酿造", "石材", "焦化", "耐火材料", "汽车维修", "农业开发", "物流",
)
SUFFIXES = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class Enterprise:
    name: str
    code: str  # "" when the ledger does not record it
    district: str
    weight: float  # how often it is visited
    industry: str


def org_code(rng: random.Random) -> str:
    """A 9-character organisation code with its GB 11714 check character."""
    if rng.random() < 0.5:
        body = "MA" + "".join(rng.choice(CODE_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    value = {c: (int(c) if c.isdigit() else ord(c) - ord("A") + 10) for c in set(body)}
    total = sum(value[c] * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
    c9 = 11 - total % 11
    return body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def make_enterprises(count: int) -> list[Enterprise]:
    rng = rng_for(0, "enterprises")
    names: dict[str, None] = {}
    codes: dict[str, None] = {}
    out: list[Enterprise] = []
    while len(out) < count:
        district = rng.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
        industry = rng.choice(INDUSTRIES)
        if district == "滕州市":
            prefix = "滕州市"
        else:
            prefix = rng.choices(("枣庄市", f"枣庄市{district}", "山东"), (0.62, 0.28, 0.10))[0]
        name = f"{prefix}{rng.choice(TRADE_NAMES)}{industry}{rng.choice(SUFFIXES)}"
        if name in names:
            continue
        code = ""
        if rng.random() > 0.02:
            code17 = "91" + REGION_CODE[district] + org_code(rng)
            code = code17 + check_char(code17)
            if code in codes:
                continue
            codes[code] = None
        names[name] = None
        weight = rng.lognormvariate(0.0, 0.8)
        if industry in ("化工", "焦化", "热电", "水泥", "电镀", "造纸", "印染", "铸造"):
            weight *= 1.8  # key polluters are visited more often
        out.append(Enterprise(name, code, district, weight, industry))
    return out


ENTERPRISES = make_enterprises(1500)

# --------------------------------------------------------------------------------------
# 空气质量
# --------------------------------------------------------------------------------------

POLLUTANT_KEYS = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")
PRIMARY_NAMES = {"so2": "SO2", "no2": "NO2", "pm10": "PM10", "pm25": "PM2.5", "co": "CO", "o3_8h": "O3"}


@dataclass
class AirDay:
    date: dt.date
    c: dict[str, float | int | None]
    aqi: int | None = None
    level: str | None = None
    primary: str = ""

    @property
    def valid(self) -> bool:
        return all(self.c[k] is not None for k in POLLUTANT_KEYS)

    def compute(self) -> None:
        if not self.valid:
            self.aqi, self.level, self.primary = None, None, ""
            return
        args = dict(so2=self.c["so2"], no2=self.c["no2"], pm10=self.c["pm10"],
                    pm25=self.c["pm25"], co=self.c["co"], o3_8h=self.c["o3_8h"])
        self.aqi = daily_aqi(**args)
        self.level = level(self.aqi)
        self.primary = ",".join(PRIMARY_NAMES[p] for p in primary_pollutants(**args))


RAIN_CHANCE = (0.08, 0.10, 0.14, 0.18, 0.20, 0.26, 0.38, 0.34, 0.22, 0.14, 0.10, 0.07)


def make_air(plan: YearPlan) -> list[AirDay]:
    rng = rng_for(plan.year, "air")
    a = plan.air
    days = year_days(plan.year)
    out: list[AirDay] = []
    xpm = 0.0
    xo3 = 0.0
    for i, d in enumerate(days):
        winter = math.cos(2 * math.pi * (i - 12) / 365.0)  # +1 mid January, -1 mid July
        summer = math.cos(2 * math.pi * (i - 168) / 365.0)  # +1 mid June
        spring_dust = math.exp(-((i - 95) / 28.0) ** 2)  # April
        xpm = 0.70 * xpm + rng.gauss(0.0, 0.34)
        xo3 = 0.55 * xo3 + rng.gauss(0.0, 0.17)
        # rain washes the air: more often in the summer monsoon
        rain = rng.random() < RAIN_CHANCE[d.month - 1]
        wash = 0.6 if rain else 1.0
        pm25 = a.pm25_mean * (1 + 0.58 * winter) * math.exp(xpm - 0.11) * wash
        pm25 = int(round(min(max(pm25, 6), 290)))
        ratio = 1.58 + 0.45 * spring_dust + 0.15 * winter + rng.gauss(0.0, 0.12)
        pm10 = int(round(min(max(pm25 * max(ratio, 1.25) + rng.gauss(3, 3), pm25 + 3), 420)))
        so2 = a.so2_mean * (1 + 0.35 * winter) * math.exp(rng.gauss(0.0, 0.22) + 0.25 * xpm)
        so2 = int(round(min(max(so2, 2), 40)))
        no2 = a.no2_mean * (1 + 0.33 * winter) * math.exp(0.45 * xpm + rng.gauss(0.0, 0.14))
        no2 = int(round(min(max(no2, 6), 110)))
        co = (0.62 + 0.30 * winter) * math.exp(0.45 * xpm + rng.gauss(0.0, 0.10))
        co = round(min(max(co, 0.2), 3.2), 1)
        o3 = a.o3_mean * (1 + 0.62 * summer) * math.exp(xo3 - 0.02 - 0.12 * max(xpm, 0)) * wash
        o3 = int(round(min(max(o3, 12), 300)))
        out.append(AirDay(d, {"pm25": pm25, "pm10": pm10, "so2": so2, "no2": no2, "co": co, "o3_8h": o3}))
    by_date = {x.date: x for x in out}
    for text, pollutant in a.invalid:
        by_date[day(text)].c[pollutant] = None
    jan_nov = [x for x in out if x.date.month <= 11]
    calibrate_so2(rng, jan_nov, a.so2_band)
    for x in out:
        x.compute()
    calibrate_good_days(rng, jan_nov, a.good_days_jan_nov)
    for x in out:
        x.compute()
    return out


def calibrate_so2(rng: random.Random, days: list[AirDay], band: tuple[float, float]) -> None:
    """Nudge SO2 by 1 µg/m³ on random days until the mean lies in band."""
    have = [x for x in days if x.c["so2"] is not None]
    for _ in range(5000):
        mean = sum(x.c["so2"] for x in have) / len(have)
        if band[0] <= mean <= band[1]:
            return
        x = have[rng.randrange(len(have))]
        if mean > band[1] and x.c["so2"] > 3:
            x.c["so2"] -= 1
        elif mean < band[0] and x.c["so2"] < 30:
            x.c["so2"] += 1
    raise RuntimeError("SO2 calibration did not converge")


def calibrate_good_days(rng: random.Random, days: list[AirDay], target: int) -> None:
    """Move days across AQI 100, choosing those nearest the line, until `target` are good."""
    for _ in range(400):
        valid = [x for x in days if x.valid]
        good = [x for x in valid if x.aqi <= 100]
        if len(good) == target:
            return
        if len(good) > target:  # make the highest good day a light-pollution day
            x = max(good, key=lambda y: (y.aqi, y.date))
            if 5 <= x.date.month <= 9:
                x.c["o3_8h"] = rng.randint(162, 182)
            else:
                x.c["pm25"] = rng.randint(77, 92)
                x.c["pm10"] = max(x.c["pm10"], x.c["pm25"] + 30)
        else:  # clean up the least polluted bad day
            x = min((y for y in valid if y.aqi > 100), key=lambda y: (y.aqi, y.date))
            if x.c["o3_8h"] > 160:
                x.c["o3_8h"] = rng.randint(138, 158)
            if x.c["pm25"] > 75:
                x.c["pm25"] = rng.randint(58, 74)
            if x.c["pm10"] > 150:
                x.c["pm10"] = rng.randint(x.c["pm25"] + 30, 148)
            if x.c["no2"] > 80:
                x.c["no2"] = rng.randint(55, 78)
        x.compute()
    raise RuntimeError("good-day calibration did not converge")


# --------------------------------------------------------------------------------------
# 执法检查
# --------------------------------------------------------------------------------------

INSPECTORS = ("张伟", "王磊", "李强", "刘洋", "陈杰", "杨帆", "赵鹏", "黄涛", "周斌", "吴昊",
              "徐刚", "孙浩", "马超", "朱军", "胡勇", "郭亮", "何平", "高峰", "林峰", "罗鑫",
              "郑凯", "梁辉", "谢明", "宋健", "唐亮", "许诚", "韩冰", "冯雷", "邓伟", "曹阳")
MONTH_ACTIVITY = (0.70, 0.80, 1.10, 1.05, 1.10, 1.20, 1.00, 0.95, 1.10, 0.80, 1.10, 1.00)


@dataclass
class Visit:
    date: dt.date
    ent: Enterprise
    method: str
    problem: str  # 是 / 否 / "" (blank = no)
    remote: str
    inspectors: str
    note: str


def make_inspections(plan: YearPlan) -> list[Visit]:
    rng = rng_for(plan.year, "inspections")
    pool = list(ENTERPRISES)
    rng.shuffle(pool)
    chosen = pool[: plan.enterprises]
    # every chosen enterprise is visited at least once, the rest by weight
    targets = list(chosen)
    extra = plan.visits - len(chosen)
    targets += rng.choices(chosen, [e.weight for e in chosen], k=extra)
    rng.shuffle(targets)
    days = year_days(plan.year)
    base = [MONTH_ACTIVITY[d.month - 1] * (1.0 if d.weekday() < 5 else 0.06) for d in days]
    weights = {
        "default": base,
        # campaigns: spring-summer ozone, autumn-winter heating season
        "专项行动": [x * (1.6 if d.month in (4, 5, 6, 10, 11) else 0.7) for x, d in zip(base, days)],
        # complaints come in on every day of the week
        "信访投诉": [MONTH_ACTIVITY[d.month - 1] * (1.0 if d.weekday() < 5 else 0.5) for d in days],
    }
    cum = {k: list(itertools.accumulate(w)) for k, w in weights.items()}
    visits: list[Visit] = []
    for ent in targets:
        method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
        date = rng.choices(days, cum_weights=cum.get(method, cum["default"]))[0]
        p_problem = 0.30 if method == "信访投诉" else 0.14
        problem = "是" if rng.random() < p_problem else ("" if rng.random() < 0.04 else "否")
        remote = "是" if rng.random() < (0.05 if method == "信访投诉" else 0.19) else "否"
        pair = rng.sample(INSPECTORS, 2)
        note = ""
        if problem == "是":
            note = rng.choices(("责令限期整改", "已立案调查", "现场整改完毕", "移交属地处理"),
                               (0.55, 0.15, 0.22, 0.08))[0]
        visits.append(Visit(date, ent, method, problem, remote, "、".join(pair), note))
    visits.sort(key=lambda v: v.date)  # stable: same-day visits keep their drawn order
    return visits


# --------------------------------------------------------------------------------------
# 行政处罚
# --------------------------------------------------------------------------------------

SERIOUS_ACTS = ("通过暗管逃避监管排放水污染物", "篡改、伪造自动监测数据", "非法处置危险废物",
                "超标排放含重金属废水", "无证排放有毒有害大气污染物")
COMMON_ACTS = ("超标排放大气污染物", "未按规定运行污染防治设施", "危险废物贮存不规范",
               "未批先建", "未按排污许可证规定排放污染物", "未落实扬尘污染防治措施",
               "未按规定开展自行监测", "环保设施未验收即投入生产", "无组织排放未采取收集措施",
               "超过总量控制指标排放")
MINOR_ACTS = ("危险废物识别标志设置不规范", "环境管理台账记录不完整", "未按规定公开环境信息",
              "排污口标志牌设置不规范", "排污许可执行报告提交逾期", "首次轻微违法且及时改正",
              "一般固体废物台账不规范", "自动监测设备运维记录缺失")


@dataclass
class Case:
    case_no: str
    ent: Enterprise
    act: str
    filed: dt.date | None
    decided: dt.date | None = None
    outcome: str = "办理中"
    fine: int | None = None  # fen
    waived: int | None = None  # fen
    referred: str = "否"
    detention: str = ""
    review: str = ""
    unit: str = ""

    @property
    def row_date(self) -> dt.date:
        return self.decided or self.filed


def _branch(rng: random.Random, ent: Enterprise) -> str:
    return "市综合执法支队" if rng.random() < 0.3 else BRANCH[ent.district]


def carried_from_2021() -> list[Case]:
    rng = rng_for(2021, "penalties")
    ents = [e for e in ENTERPRISES if e.code]
    out = []
    numbers = sorted(rng.sample(range(138, 156), CARRIED_INTO_2022))
    dates = sorted(random_date(rng, dt.date(2021, 11, 1), dt.date(2021, 12, 30)) for _ in numbers)
    for n, d in zip(numbers, dates):
        ent = rng.choice(ents)
        out.append(Case(f"枣环立〔2021〕{n}号", ent, rng.choice(COMMON_ACTS), d, unit=_branch(rng, ent)))
    return out


def make_penalties(plan: YearPlan, carried_in: list[Case]) -> list[Case]:
    """The year's penalty ledger; pending cases (办理中) are what the next year decides."""
    p = plan.penalties
    y = plan.year
    rng = rng_for(y, "penalties")
    ents = [e for e in ENTERPRISES if e.code] + [e for e in ENTERPRISES if not e.code][:2]
    dec29 = dt.date(y, 12, 29)

    def pick_ent() -> Enterprise:
        return ents[rng.randrange(len(ents))]

    # Cases filed this year, in filing order, numbered 枣环立〔y〕N号.
    filed: list[Case] = []
    new_decisions = p.decisions - len(carried_in)
    for _ in range(new_decisions):
        f = random_date(rng, dt.date(y, 1, 4), dt.date(y, 10, 31))
        filed.append(Case("", pick_ent(), rng.choice(COMMON_ACTS), f, outcome="处罚"))
    for _ in range(p.exempted_filed):
        f = random_date(rng, dt.date(y, 1, 4), dt.date(y, 11, 20))
        filed.append(Case("", pick_ent(), rng.choice(MINOR_ACTS), f, outcome="免罚"))
    for _ in range(p.not_punished):
        f = random_date(rng, dt.date(y, 1, 4), dt.date(y, 10, 31))
        filed.append(Case("", pick_ent(), rng.choice(COMMON_ACTS + MINOR_ACTS[:3]), f, outcome="不予处罚"))
    for _ in range(p.pending):
        f = random_date(rng, dt.date(y, 9, 20), dt.date(y, 12, 28))
        filed.append(Case("", pick_ent(), rng.choice(COMMON_ACTS), f, outcome="办理中"))
    filed.sort(key=lambda c: c.filed)  # stable
    start = rng.randint(1, 3)
    for n, c in enumerate(filed, start=start):
        c.case_no = f"枣环立〔{y}〕{n}号"
        c.unit = _branch(rng, c.ent)

    # Decision dates.
    for c in filed:
        if c.outcome == "处罚":
            c.decided = later(rng, c.filed, 28, 88, dec29)
        elif c.outcome == "免罚":
            c.decided = later(rng, c.filed, 8, 40, dec29)
        elif c.outcome == "不予处罚":
            c.decided = later(rng, c.filed, 20, 75, dec29)
    carried = [Case(c.case_no, c.ent, c.act, c.filed, unit=c.unit, outcome="处罚") for c in carried_in]
    for c in carried:
        c.decided = random_date(rng, max(c.filed + dt.timedelta(days=30), dt.date(y, 1, 5)), dt.date(y, 3, 31))
    decisions = carried + [c for c in filed if c.outcome == "处罚"]
    assert len(decisions) == p.decisions

    # 免罚 without a filing: 首违不罚 / 轻微不罚, decided on the spot.
    spot: list[Case] = []
    for _ in range(p.exempted - p.exempted_filed):
        d = random_date(rng, dt.date(y, 1, 4), dec29)
        spot.append(Case("", pick_ent(), rng.choice(MINOR_ACTS), None, decided=d, outcome="免罚"))
    spot.sort(key=lambda c: c.decided)
    for n, c in enumerate(spot, start=1):
        c.case_no = f"枣环免罚〔{y}〕{n}号"
        c.unit = _branch(rng, c.ent)
    exempted = [c for c in filed if c.outcome == "免罚"] + spot

    # Outcomes, referrals, detentions, legal reviews.
    order = list(range(len(decisions)))
    rng.shuffle(order)
    referred_idx = order[: p.referrals_decided]
    reduced_idx = order[p.referrals_decided: p.referrals_decided + p.reduced]  # a referred case is never 减罚
    for i in reduced_idx:
        decisions[i].outcome = "减罚"
    for k, i in enumerate(referred_idx):
        decisions[i].referred = "是"
        decisions[i].act = SERIOUS_ACTS[k % len(SERIOUS_ACTS)]
        if k < p.detentions:
            decisions[i].detention = "是"
    others = [c for c in filed if c.outcome == p.referrals_other_outcome]
    for k, c in enumerate(rng.sample(others, p.referrals_other)):
        c.referred = "是"
        c.act = SERIOUS_ACTS[(k + 2) % len(SERIOUS_ACTS)]
    detained = [i for i in referred_idx[: p.detentions]]
    rest = [i for i in order if i not in detained]
    reviewed_idx = detained + rest[: p.legal_reviews - len(detained)]
    reviewed = set(reviewed_idx)
    for i, c in enumerate(decisions):
        c.review = "是" if i in reviewed else "否"

    # Money: fines split by review, 减罚 and 免罚 amounts.
    fines_r = split_total(rng, p.legal_review_fen, p.legal_reviews, 1_000_000, 100_000_000,
                          sigma=0.85, round_to=10_000, share_round=0.4, scale=100)
    fines_n = split_total(rng, p.fines_fen - p.legal_review_fen, p.decisions - p.legal_reviews,
                          1_000_000, 100_000_000, sigma=0.85, round_to=10_000, share_round=0.4, scale=100)
    it_r, it_n = iter(fines_r), iter(fines_n)
    for i, c in enumerate(decisions):
        c.fine = next(it_r) if i in reviewed else next(it_n)
    # a 减罚 case's reduction is in proportion to its fine (30 %-120 % of what is left to pay)
    reduced_cases = [decisions[i] for i in reduced_idx]
    for c, w in zip(reduced_cases,
                    split_total(rng, p.reduced_fen, p.reduced, 300_000, 50_000_000, sigma=0.6,
                                round_to=10_000, share_round=0.5, scale=100,
                                weights=[c.fine * rng.uniform(0.3, 1.2) for c in reduced_cases])):
        c.waived = w
    for c, w in zip(exempted, split_total(rng, p.exempted_fen, p.exempted, 500_000, 100_000_000,
                                          sigma=0.75, round_to=10_000, share_round=0.5, scale=100)):
        c.waived = w
    rows = carried + filed + spot
    rows.sort(key=lambda c: (c.filed or c.decided, c.decided or dt.date.max))
    return rows


# --------------------------------------------------------------------------------------
# 损害赔偿
# --------------------------------------------------------------------------------------

DAMAGE_KINDS = ("超标排放废水", "非法倾倒危险废物", "全盐量硫酸盐超标排放", "土壤污染",
                "非法填埋一般工业固体废物", "超标排放大气污染物", "渗坑偷排废水", "非法处置废矿物油")


@dataclass
class Damage:
    case_no: str
    name: str
    obligor: str
    basin: str
    started: dt.date
    agreed: dt.date | None
    amount: int | None  # fen
    note: str


def make_compensation(plan: YearPlan) -> list[Damage]:
    c = plan.compensation
    y = plan.year
    rng = rng_for(y, "compensation")
    starts = sorted(random_date(rng, dt.date(y, 1, 9), dt.date(y, 12, 20)) for _ in range(c.started))
    open_cases = c.started - c.agreements
    no_agreement = list(range(c.started - open_cases + 2, c.started))  # the latest ones
    # ... and two hard early cases (never the 5th, the typical case of 2023)
    no_agreement += rng.sample([i for i in range(c.started - open_cases + 2) if i != 4], 2)
    assert len(no_agreement) == c.started - c.agreements
    amounts = split_total(rng, c.amount_fen, c.agreements, 1_200_000, 200_000_000, sigma=0.9,
                          round_to=10_000, share_round=0.5, scale=1_000_000)
    amount_it = iter(amounts)
    rows: list[Damage] = []
    for n, s in enumerate(starts, start=1):
        ent = ENTERPRISES[rng.randrange(len(ENTERPRISES))]
        if y == 2023 and n == 5:  # the typical case: a chemical plant in the 南四湖 basin
            ent = next(e for e in ENTERPRISES[rng.randrange(500):] if e.industry == "化工" and e.district != "台儿庄区")
        basin = "京杭运河" if ent.district in ("台儿庄区", "峄城区") or rng.random() < 0.15 else "南四湖流域"
        kind = rng.choice(DAMAGE_KINDS)
        if y == 2023 and n == 5:
            kind, basin = "全盐量硫酸盐超标排放", "南四湖流域"  # the typical case the report names
        name = f"{ent.name}{kind}生态环境损害赔偿案"
        if (n - 1) in no_agreement:
            rows.append(Damage(f"枣环损赔〔{y}〕{n}号", name, ent.name, basin, s, None, None, "磋商中"))
            continue
        agreed = later(rng, s, 25, 150, dt.date(y, 12, 28))
        note = "入选生态环境部磋商十大典型案例" if (y == 2023 and n == 5) else ""
        rows.append(Damage(f"枣环损赔〔{y}〕{n}号", name, ent.name, basin, s, agreed, next(amount_it), note))
    if y == 2023:  # the typical case is the largest one
        typical = rows[4]
        biggest = max((r for r in rows if r.amount), key=lambda r: r.amount)
        typical.amount, biggest.amount = biggest.amount, typical.amount
    return rows


def text_date(rng: random.Random, d: dt.date) -> str:
    form = rng.choices((0, 1, 2), (0.4, 0.35, 0.25))[0]
    if form == 0:
        return d.isoformat()
    if form == 1:
        return f"{d.year}/{d.month}/{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------------------
# 其他指标
# --------------------------------------------------------------------------------------

PUBLICATION_MONTHS = (0.8, 0.7, 1.0, 1.0, 1.0, 1.2, 1.0, 0.9, 1.0, 0.9, 1.1, 1.4)


def make_indicators(plan: YearPlan) -> list[tuple[str, int, str, str, int | None]]:
    rng = rng_for(plan.year, "indicators")
    rows: list[tuple[str, int, str, str, int | None]] = []
    for name, value, unit, category, monthly in plan.indicators:
        if monthly:
            for m, v in enumerate(spread(rng, value, list(PUBLICATION_MONTHS)), start=1):
                rows.append((name, v, unit, category, m))
        else:
            rows.append((name, value, unit, category, None))
    return rows


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


class Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14, "align": "center"})
        self.header = wb.add_format({**base, "bold": True, "align": "center", "border": 1,
                                     "bg_color": "#D9E1F2", "text_wrap": True})
        self.text = wb.add_format({**base, "border": 1})
        self.center = wb.add_format({**base, "border": 1, "align": "center"})
        self.int = wb.add_format({**base, "border": 1, "num_format": "0"})
        self.dec1 = wb.add_format({**base, "border": 1, "num_format": "0.0"})
        self.date = wb.add_format({**base, "border": 1, "num_format": "yyyy-mm-dd"})
        self.date_cn = wb.add_format({**base, "border": 1, "num_format": 'yyyy"年"m"月"d"日"'})
        self.yuan = wb.add_format({**base, "border": 1, "num_format": "#,##0.00"})
        self.wan = wb.add_format({**base, "border": 1, "num_format": "#,##0.000000"})
        self.total = wb.add_format({**base, "bold": True, "border": 1})
        self.total_int = wb.add_format({**base, "bold": True, "border": 1, "num_format": "0"})
        self.total_avg = wb.add_format({**base, "bold": True, "border": 1, "num_format": "0.0"})
        self.total_yuan = wb.add_format({**base, "bold": True, "border": 1, "num_format": "#,##0.00"})
        self.total_wan = wb.add_format({**base, "bold": True, "border": 1, "num_format": "#,##0.000000"})
        self.note = wb.add_format({**base, "align": "left"})


def _col(c: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(c)


def _title(ws, f: Formats, text: str, ncols: int) -> None:
    ws.merge_range(0, 0, 0, ncols - 1, text, f.title)
    ws.set_row(0, 24)


def _note(ws, f: Formats, row: int, text: str, ncols: int) -> None:
    ws.merge_range(row, 0, row, ncols - 1, text, f.note)


def write_air(wb, f: Formats, year: int, days: list[AirDay]) -> None:
    ws = wb.add_worksheet("空气质量")
    headers = ("日期", "城市", "PM2.5（μg/m³）", "PM10（μg/m³）", "SO2（μg/m³）", "NO2（μg/m³）",
               "CO（mg/m³）", "O3_8h（μg/m³）", "AQI", "质量等级", "首要污染物")
    _title(ws, f, f"{year}年枣庄市环境空气质量日报数据", len(headers))
    hr = 2
    ws.write_row(hr, 0, headers, f.header)
    ws.set_row(hr, 30)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 9)
    ws.set_column(2, 7, 11)
    ws.set_column(8, 10, 10)
    ws.freeze_panes(hr + 1, 1)
    r = hr + 1
    for x in days:
        ws.write_datetime(r, 0, dt.datetime.combine(x.date, dt.time()), f.date)
        ws.write_string(r, 1, "枣庄市", f.center)
        for k, key in enumerate(POLLUTANT_KEYS):
            v = x.c[key]
            if v is None:
                ws.write_blank(r, 2 + k, None, f.int)
            else:
                ws.write_number(r, 2 + k, v, f.dec1 if key == "co" else f.int)
        if x.aqi is None:
            ws.write_blank(r, 8, None, f.int)
            ws.write_blank(r, 9, None, f.center)
        else:
            ws.write_number(r, 8, x.aqi, f.int)
            ws.write_string(r, 9, x.level, f.center)
        if x.primary:
            ws.write_string(r, 10, x.primary, f.center)
        else:
            ws.write_blank(r, 10, None, f.center)
        r += 1
    first, last = hr + 2, r  # 1-based rows of the data
    ws.write_string(r, 0, "合计", f.total)
    ws.write_blank(r, 1, None, f.total)
    for k, key in enumerate(POLLUTANT_KEYS):
        vals = [x.c[key] for x in days if x.c[key] is not None]
        col = _col(2 + k)
        ws.write_formula(r, 2 + k, f"=AVERAGE({col}{first}:{col}{last})", f.total_avg,
                         sum(vals) / len(vals))
    for c in (8, 9, 10):
        ws.write_blank(r, c, None, f.total)


def write_inspections(wb, f: Formats, year: int, visits: list[Visit]) -> None:
    ws = wb.add_worksheet("执法检查")
    ncols = 10
    _title(ws, f, f"{year}年生态环境执法检查台账", ncols)
    h1, h2 = 2, 3
    for c, name in ((0, "序号"), (1, "检查日期"), (2, "企业名称"), (3, "统一社会信用代码"),
                    (4, "区县"), (8, "检查人员"), (9, "备注")):
        ws.merge_range(h1, c, h2, c, name, f.header)
    ws.merge_range(h1, 5, h1, 7, "检查情况", f.header)
    ws.write_row(h2, 5, ("检查方式", "发现问题", "非现场执法"), f.header)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 36)
    ws.set_column(3, 3, 21)
    ws.set_column(4, 7, 10)
    ws.set_column(8, 9, 14)
    ws.freeze_panes(h2 + 1, 0)
    r = h2 + 1
    for n, v in enumerate(visits, start=1):
        ws.write_number(r, 0, n, f.int)
        ws.write_datetime(r, 1, dt.datetime.combine(v.date, dt.time()), f.date)
        ws.write_string(r, 2, v.ent.name, f.text)
        if v.ent.code:
            ws.write_string(r, 3, v.ent.code, f.text)
        else:
            ws.write_blank(r, 3, None, f.text)
        ws.write_string(r, 4, v.ent.district, f.center)
        ws.write_string(r, 5, v.method, f.center)
        for c, value in ((6, v.problem), (7, v.remote), (8, v.inspectors), (9, v.note)):
            if value:
                ws.write_string(r, c, value, f.center if c < 8 else f.text)
            else:
                ws.write_blank(r, c, None, f.center)
        r += 1
    first, last = h2 + 2, r
    ws.write_string(r, 0, "合计", f.total)
    for c in (1, 3, 4, 5, 8, 9):
        ws.write_blank(r, c, None, f.total)
    ws.write_formula(r, 2, f"=COUNTA(C{first}:C{last})", f.total_int, len(visits))
    ws.write_formula(r, 6, f'=COUNTIF(G{first}:G{last},"是")', f.total_int,
                     sum(v.problem == "是" for v in visits))
    ws.write_formula(r, 7, f'=COUNTIF(H{first}:H{last},"是")', f.total_int,
                     sum(v.remote == "是" for v in visits))
    _note(ws, f, r + 1, "填报人：张三  审核人：李四", ncols)


def write_penalties(wb, f: Formats, year: int, cases: list[Case]) -> None:
    ws = wb.add_worksheet("行政处罚")
    headers = ("序号", "案件编号", "当事人", "统一社会信用代码", "违法行为", "立案日期", "决定日期",
               "处理结果", "罚款金额（元）", "免减金额（元）", "移送公安", "行政拘留", "法制审核", "承办机构")
    _title(ws, f, f"{year}年行政处罚案件台账", len(headers))
    hr = 2
    ws.write_row(hr, 0, headers, f.header)
    ws.set_row(hr, 30)
    for c, w in enumerate((6, 18, 36, 21, 30, 15, 15, 9, 14, 14, 9, 9, 9, 14)):
        ws.set_column(c, c, w)
    ws.freeze_panes(hr + 1, 0)
    r = hr + 1
    for n, c in enumerate(cases, start=1):
        ws.write_number(r, 0, n, f.int)
        ws.write_string(r, 1, c.case_no, f.text)
        ws.write_string(r, 2, c.ent.name, f.text)
        if c.ent.code:
            ws.write_string(r, 3, c.ent.code, f.text)
        else:
            ws.write_blank(r, 3, None, f.text)
        ws.write_string(r, 4, c.act, f.text)
        for col, d in ((5, c.filed), (6, c.decided)):
            if d:
                ws.write_datetime(r, col, dt.datetime.combine(d, dt.time()), f.date_cn)
            else:
                ws.write_blank(r, col, None, f.date_cn)
        ws.write_string(r, 7, c.outcome, f.center)
        for col, fen in ((8, c.fine), (9, c.waived)):
            if fen is None:
                ws.write_blank(r, col, None, f.yuan)
            else:
                ws.write_number(r, col, fen / 100, f.yuan)
        for col, value in ((10, c.referred), (11, c.detention), (12, c.review)):
            if value:
                ws.write_string(r, col, value, f.center)
            else:
                ws.write_blank(r, col, None, f.center)
        ws.write_string(r, 13, c.unit, f.text)
        r += 1
    first, last = hr + 2, r
    ws.write_string(r, 0, "合计", f.total)
    for col in range(1, len(headers)):
        if col not in (8, 9):
            ws.write_blank(r, col, None, f.total)
    ws.write_formula(r, 8, f"=SUM(I{first}:I{last})", f.total_yuan,
                     sum(c.fine or 0 for c in cases) / 100)
    ws.write_formula(r, 9, f"=SUM(J{first}:J{last})", f.total_yuan,
                     sum(c.waived or 0 for c in cases) / 100)
    _note(ws, f, r + 1, "填报人：张三  审核人：李四", len(headers))


def write_compensation(wb, f: Formats, year: int, rows: list[Damage]) -> None:
    ws = wb.add_worksheet("损害赔偿")
    headers = ("序号", "案号", "案件名称", "赔偿义务人", "流域", "启动日期", "磋商协议日期",
               "赔偿金额（万元）", "备注")
    _title(ws, f, f"{year}年生态环境损害赔偿案件台账", len(headers))
    hr = 2
    ws.write_row(hr, 0, headers, f.header)
    ws.set_row(hr, 30)
    for c, w in enumerate((6, 18, 60, 36, 12, 15, 15, 16, 30)):
        ws.set_column(c, c, w)
    ws.freeze_panes(hr + 1, 0)
    rng = rng_for(year, "compensation-dates")  # dates here are text, as the system exports them
    r = hr + 1
    for n, d in enumerate(rows, start=1):
        ws.write_number(r, 0, n, f.int)
        ws.write_string(r, 1, d.case_no, f.text)
        ws.write_string(r, 2, d.name, f.text)
        ws.write_string(r, 3, d.obligor, f.text)
        ws.write_string(r, 4, d.basin, f.center)
        ws.write_string(r, 5, text_date(rng, d.started), f.center)
        if d.agreed:
            ws.write_string(r, 6, text_date(rng, d.agreed), f.center)
        else:
            ws.write_blank(r, 6, None, f.center)
        if d.amount is None:
            ws.write_blank(r, 7, None, f.wan)
        else:
            ws.write_number(r, 7, d.amount / 1_000_000, f.wan)
        if d.note:
            ws.write_string(r, 8, d.note, f.text)
        else:
            ws.write_blank(r, 8, None, f.text)
        r += 1
    first, last = hr + 2, r
    ws.write_string(r, 0, "合计", f.total)
    for col in (1, 2, 3, 4, 5, 6, 8):
        ws.write_blank(r, col, None, f.total)
    ws.write_formula(r, 7, f"=SUM(H{first}:H{last})", f.total_wan,
                     sum(d.amount or 0 for d in rows) / 1_000_000)


def write_indicators(wb, f: Formats, year: int, rows) -> None:
    ws = wb.add_worksheet("其他指标")
    headers = ("序号", "指标", "数值", "单位", "分类", "月份")
    _title(ws, f, f"{year}年法治政府建设其他指标统计表", len(headers))
    hr = 2
    ws.write_row(hr, 0, headers, f.header)
    for c, w in enumerate((6, 26, 10, 7, 14, 7)):
        ws.set_column(c, c, w)
    r = hr + 1
    for n, (name, value, unit, category, month) in enumerate(rows, start=1):
        ws.write_number(r, 0, n, f.int)
        ws.write_string(r, 1, name, f.text)
        ws.write_number(r, 2, value, f.int)
        ws.write_string(r, 3, unit, f.center)
        ws.write_string(r, 4, category, f.center)
        if month is None:
            ws.write_blank(r, 5, None, f.center)
        else:
            ws.write_number(r, 5, month, f.int)
        r += 1
    first, last = hr + 2, r
    ws.write_string(r, 0, "合计", f.total)
    for col in (1, 3, 4, 5):
        ws.write_blank(r, col, None, f.total)
    ws.write_formula(r, 2, f"=SUM(C{first}:C{last})", f.total_int, sum(x[1] for x in rows))
    _note(ws, f, r + 1, "注：主动公开信息、依申请公开按月填报；企业环境体检帮扶为全年合计（一项指标）。",
          len(headers))


# --------------------------------------------------------------------------------------
# 地表水: 26 key river and lake sections, 9 of them 国控/省控 ("9个国、省控断面水体优良比例
# 达到100%" in 2023), one result per month. Each section has a planned GB 3838 class; every
# monthly value lies inside its indicator's planned band, so the annual mean does too.
# --------------------------------------------------------------------------------------

# (断面名称, 所在河流, 断面级别, 水体类型 as written, 目标类别, class 2022, class 2023)
WATER_SECTIONS = (
    ("台儿庄大桥", "韩庄运河", "国控", "河流", "Ⅲ", 3, 3),
    ("贾庄闸", "峄城大沙河", "国控", "河流", "Ⅲ", 4, 3),
    ("西王庄", "薛城小沙河", "国控", "河流", "Ⅲ", 3, 2),
    ("群乐桥", "城郭河", "国控", "河流", "Ⅲ", 3, 3),
    ("岩马水库", "岩马水库", "省控", "水库", "Ⅱ", 2, 2),
    ("周村水库", "周村水库", "省控", "水库", "Ⅲ", 3, 3),
    ("十字河入湖口", "十字河", "省控", "河流", "Ⅲ", 3, 3),
    ("新薛河入湖口", "新薛河", "省控", "河流", "Ⅲ", 2, 2),
    ("北沙河入湖口", "北沙河", "省控", "河流", "Ⅲ", 3, 3),
    ("薛城大沙河桥", "薛城大沙河", "市控", "河流", "Ⅲ", 4, 3),
    ("蟠龙河入运口", "蟠龙河", "市控", "河流", "Ⅳ", 4, 4),
    ("陶沟河桥", "陶沟河", "市控", "河流", "Ⅳ", 5, 4),
    ("阴平闸", "峄城大沙河", "市控", "河流", "Ⅲ", 3, 3),
    ("东江桥", "东江", "市控", "河流", "Ⅲ", 3, 3),
    ("荆河桥", "荆河", "市控", "河流", "Ⅳ", 4, 3),
    ("郭河桥", "郭河", "市控", "河流", "Ⅲ", 3, 3),
    ("小魏河桥", "小魏河", "市控", "河流", "Ⅳ", 6, 5),
    ("界河桥", "界河", "市控", "河流", "Ⅲ", 3, 3),
    ("城河入湖口", "城河", "市控", "河流", "Ⅲ", 3, 3),
    ("老运河桥", "老运河", "市控", "河流", "Ⅳ", 4, 4),
    ("伊家河闸", "伊家河", "市控", "河流", "Ⅲ", 3, 3),
    ("峄城沙河桥", "峄城沙河", "市控", "河流", "Ⅲ", 3, 3),
    ("龙河桥", "龙河", "市控", "河流", "Ⅲ", 4, 3),
    ("户主水库", "户主水库", "市控", "水库", "Ⅲ", 3, 2),
    ("马河水库", "马河水库", "市控", "水库", "Ⅲ", 3, 3),
    ("峨山口水库", "峨山口水库", "市控", "湖库", "Ⅲ", 2, 2),
)
# Decisive indicators and their reporting precision; COD and BOD5 follow CODMn.
WATER_DECIDING = (("codmn", 1), ("nh3n", 3), ("tp", 3))
# Measured at the 国控/省控 sections only ("9+X"): below the detection limit, as labs write it.
KEY_ONLY_TEXT = {"cu": "0.001L", "hg": "0.00004L", "phenol": "0.0003L", "oil": "0.01L"}
WATER_HEADERS = ("序号", "断面名称", "所在河流", "断面级别", "水体类型", "监测日期", "目标类别",
                 "水温（℃）", "pH", "溶解氧（mg/L）", "高锰酸盐指数（mg/L）", "化学需氧量（mg/L）",
                 "五日生化需氧量（mg/L）", "氨氮（mg/L）", "总磷（mg/L）", "总氮（mg/L）", "铜（mg/L）",
                 "氟化物（mg/L）", "汞（mg/L）", "挥发酚（mg/L）", "石油类（mg/L）", "水质类别")
WATER_KEYS = ("temp", "ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "cu", "f", "hg", "phenol", "oil")


@dataclass(frozen=True)
class WaterRow:
    section: str
    river: str
    level: str
    body: str
    date: dt.date
    target: str
    values: dict  # indicator key -> float or detection-limit text
    klass: str  # the row's own GB 3838 class, as the monitoring system writes it


def _band(key: str, number: int, lake: bool) -> tuple[float, float]:
    limits = [float(limit) for limit in gb3838.BY_KEY[key].limits_for(lake)]
    if number == 6:
        return limits[4], limits[4] * 1.6
    low = limits[number - 2] if number > 1 else limits[0] * 0.3
    return low, limits[number - 1]


def _inside(rng: random.Random, key: str, number: int, lake: bool, places: int) -> float:
    low, high = _band(key, number, lake)
    while True:
        value = round(low + (high - low) * rng.uniform(0.15, 0.85), places)
        if low < value <= high:
            return value


def make_water(year: int) -> list[WaterRow]:
    rng = rng_for(year, "water")
    rows = []
    for name, river, level_word, body, target, class_2022, class_2023 in WATER_SECTIONS:
        planned = class_2023 if year == 2023 else class_2022
        lake = body in ("水库", "湖库")
        key_section = level_word in ("国控", "省控")
        controller = WATER_DECIDING[rng.randrange(len(WATER_DECIDING))][0]
        classes = {key: (planned if key == controller else rng.randint(max(1, min(planned, 5) - 2), min(planned, 5)))
                   for key, _ in WATER_DECIDING}
        do_class = rng.randint(1, min(planned, 3))
        months = range(3, 13) if name == "小魏河桥" else range(1, 13)  # dry in winter: no sample
        for month in months:
            values: dict = {}
            for key, places in WATER_DECIDING:
                values[key] = _inside(rng, key, classes[key], lake, places)
            values["cod"] = round(values["codmn"] * 2.6, 1)
            values["bod5"] = round(values["cod"] * 0.2, 1)
            high = {1: 9.5, 2: 7.4, 3: 5.9}[do_class]
            low = {1: 7.6, 2: 6.1, 3: 5.1}[do_class]
            values["do"] = round(rng.uniform(low, high), 1)
            values["ph"] = round(rng.uniform(7.1, 8.4), 2)
            values["temp"] = round(6 + 22 * math.sin(math.pi * (month - 1) / 11) + rng.uniform(-1, 1), 1)
            if key_section:
                values["tn"] = round(rng.uniform(1.2, 4.5), 2)
                values["f"] = round(rng.uniform(0.25, 0.7), 2)
                values.update(KEY_ONLY_TEXT)
            date = dt.date(year, month, rng.randint(5, 12))
            rows.append(WaterRow(name, river, level_word, body, date, target, values, _row_class(values, lake)))
    return rows


def _row_class(values: dict, lake: bool) -> str:
    numbers = []
    for key, value in values.items():
        indicator = gb3838.BY_KEY[key]
        if not indicator.evaluated:
            continue
        if isinstance(value, str):  # below the detection limit: half of it
            value = float(value[:-1]) / 2
        numbers.append(gb3838.indicator_class(indicator, value, lake))
    return gb3838.class_name(max(numbers))


def write_water(wb, f: Formats, year: int, rows: list[WaterRow]) -> None:
    ws = wb.add_worksheet("地表水")
    _title(ws, f, f"{year}年枣庄市重点河流断面地表水水质监测结果", len(WATER_HEADERS))
    hr = 2
    ws.write_row(hr, 0, WATER_HEADERS, f.header)
    ws.set_row(hr, 30)
    for c, w in enumerate((6, 14, 12, 9, 9, 12, 9) + (10,) * 14 + (9,)):
        ws.set_column(c, c, w)
    ws.freeze_panes(hr + 1, 2)
    r = hr + 1
    for n, x in enumerate(rows, start=1):
        ws.write_number(r, 0, n, f.int)
        for col, text in ((1, x.section), (2, x.river), (3, x.level), (4, x.body)):
            ws.write_string(r, col, text, f.text if col < 3 else f.center)
        ws.write_datetime(r, 5, dt.datetime.combine(x.date, dt.time()), f.date)
        ws.write_string(r, 6, x.target, f.center)
        for k, key in enumerate(WATER_KEYS):
            value = x.values.get(key)
            if value is None:
                ws.write_blank(r, 7 + k, None, f.text)
            elif isinstance(value, str):
                ws.write_string(r, 7 + k, value, f.center)
            else:
                ws.write_number(r, 7 + k, value, f.text)
        ws.write_string(r, 7 + len(WATER_KEYS), x.klass, f.center)
        r += 1
    _note(ws, f, r, "注：低于检出限的以检出限加“L”表示，按检出限的一半参与计算；空白为未监测。", len(WATER_HEADERS))



def write_workbook(path: Path, year: int, air, visits, cases, damages, indicators, water=()) -> None:
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({
        "title": f"{year}年枣庄市生态环境局法治政府建设统计台账",
        "subject": "法治政府建设年度报告数据",
        "author": "枣庄市生态环境局",
        "company": "枣庄市生态环境局",
        "comments": "由 scripts/make_sample_data.py 生成的示例数据",
        "created": CREATED[year],
    })
    f = Formats(wb)
    write_air(wb, f, year, air)
    write_inspections(wb, f, year, visits)
    write_penalties(wb, f, year, cases)
    write_compensation(wb, f, year, damages)
    write_indicators(wb, f, year, indicators)
    write_water(wb, f, year, list(water))
    wb.close()


def build(outdir: Path) -> dict[int, Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    carried = carried_from_2021()
    paths = {}
    for year in (2022, 2023):
        plan = PLANS[year]
        cases = make_penalties(plan, carried)
        carried = [c for c in cases if c.outcome == "办理中"]
        path = outdir / f"{year}.xlsx"
        write_workbook(path, year, make_air(plan), make_inspections(plan), cases,
                       make_compensation(plan), make_indicators(plan), make_water(year))
        paths[year] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", nargs="?", default="data", help="directory for 2022.xlsx and 2023.xlsx")
    args = parser.parse_args(argv)
    for year, path in build(Path(args.outdir)).items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{path}  sha256 {digest[:16]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
