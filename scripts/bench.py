#!/usr/bin/env python3
"""`make bench`: is lawreport fast at Excel's own limit?

    .venv/bin/python scripts/bench.py              # full run, writes BENCHMARKS.md
    .venv/bin/python scripts/bench.py --quick      # small sizes, to try the harness (writes to the cache dir)
    .venv/bin/python scripts/bench.py --only full,startup --runs-full 1

Workbooks are generated once, deterministically (fixed seeds), and cached
outside the repository in $LAWREPORT_BENCH_CACHE or ~/.cache/lawreport-bench/,
under names carrying DATA_VERSION: change the generator, bump the version.

  penalties-full  行政处罚 filling a sheet: title, blank, header, 1,048,572 records,
                  合计 (a formula with its cached value) in row 1,048,576, Excel's last
  penalties-100k  the same ledger with 100,000 records
  penalties-real  行政处罚 as clerks keep it (DATA.md v2), filling a sheet: 序号 column, merged
                  title, a `金额单位：万元` line, a header over two merged rows with the group
                  heading 罚款情况（万元）, money in 万元, a 小计 row after every 49,998 records,
                  合计 and two notes rows at the end, 否 merged down runs of 3 in 移送公安
                  (1,048,549 records); the figures do not depend on the newer reading rules,
                  but the rules run (real_records, write_penalties_real)
  air-full        空气质量 of 2,872 cities x 365 days of 2023 (1,048,280 records), AQI
                  and 质量等级 given (so the AQI cross-check runs), a 注： row at the end

Every record satisfies every rule of DATA.md: `summarize` runs without
--keep-going, finds nothing, and its figures are checked against the ones the
generator knows (so a timing is never of a run that stopped early).

Each measurement is its own subprocess (peak RSS from os.wait4 of that child);
the variants of one case alternate (A B A B ...) and the median is reported.
pandas is a benchmark-only dependency: if it is missing it is pip-installed
into the running interpreter's environment (the .venv), and the report says so.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    from lawreport_cli.domain.creditcode import ALPHABET, check_char
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(ROOT / "src"))
    from lawreport_cli.domain.creditcode import ALPHABET, check_char

DATA_VERSION = "v1"  # bump when the generated workbooks change
EXCEL_MAX_ROWS = 1_048_576
FULL_RECORDS = EXCEL_MAX_ROWS - 4  # title + blank + header + 合计 around the records
SMALL_RECORDS = 100_000
AIR_CITIES = (EXCEL_MAX_ROWS - 4) // 365  # 2,872 cities x 365 days; title, blank, header, 注
YEAR = 2023
SERIAL_JAN1 = (dt.date(YEAR, 1, 1) - dt.date(1899, 12, 30)).days  # Excel serial of 1 January
CREATED = dt.datetime(2024, 1, 8, 9, 30, 0)  # fixed, so the files do not change with the clock

PYTHON = Path(sys.executable)
LAWREPORT = PYTHON.parent / "lawreport"
CACHE = Path(os.environ.get("LAWREPORT_BENCH_CACHE", Path.home() / ".cache" / "lawreport-bench"))

GOAL_TIME = 1.3  # summarize / raw polars read, full-sheet ledger
GOAL_MEMORY = 1.5  # peak RSS summarize / raw polars read
GOAL_OPENPYXL = 10.0  # openpyxl read / summarize, 100,000 rows

PENALTY_HEADER = ("案件编号", "企业名称", "统一社会信用代码", "立案日期", "决定日期", "处理结果",
                  "罚款金额（元）", "免减金额（元）", "移送公安", "行政拘留", "法制审核")
AIR_HEADER = ("城市", "日期", "PM2.5(μg/m³)", "PM10(μg/m³)", "SO2(μg/m³)", "NO2(μg/m³)", "CO(mg/m³)",
              "O3_8h(μg/m³)", "AQI", "质量等级")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------
# Generation (cached)
# ----------------------------------------------------------------------------------------

_PLACES = ("东城", "西湖", "南山", "北辰", "江宁", "滨海", "高新", "河西", "龙华", "青山", "临港", "新城",
           "金水", "天河", "鼓楼", "城关")
_TRADES = ("化工", "建材", "印染", "电镀", "造纸", "制药", "铸造", "陶瓷", "食品", "纺织", "橡胶", "机械",
           "电子", "热电", "环保", "物流")
_FORMS = ("有限公司", "股份有限公司", "有限责任公司", "实业有限公司", "科技有限公司")


def _credit_code(rng: random.Random) -> str:
    body = "91" + f"{rng.randrange(110000, 660000):06d}" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_char(body)


def _enterprises(rng: random.Random, count: int) -> list[tuple[str, str]]:
    return [(f"{rng.choice(_PLACES)}{rng.choice(_TRADES)}{index:05d}{rng.choice(_FORMS)}", _credit_code(rng))
            for index in range(count)]


def _workbook(path: Path):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"created": CREATED, "author": "lawreport bench"})
    return workbook


@dataclass
class Case:
    """One drawn 行政处罚 record (money in fen, dates as Excel serials)."""
    name: str
    code: str
    outcome: str
    filed: int | None
    decided: int | None
    fine: int | None
    waived: int | None
    referred: bool
    detained: bool
    reviewed: bool


def _draw_case(rng: random.Random, pool: list[tuple[str, str]]) -> Case:
    """A valid case; every draw from `rng` in a fixed order, so a seed always gives the same ledger."""
    random_, randrange = rng.random, rng.randrange
    last_day = SERIAL_JAN1 + 364
    name, code = pool[randrange(len(pool))]
    draw = random_()
    outcome = ("处罚" if draw < 0.60 else "减罚" if draw < 0.75 else "免罚" if draw < 0.83
               else "不予处罚" if draw < 0.88 else "办理中")
    fine = waived = None
    filed = decided = None
    if outcome == "办理中":
        filed = SERIAL_JAN1 + randrange(180, 365)
    else:
        filed = SERIAL_JAN1 + randrange(0, 330)
        decided = min(filed + randrange(0, 60), last_day)
        if outcome == "免罚" and random_() < 0.3:
            filed = None  # 立案日期 is only required for 处罚/减罚
    if outcome in ("处罚", "减罚"):
        fine = randrange(10, 50_000) * 10_000 + (randrange(1, 100) if random_() < 0.2 else 0)  # fen
        if outcome == "减罚":
            waived = randrange(1, 2_000) * 10_000
    elif outcome == "免罚":
        fine = 0 if random_() < 0.5 else None
        waived = randrange(1, 2_000) * 10_000
    referred = random_() < 0.03
    detained = referred and random_() < 0.4
    reviewed = decided is not None and random_() < 0.1
    return Case(name, code, outcome, filed, decided, fine, waived, referred, detained, reviewed)


def _expected_penalties() -> dict:
    return dict.fromkeys(("cases_filed", "decisions", "fines", "exempted", "exempted_amount", "reduced",
                          "reduced_amount", "police_referrals", "detentions", "legal_reviews",
                          "legal_review_amount"), 0)


def _count(expect: dict, case: Case) -> None:
    """Add one case to the figures summarize must find (METRICS.md, penalties)."""
    expect["cases_filed"] += case.filed is not None
    if case.outcome in ("处罚", "减罚"):
        expect["decisions"] += 1
        expect["fines"] += case.fine
    if case.outcome == "减罚":
        expect["reduced"] += 1
        expect["reduced_amount"] += case.waived
    if case.outcome == "免罚":
        expect["exempted"] += 1
        expect["exempted_amount"] += case.waived
    expect["police_referrals"] += case.referred
    expect["detentions"] += case.detained
    if case.reviewed:
        expect["legal_reviews"] += 1
        expect["legal_review_amount"] += case.fine or 0


def write_penalties(path: Path, records: int, seed: str) -> dict:
    """The 行政处罚 ledger; returns the figures summarize must find."""
    assert 3 + records + 1 <= EXCEL_MAX_ROWS, "title, blank, header, records and 合计 must fit a sheet"
    rng = random.Random(seed)
    pool = _enterprises(rng, 20_000)
    workbook = _workbook(path)
    sheet = workbook.add_worksheet("行政处罚")
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_string(0, 0, f"{YEAR}年行政处罚案件台账")
    for col, name in enumerate(PENALTY_HEADER):
        sheet.write_string(2, col, name)
    expect = _expected_penalties()
    total_fine = total_waived = 0
    write_string, write_number = sheet.write_string, sheet.write_number
    for index in range(records):
        row = 3 + index
        case = _draw_case(rng, pool)
        write_string(row, 0, f"{YEAR}XZCF{index + 1:07d}")
        write_string(row, 1, case.name)
        write_string(row, 2, case.code)
        if case.filed is not None:
            write_number(row, 3, case.filed, date)
        if case.decided is not None:
            write_number(row, 4, case.decided, date)
        write_string(row, 5, case.outcome)
        if case.fine is not None:
            write_number(row, 6, case.fine / 100, money)
            total_fine += case.fine
        if case.waived is not None:
            write_number(row, 7, case.waived / 100, money)
            total_waived += case.waived
        write_string(row, 8, "是" if case.referred else "否")
        write_string(row, 9, "是" if case.detained else "否")
        write_string(row, 10, "是" if case.reviewed else "否")
        _count(expect, case)
        if index and index % 200_000 == 0:
            log(f"    {index:,} rows")
    last = 3 + records  # 0-based row of 合计 = Excel row last + 1
    sheet.write_string(last, 0, "合计")
    sheet.write_formula(last, 6, f"=SUBTOTAL(9,G4:G{last})", money, total_fine / 100)
    sheet.write_formula(last, 7, f"=SUBTOTAL(9,H4:H{last})", money, total_waived / 100)
    workbook.close()
    return {"sheet": "行政处罚", "records": records, "last_row": last + 1, "penalties": expect}


# The realistic layout (DATA.md, "Real ledgers as clerks keep them"): a 序号 column, a merged
# title, a unit line, a header over two rows with merged cells and a money group heading,
# a 小计 row after every block, 合计 and notes at the end, yes/no cells merged down a run.
# Every money unit source says 万元 (unit line, group heading and the header cells), so the
# figures are the same whether or not a reader applies the newer sources, and a reader that
# does must still look at all of them (two that disagree are an error).
REAL_TOP = ("序号", "案件编号", "企业名称", "统一社会信用代码", "立案日期", "决定日期", "处理结果",
            "罚款情况（万元）", None, "移送公安", "行政拘留", "法制审核")
REAL_BOTTOM = {7: "罚款金额（万元）", 8: "免减金额（万元）"}
REAL_BLOCK = 49_998  # records between 小计 rows; a multiple of REAL_MERGE so no merge crosses one
REAL_MERGE = 3  # 否 merged over this many records in 移送公安 ...
REAL_MERGE_EVERY = 100  # ... in one group of REAL_MERGE records out of this many groups
REAL_NOTES = ("注：金额单位为万元，数据由 bench 生成。", "填报人：张三　审核人：李四")
REAL_ABOVE, REAL_BELOW = 4, 1 + len(REAL_NOTES)  # title, unit line, two header rows; 合计 and notes


def real_records(rows: int = EXCEL_MAX_ROWS) -> int:
    """The most records that fit `rows` in the realistic layout, with their 小计 rows."""
    room = rows - REAL_ABOVE - REAL_BELOW
    records = room
    while records + records // REAL_BLOCK > room:
        records -= 1
    return records


def write_penalties_real(path: Path, records: int, seed: str) -> dict:
    """The 行政处罚 ledger as a clerk keeps it (REAL_* above); returns the figures summarize must find."""
    subtotals = records // REAL_BLOCK
    assert REAL_ABOVE + records + subtotals + REAL_BELOW <= EXCEL_MAX_ROWS
    rng = random.Random(seed)
    pool = _enterprises(rng, 20_000)
    workbook = _workbook(path)
    sheet = workbook.add_worksheet("行政处罚")
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    wan = workbook.add_format({"num_format": "0.0000"})
    merged = workbook.add_format({"align": "center", "valign": "vcenter"})
    last_col = len(REAL_TOP) - 1
    sheet.merge_range(0, 0, 0, last_col, f"{YEAR}年行政处罚案件台账", merged)
    sheet.write_string(1, 0, "填报单位：某市生态环境局")
    sheet.merge_range(1, last_col - 2, 1, last_col, "金额单位：万元", merged)
    for col, name in enumerate(REAL_TOP):
        if col in REAL_BOTTOM:
            continue
        if name == "罚款情况（万元）":
            sheet.merge_range(2, col, 2, col + 1, name, merged)
        else:  # no format: constant_memory would flush row 3 before the rest of row 3 is written
            sheet.merge_range(2, col, 3, col, name)
    for col, name in REAL_BOTTOM.items():
        sheet.write_string(3, col, name, merged)
    expect = _expected_penalties()
    total_fine = total_waived = block_fine = block_waived = 0
    write_string, write_number = sheet.write_string, sheet.write_number
    row = REAL_ABOVE
    block_start = row
    index = 0
    group = 0
    while index < records:
        cases = [_draw_case(rng, pool) for _ in range(min(REAL_MERGE, records - index))]
        # A run of 否 merged down: every case of the run must really be 否 in 移送公安 (and so in 行政拘留).
        merge_run = (len(cases) == REAL_MERGE and group % REAL_MERGE_EVERY == 0
                     and not any(case.referred for case in cases))
        group += 1
        for offset, case in enumerate(cases):
            write_number(row, 0, index + 1)
            write_string(row, 1, f"{YEAR}XZCF{index + 1:07d}")
            write_string(row, 2, case.name)
            write_string(row, 3, case.code)
            if case.filed is not None:
                write_number(row, 4, case.filed, date)
            if case.decided is not None:
                write_number(row, 5, case.decided, date)
            write_string(row, 6, case.outcome)
            if case.fine is not None:
                write_number(row, 7, case.fine / 1_000_000, wan)
                block_fine += case.fine
            if case.waived is not None:
                write_number(row, 8, case.waived / 1_000_000, wan)
                block_waived += case.waived
            if merge_run:
                if offset == 0:  # no format: xlsxwriter writes the first cell only (constant_memory keeps it)
                    sheet.merge_range(row, 9, row + REAL_MERGE - 1, 9, "否")
            else:
                write_string(row, 9, "是" if case.referred else "否")
            write_string(row, 10, "是" if case.detained else "否")
            write_string(row, 11, "是" if case.reviewed else "否")
            _count(expect, case)
            row += 1
            index += 1
            if index % REAL_BLOCK == 0:
                write_string(row, 0, "小计")
                sheet.write_formula(row, 7, f"=SUBTOTAL(9,H{block_start + 1}:H{row})", wan, block_fine / 1_000_000)
                sheet.write_formula(row, 8, f"=SUBTOTAL(9,I{block_start + 1}:I{row})", wan, block_waived / 1_000_000)
                total_fine, total_waived = total_fine + block_fine, total_waived + block_waived
                block_fine = block_waived = 0
                row += 1
                block_start = row
            if index % 200_000 == 0:
                log(f"    {index:,} rows")
    total_fine, total_waived = total_fine + block_fine, total_waived + block_waived
    write_string(row, 0, "合计")
    sheet.write_formula(row, 7, f"=SUBTOTAL(9,H{REAL_ABOVE + 1}:H{row})", wan, total_fine / 1_000_000)
    sheet.write_formula(row, 8, f"=SUBTOTAL(9,I{REAL_ABOVE + 1}:I{row})", wan, total_waived / 1_000_000)
    for note in REAL_NOTES:
        row += 1
        write_string(row, 0, note)
    workbook.close()
    return {"sheet": "行政处罚", "records": records, "subtotals": subtotals, "last_row": row + 1,
            "layout": "realistic", "penalties": expect}


def write_air(path: Path, cities: int, seed: str) -> dict:
    """空气质量 of many cities over the year; AQI and level written as lawreport computes them."""
    import polars as pl

    from lawreport_cli.domain.aqi import with_daily_aqi

    assert 3 + cities * 365 + 1 <= EXCEL_MAX_ROWS
    rng = random.Random(seed)
    names = [f"{rng.choice(_PLACES)}{index + 1:04d}市" for index in range(cities)]
    columns = {key: [] for key in ("so2", "no2", "pm10", "pm25", "co", "o3_8h")}
    gauss = rng.gauss
    for _ in range(cities):
        base = rng.uniform(0.6, 1.4)
        for day in range(365):
            winter = 1.0 + 0.6 * (1 if day < 60 or day > 305 else 0)
            summer = 1.0 + 0.8 * (1 if 120 < day < 250 else 0)
            pm25 = max(3, round(gauss(32, 12) * base * winter))
            columns["pm25"].append(pm25)
            columns["pm10"].append(max(pm25 + 2, round(gauss(58, 18) * base * winter)))
            columns["so2"].append(max(2, round(gauss(9, 3) * base)))
            columns["no2"].append(max(4, round(gauss(28, 9) * base * winter)))
            columns["co"].append(max(2, round(gauss(8, 2.5) * base * winter)) / 10)
            columns["o3_8h"].append(min(300, max(10, round(gauss(95, 30) * base * summer))))
    frame = with_daily_aqi(pl.DataFrame({key: pl.Series(values, dtype=pl.Float64) for key, values in columns.items()}))
    aqi, level = frame["aqi"].to_list(), frame["level"].to_list()

    workbook = _workbook(path)
    sheet = workbook.add_worksheet("空气质量")
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, f"{YEAR}年各城市环境空气质量日报")
    for col, name in enumerate(AIR_HEADER):
        sheet.write_string(2, col, name)
    write_string, write_number = sheet.write_string, sheet.write_number
    keys = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")
    series = [columns[key] for key in keys]
    row = 3
    index = 0
    for city in names:
        for day in range(365):
            write_string(row, 0, city)
            write_number(row, 1, SERIAL_JAN1 + day, date)
            for offset, values in enumerate(series):
                write_number(row, 2 + offset, values[index])
            write_number(row, 8, aqi[index])
            write_string(row, 9, level[index])
            row += 1
            index += 1
        if index % 200_000 < 365:
            log(f"    {index:,} rows")
    sheet.write_string(row, 0, "注：数据为各城市实况监测日均值（bench 生成）")
    workbook.close()
    return {"sheet": "空气质量", "records": index, "cities": cities, "last_row": row + 1}


WRITERS = {"penalties": write_penalties, "penalties_real": write_penalties_real, "air": write_air}


def cached(name: str, kind: str, size: int) -> tuple[Path, dict]:
    """The workbook `name` from the cache, written once by WRITERS[kind](path, size, seed).

    The writing runs in a child process, so this process never holds polars or the
    generated rows: a measured child is forked from a small parent, and its peak RSS
    (which counts the moment before exec) is its own.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{DATA_VERSION}.xlsx"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    log(f"  generating {path} (once; cached) ...")
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial.xlsx")
    result = subprocess.run([str(PYTHON), __file__, "--generate", kind, "--size", str(size), "--out", str(partial),
                             "--seed", f"{DATA_VERSION}-{name}"], stdout=subprocess.PIPE, text=True, check=True)
    meta = json.loads(result.stdout)
    meta["generated_in_s"] = round(time.perf_counter() - started, 1)
    meta["bytes"] = partial.stat().st_size
    partial.replace(path)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    log(f"  ... {meta['bytes'] / 2**20:.1f} MiB in {meta['generated_in_s']} s")
    return path, meta


# ----------------------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------------------

@dataclass
class Variant:
    label: str
    argv: list[str]
    times: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)  # bytes

    @property
    def time(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> int:
        return int(statistics.median(self.peaks))


# A measured command is started by this small launcher, not by the bench itself: a forked
# child's ru_maxrss counts the parent's pages it held before exec, so children of a fresh
# ~10 MiB interpreter report their own peak, not the bench's. The launcher times the child too.
LAUNCHER = """
import json, os, sys, time
report, argv = sys.argv[1], json.loads(sys.argv[2])
started = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - started
with open(report, "w") as handle:
    json.dump([elapsed, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)], handle)
"""


def run_child(argv: list[str], stdout=subprocess.DEVNULL) -> tuple[float, int, int, str]:
    """(wall seconds, peak RSS bytes, exit code, stderr tail) of one child process."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run([str(PYTHON), "-S", "-c", LAUNCHER, str(report), json.dumps(argv)],
                       stdout=stdout, stderr=err, stdin=subprocess.DEVNULL, cwd=ROOT, check=True)
        elapsed, peak, code = json.loads(report.read_text())
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
    return elapsed, peak, code, tail


def alternate(variants: list[Variant], runs: int) -> None:
    for round_ in range(runs):
        for variant in variants:
            elapsed, peak, code, tail = run_child(variant.argv)
            if code != 0:
                raise SystemExit(f"bench: {variant.label} failed (exit {code}):\n{tail}")
            variant.times.append(elapsed)
            variant.peaks.append(peak)
            log(f"    run {round_ + 1}/{runs}  {variant.label:<42} {elapsed:8.2f} s  {peak / 2**20:8.0f} MiB")


def summarize_argv(path: Path) -> list[str]:
    return [str(LAWREPORT), "summarize", str(path), "--format", "json"]


def polars_argv(path: Path, sheet: str) -> list[str]:
    return [str(PYTHON), "-c", f"import polars; polars.read_excel({str(path)!r}, sheet_name={sheet!r})"]


def fastexcel_argv(path: Path, sheet: str) -> list[str]:
    code = ("import fastexcel; fastexcel.read_excel({p!r}).load_sheet({s!r}, header_row=None, skip_rows=0, "
            "dtypes='string').to_polars()").format(p=str(path), s=sheet)
    return [str(PYTHON), "-c", code]


def pandas_argv(path: Path) -> list[str]:
    return [str(PYTHON), "-c", f"import pandas; pandas.read_excel({str(path)!r}, engine='openpyxl')"]


def verify(path: Path, meta: dict) -> dict:
    """One untimed summarize (also warms the page cache): exit 0, no finding, the expected figures."""
    with tempfile.TemporaryFile() as out:
        elapsed, _, code, tail = run_child(summarize_argv(path), stdout=out)
        out.seek(0)
        text = out.read().decode("utf-8")
    if code != 0:
        raise SystemExit(f"bench: summarize {path.name} exited {code}; the generated data must be valid:\n{tail}")
    doc = json.loads(text)
    if doc.get("findings"):
        raise SystemExit(f"bench: {path.name} gave {len(doc['findings'])} findings, e.g. {doc['findings'][:3]}")
    if "penalties" in meta:
        wrong = []
        for key, want in meta["penalties"].items():
            got = doc["metrics"].get(f"penalties.{key}", {}).get("value")
            if key.endswith(("amount", "fines")):
                ok = got is not None and Decimal(got) * 1_000_000 == want
            else:
                ok = got == want
            if not ok:
                wrong.append(f"{key}: got {got}, want {want}")
        if wrong:
            raise SystemExit(f"bench: {path.name}: figures differ from the generator's:\n  " + "\n  ".join(wrong))
    if "cities" in meta and len(doc.get("by_city", {})) != meta["cities"]:
        raise SystemExit(f"bench: {path.name}: {len(doc.get('by_city', {}))} cities, want {meta['cities']}")
    log(f"  verified {path.name}: exit 0, no findings, figures as generated ({elapsed:.1f} s, untimed)")
    return doc


def ensure_pandas() -> str:
    if importlib.util.find_spec("pandas") is not None:
        return "already installed"
    log("  pandas is missing: installing it into this environment (a benchmark-only dependency) ...")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "pandas"], check=True)
    importlib.invalidate_caches()
    return "pip-installed by bench.py (benchmark-only dependency)"


# ----------------------------------------------------------------------------------------
# Start-up
# ----------------------------------------------------------------------------------------

BARE_CLICK = '''import click

@click.group()
def cli():
    """A bare click program."""

@cli.command()
@click.argument("file")
def summarize(file):
    """Do nothing."""

cli(prog_name="bare")
'''

DATA_LIBRARIES = ("polars", "fastexcel", "pyarrow", "pandas", "numpy", "openpyxl", "xlsxwriter")

MODULES_AFTER_HELP = '''import sys
from lawreport_cli.cli import cli
try:
    cli(sys.argv[1:], prog_name="lawreport")
except SystemExit:
    pass
print(",".join(sorted(name for name in {names!r} if name in sys.modules)), file=sys.stderr)
'''


def startup(runs: int) -> dict:
    bare = CACHE / "bare_click.py"
    CACHE.mkdir(parents=True, exist_ok=True)
    bare.write_text(BARE_CLICK)
    variants = [Variant("lawreport --help", [str(LAWREPORT), "--help"]),
                Variant("bare click program --help", [str(PYTHON), str(bare), "--help"]),
                Variant("lawreport summarize --help", [str(LAWREPORT), "summarize", "--help"])]
    for variant in variants:  # warm the file cache and .pyc files
        run_child(variant.argv)
    for _ in range(runs):
        for variant in variants:
            elapsed, peak, code, tail = run_child(variant.argv)
            if code != 0:
                raise SystemExit(f"bench: {variant.label} failed:\n{tail}")
            variant.times.append(elapsed)
            variant.peaks.append(peak)
    loaded = {}
    for args in (["--help"], ["summarize", "--help"], ["validate", "--help"]):
        code = MODULES_AFTER_HELP.format(names=DATA_LIBRARIES)
        result = subprocess.run([str(PYTHON), "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
        loaded["lawreport " + " ".join(args)] = [name for name in result.stderr.strip().splitlines()[-1].split(",")
                                                 if name] if result.stderr.strip() else []
    importtime = subprocess.run([str(PYTHON), "-X", "importtime", "-c", "import lawreport_cli.cli"],
                                capture_output=True, text=True, cwd=ROOT).stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in importtime.splitlines() if "|" in line}
    top_level = sorted({name.split(".")[0] for name in imported} & set(DATA_LIBRARIES))
    cumulative = 0
    for line in importtime.splitlines():
        match = re.match(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|\s+lawreport_cli\.cli$", line)
        if match:
            cumulative = int(match.group(1))
    return {"variants": variants, "loaded": loaded, "importtime_data_libraries": top_level,
            "import_cli_us": cumulative}


# ----------------------------------------------------------------------------------------
# Machine and report
# ----------------------------------------------------------------------------------------

def _busy_jiffies() -> int:
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


class CpuShare:
    """How busy the machine was with other work than ours while the bench ran."""

    def __init__(self):
        self.tick = os.sysconf("SC_CLK_TCK")
        self.start_busy = _busy_jiffies()
        self.start_ours = self._ours()
        self.start_wall = time.monotonic()
        self.loads = [os.getloadavg()[0]]

    @staticmethod
    def _ours() -> float:
        self_usage = os.times()
        return self_usage.user + self_usage.system + self_usage.children_user + self_usage.children_system

    def sample(self) -> None:
        self.loads.append(os.getloadavg()[0])

    def result(self) -> dict:
        wall = time.monotonic() - self.start_wall
        busy = (_busy_jiffies() - self.start_busy) / self.tick
        ours = self._ours() - self.start_ours
        others = max(0.0, busy - ours)
        return {"wall_s": wall, "other_cpu_s": others, "other_cores": others / wall if wall else 0.0,
                "max_load": max(self.loads)}


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    versions = {}
    for name in ("polars", "fastexcel", "pyarrow", "isal", "pandas", "openpyxl", "xlsxwriter", "click"):
        result = subprocess.run([str(PYTHON), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
                                capture_output=True, text=True)
        versions[name] = result.stdout.strip() or "not installed"
    return {"nproc": os.cpu_count(), "memory": memory, "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions,
            "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}


def mib(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB"


def goal_line(name: str, value: float, target: float, lower_is_better: bool) -> tuple[str, str]:
    if lower_is_better:
        met = value <= target
        how = "met" if met else f"missed by {(value / target - 1) * 100:.0f}% ({value:.2f}x vs {target}x)"
    else:
        met = value >= target
        how = "met" if met else f"missed by {(1 - value / target) * 100:.0f}% ({value:.1f}x vs {target}x)"
    return name, how


def render_report(results: dict) -> str:
    m = results["machine"]
    share = results["cpu_share"]
    lines = ["# Benchmarks", "",
             "Written by `make bench` (`scripts/bench.py`); do not edit by hand. Workbooks are generated",
             f"deterministically and cached in `~/.cache/lawreport-bench/` (data version `{DATA_VERSION}`).", "",
             "## Machine", "",
             f"- date: {m['date']}",
             f"- CPU: {m['cpu']}, nproc {m['nproc']}; memory {m['memory']}; {m['platform']}",
             f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
             f"- pandas: {results['pandas']}",
             "- lawreport's modules byte-compiled before the runs (`python -m compileall src`), as a first run "
             "of any Python leaves them; the libraries are compiled by pip",
             f"- sharing: other processes used {share['other_cpu_s']:.0f} CPU-s over the {share['wall_s']:.0f} s "
             f"of this run (on average {share['other_cores']:.2f} of {m['nproc']} cores; highest 1-min load "
             f"{share['max_load']:.1f}). " + results["shared_note"],
             "", "## Results", "",
             "Medians of alternating runs (A B A B ...), each run its own process; peak = the child's ru_maxrss.",
             "", "| case | variant | runs | median time | min–max | peak RSS |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for case in results["cases"]:
        for variant in case["variants"]:
            lines.append(f"| {case['name']} | {variant.label} | {len(variant.times)} | {variant.time:.2f} s | "
                         f"{min(variant.times):.2f}–{max(variant.times):.2f} s | {mib(variant.peak)} |")
    su = results.get("startup")
    if su:
        for variant in su["variants"]:
            lines.append(f"| start-up | `{variant.label}` | {len(variant.times)} | {variant.time * 1000:.0f} ms | "
                         f"{min(variant.times) * 1000:.0f}–{max(variant.times) * 1000:.0f} ms | {mib(variant.peak)} |")
    lines += ["", "Commands: (a) `.venv/bin/lawreport summarize FILE --format json` end to end (stdout to /dev/null);",
              "(b) `python -c \"import polars; polars.read_excel(FILE, sheet_name=SHEET)\"`; "
              "(c) `python -c \"import pandas; pandas.read_excel(FILE, engine='openpyxl')\"`;",
              "(floor) `fastexcel.read_excel(FILE).load_sheet(SHEET, header_row=None, dtypes='string').to_polars()`, "
              "the whole-sheet read on one core (lawreport reads a sheet this big in parts, one per core).", ""]
    lines += ["## Goals", "", "| goal | measured | verdict |", "| --- | --- | --- |"]
    for goal in results["goals"]:
        lines.append(f"| {goal['goal']} | {goal['measured']} | {goal['verdict']} |")
    if su:
        loaded = "; ".join(f"`{k}`: {', '.join(v) or 'none'}" for k, v in su["loaded"].items())
        lines += ["", "## Start-up", "",
                  f"- data libraries in `sys.modules` after: {loaded}",
                  f"- `python -X importtime -c \"import lawreport_cli.cli\"`: data libraries imported: "
                  f"{', '.join(su['importtime_data_libraries']) or 'none'}; cumulative import of "
                  f"`lawreport_cli.cli` {su['import_cli_us'] / 1000:.0f} ms"]
    lines += ["", "## Workbooks", ""]
    for name, meta in results["workbooks"].items():
        extra = f", {meta['cities']} cities" if "cities" in meta else ""
        if meta.get("layout") == "realistic":
            extra += (f", realistic layout (unit line, two-row merged header, money in 万元, "
                      f"{meta['subtotals']} 小计 rows, 合计 and notes)")
        lines.append(f"- `{name}`: sheet {meta['sheet']}, {meta['records']:,} records{extra}, last used row "
                     f"{meta['last_row']:,}, {meta['bytes'] / 2**20:.1f} MiB (generated in {meta['generated_in_s']} s, once)")
    profiles = results.get("profiles") or []
    if profiles:
        lines += ["", "## Where the time goes", ""]
    for profile in profiles:
        stages = profile["stages"]
        reading = ("fastexcel open", "fastexcel load_sheet (calamine)", "Arrow -> polars",
                   "read in parts (calamine on every core)")
        read = sum(stages["stages"].get(name, 0.0) for name in reading)
        extra = {name: seconds for name, seconds in stages["stages"].items() if name not in reading and seconds >= 0.05}
        ranked = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(extra.items(), key=lambda kv: -kv[1]))
        lines += [f"- {profile['label']}: the reading itself (calamine's load and the Arrow conversion, which the raw "
                  f"polars read makes on one core and lawreport on every core, in parts) took {read:.2f} s of {stages['total']:.2f} s; everything lawreport adds on "
                  f"top took {stages['total'] - read:.2f} s: {ranked or 'nothing over 0.05 s'}."]
    if profiles:
        lines += ["", f"For summarize to stay within {GOAL_TIME}x of the raw read, what it adds must stay under about "
                  f"{(GOAL_TIME - 1) * 100:.0f}% of the read (less the start-up difference)."]
    for profile in profiles:
        # Each profile section starts with its own "## Profile" heading; name the ledger in it.
        lines += ["", profile["markdown"].rstrip().replace("## Profile", f"## Profile: {profile['label']}", 1)]
    return "\n".join(lines) + "\n"


def print_table(results: dict) -> None:
    print()
    print(f"{'case':<26} {'variant':<44} {'runs':>4} {'median':>10} {'peak RSS':>11}")
    for case in results["cases"]:
        for variant in case["variants"]:
            print(f"{case['name']:<26} {variant.label:<44} {len(variant.times):>4} {variant.time:>9.2f}s "
                  f"{mib(variant.peak):>11}")
    su = results.get("startup")
    if su:
        for variant in su["variants"]:
            print(f"{'start-up':<26} {variant.label:<44} {len(variant.times):>4} {variant.time * 1000:>8.0f}ms "
                  f"{mib(variant.peak):>11}")
        print(f"data libraries loaded by help: {su['loaded']}; by import lawreport_cli.cli: "
              f"{su['importtime_data_libraries'] or 'none'}")
    print()
    for goal in results["goals"]:
        print(f"{goal['goal']:<60} {goal['measured']:<40} {goal['verdict']}")


# ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="small workbooks (20,000 / 5,000 rows, 40 cities), 2 runs; report goes to the cache dir")
    parser.add_argument("--only", default="full,small,real,air,startup,profile",
                        help="comma-separated phases: full, small, real, air, startup, profile "
                             "(profile covers full and real, whichever are chosen)")
    parser.add_argument("--runs-full", type=int, default=3, help="runs of each variant, full-sheet cases")
    parser.add_argument("--runs-small", type=int, default=5, help="runs of each variant, 100,000-row case")
    parser.add_argument("--runs-startup", type=int, default=15)
    parser.add_argument("--output", type=Path, default=None, help="where to write the report (default BENCHMARKS.md)")
    parser.add_argument("--shared", choices=("yes", "no", "auto"), default="auto",
                        help="say the machine was (not) shared; auto judges from /proc/stat")
    parser.add_argument("--generate", choices=sorted(WRITERS), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:  # the child process of cached()
        print(json.dumps(WRITERS[args.generate](args.out, args.size, args.seed), ensure_ascii=False))
        return
    phases = set(args.only.split(","))
    full_rows, small_rows, cities, real_rows = FULL_RECORDS, SMALL_RECORDS, AIR_CITIES, real_records()
    output = args.output or ROOT / "BENCHMARKS.md"
    if args.quick:
        full_rows, small_rows, cities, real_rows = 20_000, 5_000, 40, 20_000
        args.runs_full, args.runs_small, args.runs_startup = 2, 2, 3
        output = args.output or CACHE / "BENCHMARKS-quick.md"
    if not LAWREPORT.exists():
        raise SystemExit(f"bench: {LAWREPORT} not found; run `make bench` (it installs the package)")

    # Byte-compile the package first, as any Python does on its first run: where
    # PYTHONDONTWRITEBYTECODE is set (CI images, this sandbox) every run would otherwise
    # compile lawreport's modules again, which the installed polars never has to.
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(ROOT / "src")], check=False)
    share = CpuShare()
    results: dict = {"cases": [], "goals": [], "workbooks": {}}
    results["pandas"] = ensure_pandas() if "small" in phases else "not used"
    log("machine ...")
    results["machine"] = machine()

    log("workbooks ...")
    full_name = "penalties-full" if not args.quick else f"penalties-{full_rows}"
    small_name = "penalties-100k" if not args.quick else f"penalties-{small_rows}"
    air_name = "air-full" if not args.quick else f"air-{cities}cities"
    real_name = "penalties-real" if not args.quick else f"penalties-real-{real_rows}"
    files = {}
    if phases & {"full", "profile"}:
        files["full"] = cached(full_name, "penalties", full_rows)
    if "small" in phases:
        files["small"] = cached(small_name, "penalties", small_rows)
    if "real" in phases:
        files["real"] = cached(real_name, "penalties_real", real_rows)
    if "air" in phases:
        files["air"] = cached(air_name, "air", cities)
    for key, (path, meta) in files.items():
        results["workbooks"][path.name] = meta
        verify(path, meta)
        share.sample()

    if "full" in phases:
        path, meta = files["full"]
        log(f"full-sheet ledger ({meta['records']:,} records) ...")
        a = Variant("(a) lawreport summarize --format json", summarize_argv(path))
        b = Variant("(b) polars.read_excel", polars_argv(path, "行政处罚"))
        c = Variant("(floor) fastexcel load_sheet, all strings", fastexcel_argv(path, "行政处罚"))
        alternate([a, b, c], args.runs_full)
        share.sample()
        results["cases"].append({"name": f"行政处罚 {meta['records']:,} rows", "variants": [a, b, c]})
        ratio = a.time / b.time
        results["goals"].append({"goal": f"full sheet: summarize ≤ {GOAL_TIME}x raw polars read (time)",
                                 "measured": f"{a.time:.2f} s / {b.time:.2f} s = {ratio:.2f}x",
                                 "verdict": goal_line("", ratio, GOAL_TIME, True)[1]})
        ratio = a.peak / b.peak
        results["goals"].append({"goal": f"full sheet: summarize ≤ {GOAL_MEMORY}x raw polars read (peak RSS)",
                                 "measured": f"{mib(a.peak)} / {mib(b.peak)} = {ratio:.2f}x",
                                 "verdict": goal_line("", ratio, GOAL_MEMORY, True)[1]})
    if "small" in phases:
        path, meta = files["small"]
        log(f"100,000-row ledger ({meta['records']:,} records) ...")
        a = Variant("(a) lawreport summarize --format json", summarize_argv(path))
        b = Variant("(b) polars.read_excel", polars_argv(path, "行政处罚"))
        c = Variant("(c) pandas.read_excel(engine='openpyxl')", pandas_argv(path))
        run_child(c.argv)  # warm pandas' and openpyxl's .pyc files
        alternate([a, b, c], args.runs_small)
        share.sample()
        results["cases"].append({"name": f"行政处罚 {meta['records']:,} rows", "variants": [a, b, c]})
        ratio = c.time / a.time
        results["goals"].append({"goal": f"{meta['records']:,} rows: summarize ≥ {GOAL_OPENPYXL:.0f}x faster than "
                                         "the openpyxl read alone",
                                 "measured": f"{c.time:.2f} s / {a.time:.2f} s = {ratio:.1f}x",
                                 "verdict": goal_line("", ratio, GOAL_OPENPYXL, False)[1]})
    if "real" in phases:
        path, meta = files["real"]
        log(f"realistic-layout ledger ({meta['records']:,} records) ...")
        a = Variant("(a) lawreport summarize --format json", summarize_argv(path))
        b = Variant("(b) polars.read_excel", polars_argv(path, "行政处罚"))
        c = Variant("(floor) fastexcel load_sheet, all strings", fastexcel_argv(path, "行政处罚"))
        alternate([a, b, c], args.runs_full)
        share.sample()
        results["cases"].append({"name": f"行政处罚 {meta['records']:,} rows, realistic layout", "variants": [a, b, c]})
        ratio = a.time / b.time
        results["goals"].append({"goal": f"realistic layout: summarize ≤ {GOAL_TIME}x raw polars read (time)",
                                 "measured": f"{a.time:.2f} s / {b.time:.2f} s = {ratio:.2f}x",
                                 "verdict": goal_line("", ratio, GOAL_TIME, True)[1]})
        ratio = a.peak / b.peak
        results["goals"].append({"goal": f"realistic layout: summarize ≤ {GOAL_MEMORY}x raw polars read (peak RSS)",
                                 "measured": f"{mib(a.peak)} / {mib(b.peak)} = {ratio:.2f}x",
                                 "verdict": goal_line("", ratio, GOAL_MEMORY, True)[1]})
    if "air" in phases:
        path, meta = files["air"]
        log(f"multi-city air ({meta['records']:,} records, {meta['cities']} cities) ...")
        a = Variant("(a) lawreport summarize --format json", summarize_argv(path))
        b = Variant("(b) polars.read_excel", polars_argv(path, "空气质量"))
        alternate([a, b], args.runs_full)
        share.sample()
        results["cases"].append({"name": f"空气质量 {meta['records']:,} rows, {meta['cities']} cities",
                                 "variants": [a, b]})
        results["goals"].append({"goal": "air sheet: summarize / raw polars read (no stated goal)",
                                 "measured": f"{a.time:.2f} s / {b.time:.2f} s = {a.time / b.time:.2f}x; "
                                             f"peak {a.peak / b.peak:.2f}x",
                                 "verdict": "info"})
    if "startup" in phases:
        log("start-up ...")
        su = startup(args.runs_startup)
        results["startup"] = su
        lr, bare = su["variants"][0], su["variants"][1]
        leaked = sorted({name for names in su["loaded"].values() for name in names}
                        | set(su["importtime_data_libraries"]))
        results["goals"].append({"goal": "`lawreport --help` imports no data library",
                                 "measured": ", ".join(leaked) or "none imported",
                                 "verdict": "met" if not leaked else "missed"})
        results["goals"].append({"goal": "`lawreport --help` start-up vs a bare click program (no stated bound)",
                                 "measured": f"{lr.time * 1000:.0f} ms vs {bare.time * 1000:.0f} ms "
                                             f"({lr.time / bare.time:.2f}x)",
                                 "verdict": "info"})
        share.sample()
    if "profile" in phases:
        results["profiles"] = []
        for key, label in (("full", "the full-sheet ledger"), ("real", "the realistic-layout ledger")):
            if key not in files:
                continue
            path, meta = files[key]
            log(f"profile of {label} (in-process, cProfile) ...")
            with tempfile.TemporaryDirectory() as scratch:
                profile_md, profile_json = Path(scratch) / "profile.md", Path(scratch) / "profile.json"
                subprocess.run([str(PYTHON), str(ROOT / "scripts" / "profile_summarize.py"), str(path),
                                "--markdown", str(profile_md), "--json", str(profile_json)],
                               check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
                results["profiles"].append({"label": label, "markdown": profile_md.read_text(),
                                            "stages": json.loads(profile_json.read_text())})
            share.sample()

    results["cpu_share"] = cpu = share.result()
    if args.shared == "auto":
        shared = cpu["other_cores"] > 0.1
    else:
        shared = args.shared == "yes"
    results["shared_note"] = ("The machine WAS shared (other work ran at the same time): timings are noisy, "
                              "ratios of alternating runs are more trustworthy than absolute times."
                              if shared else "The machine was not noticeably shared.")
    print_table(results)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_report(results))
    log(f"wrote {output}")


if __name__ == "__main__":
    main()
