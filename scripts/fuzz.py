#!/usr/bin/env python3
"""Mutation fuzzer: broken and hostile workbooks must give exit 0/1/2 and one clear line.

Seeds: two small workbooks built here (xlsxwriter: shared strings; openpyxl: inline
strings, English names, a two-row header, a hidden sheet), a cut-down copy of
data/2023.xlsx (its first rows per sheet, same XML as written by the sample
generator) and, now and then, data/2023.xlsx itself.

Mutations:
  bytes   flip bytes, truncate, splice/duplicate/delete byte ranges, overwrite the
          zip's header fields (sizes, offsets, CRCs, name lengths, method)
  inside  unzip, mutate one part (a sheet, sharedStrings, workbook.xml, styles,
          rels, content types): flip characters, delete tags or elements,
          duplicate elements, huge/odd numbers in <v>, odd cell refs and types,
          odd strings, a DOCTYPE with entity declarations, truncation, a wrong
          encoding; drop, add or rename parts; rezip (deflated or stored)

Each mutant is run
  inprocess   (default) in a pool of worker processes (RLIMIT_AS, a time limit per
              mutant, a worker that hangs or dies is killed and replaced): the library
              (load_workbook, summarize, every renderer) and the click app through
              CliRunner: validate, summarize --format json, export --to TMP --format
              json,csv,xlsx --keep-going (so export renders whatever rows are valid),
              and validate --format json for every 5th mutant
  subprocess  the real `lawreport` executable for validate, summarize --format json
              and export --to TMP --format json,csv,xlsx

Within one mutant (inprocess) the workbook is read once and the commands share it
(--reload to make each command read it again): the reading is the same code each time.

Pass: exit code 0, 1 or 2 (validate and summarize: the code the library's findings
call for); no traceback; when the exit code is not 0 a line on stderr starting
"lawreport:" or a finding listing (validate prints its findings on stdout). Limits:
--seconds per mutant (default 10), --memory of address space per worker or command
(default 4 GiB: polars reserves far more address space than it touches, and 2 GiB
aborts honest reads of a 100,000-row sheet).

A crash (traceback, other exit code, a dead worker, no message) or a hang counts in
"tracebacks"/"hangs" and saves the mutant to tests/regressions/<sha1>.xlsx with
<sha1>.txt (mutation, traceback, `signature:`); a signature already there (a known,
committed reproducer) is not saved again, and at most 25 are saved per run.

    .venv/bin/python scripts/fuzz.py --mutants 10000            # make fuzz
    .venv/bin/python scripts/fuzz.py --mutants 300 --mode subprocess
    .venv/bin/python scripts/fuzz.py --seed 7 --only 4711 --verbose   # one mutant again

The last line is `fuzz: N mutants, T tracebacks, H hangs`; exit 1 if T or H is not 0.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import multiprocessing as mp
import os
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from multiprocessing.connection import wait as wait_for
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = ROOT / "tests" / "regressions"
LAWREPORT = ROOT / ".venv" / "bin" / "lawreport"
SAMPLE = ROOT / "data" / "2023.xlsx"
MEMORY_LIMIT = 4 * 1024**3  # address space (see the docstring)
MAX_SAVED = 25  # reproducers written per run (distinct failure signatures)
COMMANDS = ("validate", "summarize", "export")
# A finding's line: its place (a sheet name may hold spaces: "行政处罚 !A3"), severity, code.
FINDING_LINE = re.compile(r"^\S.*?\s+(error|warning)\s+[a-z0-9-]+\s", re.M)

# -- seeds --------------------------------------------------------------------------------


def _seed_xlsxwriter(path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    air = workbook.add_worksheet("空气质量")
    air.write_row(0, 0, ["日期", "城市", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3_8h", "AQI", "质量等级"])
    import datetime as dt

    for day in range(6):
        date = dt.date(2023, 1, 1) + dt.timedelta(days=day * 40)
        air.write_datetime(day + 1, 0, dt.datetime(date.year, date.month, date.day), date_format)
        air.write_row(day + 1, 1, ["甲市", 35 + day * 9, 60 + day, 8, 30 + day, 0.9, 120 + day * 30])
    inspections = workbook.add_worksheet("执法检查")
    inspections.write_row(0, 0, ["2023年执法检查台账"])
    inspections.write_row(2, 0, ["检查日期", "企业名称", "统一社会信用代码", "检查方式", "区县", "发现问题", "非现场"])
    methods = ["双随机", "信访投诉", "环保督察", "专项行动", "其他"]
    for row in range(6):
        inspections.write_row(3 + row, 0, [f"2023-0{row + 1}-1{row}", f"企业{row % 4}", "91350100M000100Y43",
                                           methods[row % 5], "鼓楼区", "是" if row % 2 else "否", "√"])
    penalties = workbook.add_worksheet("行政处罚")
    penalties.write_row(0, 0, ["案件编号", "企业名称", "立案日期", "决定日期", "处理结果", "罚款金额（万元）",
                               "免减金额（万元）", "移送公安", "行政拘留", "法制审核"])
    cases = [("环罚〔2023〕1号", "处罚", 12.5, None), ("环罚〔2023〕2号", "减罚", 3.2, 1.1),
             ("环罚〔2023〕3号", "免罚", 0, 2), ("环罚〔2023〕4号", "办理中", None, None),
             ("环罚〔2023〕5号", "不予处罚", None, None)]
    for row, (case, outcome, fine, waived) in enumerate(cases):
        decided = "" if outcome == "办理中" else f"2023/{row + 3}/20"
        penalties.write_row(row + 1, 0, [case, f"公司{row}", f"2023/{row + 2}/5", decided, outcome])
        if fine is not None:
            penalties.write_number(row + 1, 5, fine)
        if waived is not None:
            penalties.write_number(row + 1, 6, waived)
        penalties.write_row(row + 1, 7, ["是" if row == 0 else "否", "是" if row == 0 else "否", "是"])
    penalties.write_row(len(cases) + 1, 0, ["合计", "", "", "", "", "=SUM(F2:F6)"])
    compensation = workbook.add_worksheet("损害赔偿")
    compensation.write_row(0, 0, ["案件编号", "启动日期", "协议日期", "赔偿金额（元）", "流域"])
    compensation.write_row(1, 0, ["赔2023-1", "2023-02-01", "2023-06-30", "1,234,567.89", "闽江"])
    compensation.write_row(2, 0, ["赔2023-2", "2023-03-01", "", "", "九龙江"])
    indicators = workbook.add_worksheet("其他指标")
    indicators.write_row(0, 0, ["指标", "数值", "单位", "分类", "月份"])
    for row, (name, value, month) in enumerate([("信访件数", 12, 1), ("信访件数", 9, 2), ("新闻发布", 3, None)]):
        indicators.write_row(row + 1, 0, [name, value, "件", "宣传"])
        if month:
            indicators.write_number(row + 1, 4, month)
    workbook.add_worksheet("说明").write(0, 0, "填报说明")
    workbook.close()


def _seed_openpyxl(path: Path) -> None:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Penalties"
    sheet["A1"] = "2023 penalty ledger"
    sheet.merge_cells("A1:H1")
    sheet.append(["case info", None, None, None, "decision", None, None, None])
    sheet.append(["Case_No", "Enterprise", "Credit Code", "Filed On", "Decided On", "Outcome", "FINE (元)", "备注"])
    sheet.append(["C-1", "Acme 有限公司", "91350100M000100Y43", dt.date(2023, 1, 3), dt.date(2023, 2, 1), "处罚",
                  5000, ""])
    sheet.append(["C-2", "Beta 公司", None, "2023.2.5", "2023年3月1日", "减罚", "１２３４．５", "x"])
    sheet.append(["C-3", "Gamma", None, 44990, None, None, None, None])
    sheet.append(["注：金额单位为元"])
    hidden = workbook.create_sheet("Indicators")
    hidden.sheet_state = "hidden"
    hidden.append(["Indicator", "Value", "Unit", "Month"])
    hidden.append(["complaints", 3, "件", 1])
    hidden.append(["complaints", "4", "件", "2月"])
    air = workbook.create_sheet("AIR_QUALITY")
    air.append(["Date", "City", "pm25", "pm10", "so2", "no2", "co", "O3-8h", "O3-1h"])
    air.append([dt.datetime(2023, 5, 1), "乙市", 20, 40, 5, 18, 0.5, 900, None])
    air.append(["2023-05-02", "乙市", 21, 41, 6, 19, 0.6, 110, 150])
    workbook.save(path)


def _cut_down(data: bytes, keep_rows: int = 14) -> bytes:
    """The sample with only the first rows of each sheet (and its last two): same writer, small."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                rows = list(re.finditer(rb"<row [^>]*>.*?</row>|<row [^>]*/>", part, re.S))
                if len(rows) > keep_rows + 2:
                    dropped = rows[keep_rows:-2]
                    part = part[:dropped[0].start()] + part[dropped[-1].end():]
            target.writestr(info, part)
    return out.getvalue()


def _fixed(data: bytes) -> bytes:
    """The same bytes on every run: no creation times, fixed zip dates (mutants must reproduce)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", b"2024-01-01T00:00:00Z", part)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), part,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build_seeds(directory: Path, use_sample: bool = True) -> list[tuple[str, bytes, float]]:
    """(name, bytes, weight) of every seed."""
    seeds = []
    for name, build in (("xlsxwriter", _seed_xlsxwriter), ("openpyxl", _seed_openpyxl)):
        path = directory / f"seed-{name}.xlsx"
        build(path)
        seeds.append((name, _fixed(path.read_bytes()), 1.0))
    if use_sample and SAMPLE.exists() and SAMPLE.stat().st_size < 8 * 2**20:
        sample = SAMPLE.read_bytes()
        seeds.append(("sample-cut", _cut_down(sample), 1.0))
        seeds.append(("sample", sample, 0.04))  # slow to read: now and then
    return seeds


# -- mutations ----------------------------------------------------------------------------

INTERESTING_NUMBERS = ["1e308", "-1e308", "1e309", "-1e309", "9" * 400, "NaN", "nan", "inf", "-inf", "-0", "0x10",
                       "", " ", "1.7976931348623157e308", "4.9e-324", "123456789012345678901234567890",
                       "-99999999999", "2958466", "-1", "1e-400", "1,5", "١٢٣", "0.000000000001", "3.4028235e38",
                       "99999999999999999999.999999999", "+", ".", "e5", "1e", "2147483648", "-2147483649"]
INTERESTING_REFS = ["XFD1048576", "A1048576", "A1048577", "XFE1", "AAAA1", "A0", "", "1A", "ZZZZZZ99999999999",
                    "A-1", "a1", "$A$1", "A1:B2", "XFD1", "Z99999", "CV100000", "A1" * 50, "中1",
                    # calamine reads column letters in either case: xfd1048576 is XFD1048576
                    "xfd1048576", "az1048000", "A01048577"]
INTERESTING_TYPES = ["s", "n", "b", "e", "str", "inlineStr", "d", "x", ""]
INTERESTING_STRINGS = [
    "合计", "总 计", "注：见附件", "填报人：张三", "2023-02-30", "20231301", "2023年13月1日", "0000-00-00", "-0", "1e309",
    "１２３", "=HYPERLINK(\"http://x\",\"y\")", "+1+2", "@SUM(A1)", "\u202e反向", "A" * 70000, "", " ", "\u3000",
    "是", "否", "处罚", "减罚", "免罚", "办理中", "双随机", "#N/A", "nan", "{0}", "{value}", "{column}", "%s%s%n",
    "\\", "\t\n", "&amp;&lt;", "案件编号", "罚款金额（美元）", "日期", "PM2.5", "行政处罚", "空气质量", "<![CDATA[x]]>",
    "9" * 30, "1,2,3", "1234,56", "−5", "０.５", "√", "✗", "2023/2/29", "45000", "2958466", "-45000",
]
INTERESTING_SHEET_NAMES = ["行政处罚", "空气质量", "执法检查", "损害赔偿", "其他指标", "penalties", "AIR_QUALITY", "",
                           "x" * 300, "行政处罚 ", "Sheet1", "&lt;script&gt;", "'", "penalties", "a/b", "[1]"]
DOCTYPES = [
    # billion laughs
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    b'<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    b'<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    b'<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    b'<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>',
    b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">',
    b'<!doctype r [<!entity e "x">]>',
    b'<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>',
]
ENTITY_REFS = [b"&lol9;", b"&xxe;", b"&e;", b"&undefined;"]


class Mutator:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ops: list[str] = []

    # -- bytes --------------------------------------------------------------------------
    def bytes_level(self, data: bytes) -> bytes:
        rng = self.rng
        op = rng.choice(["flip", "flip", "truncate", "splice", "duplicate", "delete", "zipfield", "zipfield"])
        self.ops.append(f"bytes:{op}")
        if not data:
            return data
        buf = bytearray(data)
        if op == "flip":
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(len(buf))] ^= rng.randint(1, 255)
        elif op == "truncate":
            del buf[rng.randrange(len(buf)):]
        elif op in ("splice", "duplicate", "delete"):
            start = rng.randrange(len(buf))
            end = min(len(buf), start + rng.choice([1, 4, 30, 200, 2000, 20000]))
            chunk = bytes(buf[start:end])
            if op == "delete":
                del buf[start:end]
            elif op == "duplicate":
                buf[start:start] = chunk * rng.randint(1, 3)
            else:
                at = rng.randrange(len(buf) + 1)
                buf[at:at] = chunk
        else:
            self._zip_field(buf)
        return bytes(buf)

    def _zip_field(self, buf: bytearray) -> None:
        rng = self.rng
        # Local headers (PK\3\4): method@8 crc@14 csize@18 usize@22 namelen@26 extralen@28.
        # Central (PK\1\2): method@10 crc@16 csize@20 usize@24 namelen@28 extralen@30 offset@42.
        # End (PK\5\6): entries@8,@10 size@12 offset@16.
        spots = [(m.start(), b"local") for m in re.finditer(rb"PK\x03\x04", buf)]
        spots += [(m.start(), b"central") for m in re.finditer(rb"PK\x01\x02", buf)]
        spots += [(m.start(), b"end") for m in re.finditer(rb"PK\x05\x06", buf)]
        if not spots:
            return
        at, kind = rng.choice(spots)
        fields = {b"local": [(8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2), (6, 2)],
                  b"central": [(10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (42, 4), (8, 2)],
                  b"end": [(8, 2), (10, 2), (12, 4), (16, 4), (20, 2)]}[kind]
        offset, width = rng.choice(fields)
        top = 2 ** (8 * width) - 1
        value = rng.choice([0, 1, top, top - 1, rng.randrange(top), 8, 12, 99, 2**31 % (top + 1)])
        if at + offset + width <= len(buf):
            buf[at + offset:at + offset + width] = value.to_bytes(width, "little")
        self.ops[-1] += f"({kind.decode()}+{offset}={value})"

    # -- inside the zip -------------------------------------------------------------------
    def inside(self, data: bytes) -> bytes:
        rng = self.rng
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
        names = [info.filename for info, _ in members]
        weights = [6 if "worksheets/sheet" in n else 4 if "sharedStrings" in n else 3 if n.endswith("workbook.xml")
                   else 1 for n in names]
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            index = rng.choices(range(len(members)), weights)[0]
            info, part = members[index]
            op = rng.choice(["part"] * 12 + ["drop", "add", "rename"])
            if op == "drop":
                self.ops.append(f"drop:{info.filename}")
                del members[index], weights[index]
                if not members:
                    break
                continue
            if op == "add":
                name = rng.choice(["xl/worksheets/sheet99.xml", "xl/evil.xml", "../../etc/x", "xl/vbaProject.bin"])
                self.ops.append(f"add:{name}")
                members.append((zipfile.ZipInfo(name), rng.choice([b"", b"<x/>", bytes(rng.randbytes(64))])))
                weights.append(1)
                continue
            if op == "rename":
                new = rng.choice(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "",
                                  info.filename.upper(), info.filename + "/"])
                self.ops.append(f"rename:{info.filename}->{new}")
                members[index] = (zipfile.ZipInfo(new or "x"), part)
                continue
            members[index] = (info, self.xml(info.filename, part))
        out = io.BytesIO()
        method = zipfile.ZIP_STORED if rng.random() < 0.1 else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(out, "w", method) as archive:
            seen = set()
            for info, part in members:
                name = info.filename
                if name in seen:
                    name += "_"
                seen.add(name)
                archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), part, compress_type=method)
        return out.getvalue()

    def xml(self, name: str, part: bytes) -> bytes:
        rng = self.rng
        ops = ["flip", "delete_tag", "delete_element", "duplicate_element", "truncate", "encoding", "doctype"]
        if b"<v>" in part or b"<v " in part:
            ops += ["number"] * 6
        if b' r="' in part:
            ops += ["ref"] * 2 + ["type"] * 4 + ["many_rows"]
        if b"<t" in part:
            ops += ["string"] * 6
        if b"<sheet " in part:
            ops += ["sheet"] * 6
        if b"<dimension" in part:
            ops += ["dimension"]
        op = rng.choice(ops)
        self.ops.append(f"{name}:{op}")
        text = part
        if op == "flip" and text:
            buf = bytearray(text)
            for _ in range(rng.randint(1, 6)):
                buf[rng.randrange(len(buf))] = ord(rng.choice('<>&"\'/= 9A-.;\x00')) if rng.random() < 0.8 else \
                    rng.randrange(256)
            return bytes(buf)
        if op == "delete_tag":
            tags = list(re.finditer(rb"<[^<>]+>", text))
            if tags:
                tag = rng.choice(tags)
                return text[:tag.start()] + text[tag.end():]
        if op in ("delete_element", "duplicate_element"):
            elements = list(re.finditer(rb"<(c|row|si|sheet|Override|Relationship|xf|mergeCell)\b[^>]*?(/>|>.*?</\1>)",
                                        text, re.S))
            if elements:
                element = rng.choice(elements)
                chunk = text[element.start():element.end()]
                if op == "delete_element":
                    return text[:element.start()] + text[element.end():]
                return text[:element.end()] + chunk * rng.choice([1, 1, 2, 50]) + text[element.end():]
        if op == "truncate" and text:
            return text[:rng.randrange(len(text))]
        if op == "encoding":
            choice = rng.choice(["utf16", "gbk-decl", "latin1-decl", "bom", "no-decl"])
            self.ops[-1] += f"({choice})"
            if choice == "utf16":
                return text.decode("utf-8", "replace").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
            if choice == "bom":
                return b"\xef\xbb\xbf" + text
            if choice == "no-decl":
                return re.sub(rb"^<\?xml[^>]*\?>", b"", text)
            decl = b'encoding="GBK"' if choice == "gbk-decl" else b'encoding="ISO-8859-1"'
            return re.sub(rb'encoding="[^"]*"', decl, text, count=1)
        if op == "doctype":
            doctype = rng.choice(DOCTYPES)
            declaration = re.match(rb"<\?xml[^>]*\?>\s*", text)
            at = declaration.end() if declaration else 0
            text = text[:at] + doctype + text[at:]
            ref = rng.choice(ENTITY_REFS)
            spots = [m.end() for m in re.finditer(rb"<(t|v)( [^>]*)?>", text)]
            if spots:
                spot = rng.choice(spots)
                text = text[:spot] + ref + text[spot:]
            self.ops[-1] += f"({doctype[:24]!r})"
            return text
        if op == "number":
            values = list(re.finditer(rb"<v>([^<]*)</v>", text))
            if values:
                value = rng.choice(values)
                new = rng.choice(INTERESTING_NUMBERS).encode()
                self.ops[-1] += f"({new[:20]!r})"
                return text[:value.start(1)] + new + text[value.end(1):]
        if op == "ref":
            refs = list(re.finditer(rb'<c r="([^"]*)"', text))
            if refs:
                ref = rng.choice(refs)
                new = rng.choice(INTERESTING_REFS).encode()
                self.ops[-1] += f"({new[:20]!r})"
                return text[:ref.start(1)] + new + text[ref.end(1):]
        if op == "type":
            cells = list(re.finditer(rb"<c\b([^>]*?)(/?)>", text))
            if cells:
                cell = rng.choice(cells)
                attrs = re.sub(rb'\st="[^"]*"', b"", cell.group(1))
                new = rng.choice(INTERESTING_TYPES).encode()
                self.ops[-1] += f"({new!r})"
                return text[:cell.start(1)] + attrs + b' t="' + new + b'"' + text[cell.end(1):]
        if op == "many_rows":
            rows = list(re.finditer(rb"<row\b[^>]*>.*?</row>", text, re.S))
            if rows:
                row = rng.choice(rows)
                return text[:row.end()] + row.group(0) * rng.choice([10, 1000]) + text[row.end():]
        if op == "string":
            strings = list(re.finditer(rb"<t(?: [^>]*)?>([^<]*)</t>", text))
            if strings:
                string = rng.choice(strings)
                new = rng.choice(INTERESTING_STRINGS)
                new = new.replace("&", "&amp;").replace("<", "&lt;") if rng.random() < 0.9 else new
                self.ops[-1] += f"({new[:20]!r})"
                return text[:string.start(1)] + new.encode("utf-8") + text[string.end(1):]
        if op == "sheet":
            sheets = list(re.finditer(rb"<sheet\b[^>]*/>", text))
            if sheets:
                sheet = rng.choice(sheets)
                chunk = sheet.group(0)
                what = rng.choice(["name", "name", "state", "rid", "sheetid", "duplicate"])
                self.ops[-1] += f"({what})"
                if what == "name":
                    chunk = re.sub(rb'name="[^"]*"', b'name="' + rng.choice(INTERESTING_SHEET_NAMES).encode() + b'"',
                                   chunk)
                elif what == "state":
                    chunk = chunk.replace(b"/>", b' state="' + rng.choice([b"hidden", b"veryHidden", b"x"]) + b'"/>')
                elif what == "rid":
                    chunk = re.sub(rb'r:id="[^"]*"', b'r:id="' + rng.choice([b"rId99", b"", b"rId1"]) + b'"', chunk)
                elif what == "sheetid":
                    chunk = re.sub(rb'sheetId="[^"]*"', b'sheetId="' + rng.choice([b"0", b"-1", b"99999999999"]) +
                                   b'"', chunk)
                else:
                    chunk = chunk * 2
                return text[:sheet.start()] + chunk + text[sheet.end():]
        if op == "dimension":
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' +
                          rng.choice([b"A1:XFD1048576", b"", b"Z9:A1", b"A1"]) + b'"', text, count=1)
        return text  # the op found nothing to change: the mutant equals its parent here

    def mutate(self, seed: bytes) -> bytes:
        rng = self.rng
        plan = rng.choices(["inside", "bytes", "inside+bytes"], [0.7, 0.2, 0.1])[0]
        data = seed
        if "inside" in plan:
            data = self.inside(data)
        if "bytes" in plan:
            data = self.bytes_level(data)
        return data


def make_mutant(seeds, seed: int, index: int) -> tuple[bytes, str]:
    rng = random.Random(f"{seed}:{index}")
    name, data, _ = rng.choices(seeds, [weight for _, _, weight in seeds])[0]
    mutator = Mutator(rng)
    return mutator.mutate(data), f"seed={name} " + " ".join(mutator.ops)


# -- checking one mutant -------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    failure: str = ""  # "" when fine; else a one-line reason
    detail: str = ""  # traceback or output
    exits: tuple = ()  # exit code of each command


def _message_ok(code: int, stdout: str, stderr: str, command: str) -> bool:
    """Exit 0, or a clear word: a "lawreport:" line or a finding listing (validate: on stdout,
    or its JSON document with "ok": false)."""
    if code == 0:
        return True
    if any(line.startswith("lawreport:") for line in stderr.splitlines()):
        return True
    if FINDING_LINE.search(stderr):
        return True
    if command != "validate" or code != 1:
        return False
    if FINDING_LINE.search(stdout):
        return True
    try:
        import json

        document = json.loads(stdout)
    except ValueError:
        return False
    return document.get("ok") is False and bool(document.get("findings"))


def check_inprocess(path: str, out_dir: str, commands: tuple[str, ...], json_validate: bool = True) -> Outcome:
    """Library then CLI, in this process; every exception but the expected ones is a failure."""
    import traceback

    from click.testing import CliRunner

    from lawreport_cli import records
    from lawreport_cli.cli import cli
    from lawreport_cli.safety import UnreadableWorkbook

    try:
        workbook = records.load_workbook(path)
    except UnreadableWorkbook as error:
        workbook = None
        if "\n" in str(error).strip():
            return Outcome("UnreadableWorkbook message spans lines", str(error))
    except BaseException:  # noqa: BLE001 - anything else is what we hunt
        return Outcome("library load_workbook raised", traceback.format_exc())
    # A workbook whose year cannot be told is refused by summarize (UsageError, asking for --year).
    if workbook is not None and workbook.year is not None and "summarize" in commands:
        try:
            from lawreport_cli.render import SUMMARY_FORMATS
            from lawreport_cli.summarize import summarize

            for finding in workbook.findings:
                finding.to_dict("zh"), finding.message("en"), finding.location
            summary = summarize(workbook)
            for render in SUMMARY_FORMATS.values():
                render(summary, "zh")
        except BaseException:  # noqa: BLE001
            return Outcome("library summarize/render raised", traceback.format_exc())

    runner = CliRunner()
    invocations = []
    if "validate" in commands:
        invocations.append(("validate", [path]))
        if json_validate:
            invocations.append(("validate", ["--format", "json", path]))
    if "summarize" in commands:
        invocations.append(("summarize", [path, "--format", "json"]))
    if "export" in commands:
        invocations.append(("export", [path, "--to", out_dir, "--format", "json,csv,xlsx", "--keep-going", "-q"]))
    exits = []
    for command, args in invocations:
        result = runner.invoke(cli, [command, *args], catch_exceptions=True)
        exits.append(result.exit_code)
        stderr = getattr(result, "stderr", "") or ""
        output = result.stdout if hasattr(result, "stdout") else result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            detail = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else repr(
                result.exception)
            return Outcome(f"{command}: {type(result.exception).__name__} escaped", detail, tuple(exits))
        if result.exit_code not in (0, 1, 2):
            return Outcome(f"{command}: exit code {result.exit_code}", stderr[-2000:], tuple(exits))
        if "Traceback" in stderr or "Traceback (most recent call last)" in output:
            return Outcome(f"{command}: traceback printed", stderr[-4000:], tuple(exits))
        if not _message_ok(result.exit_code, output, stderr, command):
            return Outcome(f"{command}: exit {result.exit_code} without a message", stderr[-2000:], tuple(exits))
        if command in ("validate", "summarize"):
            # summarize refuses a workbook whose year cannot be told before it looks at errors.
            yearless = command == "summarize" and workbook is not None and workbook.year is None
            expected = 2 if workbook is None or yearless else 1 if workbook.errors else 0
            if result.exit_code != expected:
                return Outcome(f"{command}: exit {result.exit_code}, the library says {expected}",
                               stderr[-2000:], tuple(exits))
    return Outcome(exits=tuple(exits))


class LoadOnce:
    """Within one mutant, every command reads the workbook once: the reading is the same code
    each time, so reading it again only costs time. Each caller gets its own shallow copy."""

    def __init__(self):
        from lawreport_cli import jobs, records

        self.original = records.load_workbook
        self.cache: dict = {}
        records.load_workbook = jobs.load_workbook = self

    def __call__(self, path, year=None, **options):
        key = (str(path), year)
        if key not in self.cache:
            try:
                self.cache[key] = (True, self.original(path, year=year, **options))
            except BaseException as error:  # noqa: BLE001 - replayed to the next caller
                self.cache[key] = (False, error)
        ok, value = self.cache[key]
        if not ok:
            raise value
        return dataclasses.replace(value, records=dict(value.records), findings=list(value.findings))

    def clear(self) -> None:
        self.cache.clear()


def _limit_memory(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def check_subprocess(path: str, out_dir: str, commands: tuple[str, ...], seconds: float, memory: int) -> Outcome:
    import subprocess

    runs = []
    if "validate" in commands:
        runs.append(("validate", ["validate", path]))
    if "summarize" in commands:
        runs.append(("summarize", ["summarize", path, "--format", "json"]))
    if "export" in commands:
        runs.append(("export", ["export", path, "--to", out_dir, "--format", "json,csv,xlsx"]))
    exits = []
    for command, args in runs:
        try:
            done = subprocess.run([str(LAWREPORT), *args], capture_output=True, timeout=seconds,
                                  preexec_fn=lambda: _limit_memory(memory), env={**os.environ, "LC_ALL": "C.UTF-8"})
        except subprocess.TimeoutExpired:
            return Outcome(f"hang: {command} ran over {seconds:g} s", "", tuple(exits))
        exits.append(done.returncode)
        stderr = done.stderr.decode("utf-8", "replace")
        stdout = done.stdout.decode("utf-8", "replace")
        if done.returncode < 0 or done.returncode not in (0, 1, 2):
            return Outcome(f"{command}: exit code {done.returncode}", stderr[-4000:], tuple(exits))
        if "Traceback" in stderr:
            return Outcome(f"{command}: traceback", stderr[-4000:], tuple(exits))
        if not _message_ok(done.returncode, stdout, stderr, command):
            return Outcome(f"{command}: exit {done.returncode} without a message", stderr[-2000:], tuple(exits))
    return Outcome(exits=tuple(exits))


# -- the worker pool -------------------------------------------------------------------------

def _worker(connection, memory: int, commands: tuple[str, ...], load_once: bool, scratch: str) -> None:
    _limit_memory(memory)
    os.environ.setdefault("POLARS_MAX_THREADS", "1")
    scratch = Path(scratch)
    import lawreport_cli.cli  # noqa: F401 - warm the imports once
    import lawreport_cli.jobs  # noqa: F401
    import lawreport_cli.records  # noqa: F401

    loads = LoadOnce() if load_once else None
    connection.send("ready")
    while True:
        try:
            message = connection.recv()
        except EOFError:
            break
        if message is None:
            break
        index, data = message
        path = scratch / f"m{index}.xlsx"
        out_dir = scratch / f"out{index}"
        path.write_bytes(data)
        try:
            # validate --format json differs from validate only in its rendering: every 5th mutant
            outcome = check_inprocess(str(path), str(out_dir), commands, json_validate=index % 5 == 0)
        except BaseException as error:  # noqa: BLE001 - report, never die quietly
            import traceback

            outcome = Outcome(f"checker raised {type(error).__name__}", traceback.format_exc())
        finally:
            path.unlink(missing_ok=True)
            shutil.rmtree(out_dir, ignore_errors=True)
            if loads:
                loads.clear()
        connection.send((index, dataclasses.asdict(outcome)))


class Pool:
    def __init__(self, size: int, seconds: float, memory: int, commands: tuple[str, ...], load_once: bool = True):
        self.context = mp.get_context("spawn")
        self.seconds, self.memory, self.commands, self.load_once = seconds, memory, commands, load_once
        self.slots = [self._spawn() for _ in range(size)]

    def _spawn(self):
        parent, child = self.context.Pipe()
        scratch = tempfile.mkdtemp(prefix="lawreport-fuzz-")
        process = self.context.Process(target=_worker, daemon=True,
                                       args=(child, self.memory, self.commands, self.load_once, scratch))
        process.start()
        child.close()
        # A worker that cannot even start is a broken setup, not a finding: stop the run.
        if not parent.poll(120):
            process.kill()
            raise RuntimeError("fuzz: a worker process did not start within 120 s")
        try:
            hello = parent.recv()
        except EOFError:
            process.join(5)
            raise RuntimeError(f"fuzz: a worker process died while starting (exit code {process.exitcode}); "
                               "see its traceback above") from None
        assert hello == "ready", hello
        return {"process": process, "conn": parent, "job": None, "started": 0.0, "fresh": True, "scratch": scratch}

    def _replace(self, slot) -> None:
        slot["process"].kill()
        slot["process"].join(5)
        slot["conn"].close()
        shutil.rmtree(slot["scratch"], ignore_errors=True)
        slot.update(self._spawn())

    def run(self, jobs, on_result) -> None:
        """jobs: iterator of (index, bytes); on_result(index, Outcome, seconds)."""
        jobs = iter(jobs)
        pending = True
        warmup = 5.0  # the first job of a fresh worker warms caches
        while True:
            for slot in self.slots:
                if slot["job"] is None and pending:
                    job = next(jobs, None)
                    if job is None:
                        pending = False
                        break
                    slot["job"] = job
                    slot["started"] = time.monotonic()
                    try:
                        slot["conn"].send(job)
                    except OSError:  # the worker is gone: the wait below reports it as died
                        pass
            busy = [slot for slot in self.slots if slot["job"] is not None]
            if not busy:
                return
            ready = wait_for([slot["conn"] for slot in busy], timeout=0.5)
            now = time.monotonic()
            for slot in busy:
                index = slot["job"][0]
                if slot["conn"] in ready:
                    try:
                        _, outcome = slot["conn"].recv()
                        on_result(index, Outcome(**outcome), now - slot["started"])
                        slot["job"], slot["fresh"] = None, False
                        continue
                    except (EOFError, OSError):
                        slot["process"].join(5)
                        code = slot["process"].exitcode
                        on_result(index, Outcome(f"worker died (exit code {code}: "
                                                 f"{'signal ' + str(-code) if code and code < 0 else 'killed'})"),
                                  now - slot["started"])
                        slot["job"] = None
                        self._replace(slot)
                        continue
                limit = self.seconds + (warmup if slot.get("fresh") else 0)
                if now - slot["started"] > limit:
                    on_result(index, Outcome(f"hang: over {self.seconds:g} s"), now - slot["started"])
                    slot["job"] = None
                    self._replace(slot)

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot["conn"].send(None)
            except OSError:
                pass
        for slot in self.slots:
            slot["process"].join(5)
            if slot["process"].is_alive():
                slot["process"].kill()
            shutil.rmtree(slot["scratch"], ignore_errors=True)


# -- the run ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Tally:
    mutants: int = 0
    tracebacks: int = 0
    hangs: int = 0
    exits: dict = dataclasses.field(default_factory=dict)
    failures: dict = dataclasses.field(default_factory=dict)  # signature -> count
    saved: list = dataclasses.field(default_factory=list)
    examples: dict = dataclasses.field(default_factory=dict)  # signature -> first example
    slowest: float = 0.0


FRAME = re.compile(r'File "[^"]*?lawreport_cli/([^"]+)", line \d+, in (\S+)')
ERROR_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Warning|error|Interrupt|Exit|InvalidOperation))\b", re.M)


def _signature(outcome: Outcome) -> str:
    """What makes two failures the same bug: the kind, the exception and where in lawreport it left."""
    kind = re.sub(r"\d+(\.\d+)? s$", "", outcome.failure).split(":")[0].strip()
    if "worker died" in outcome.failure or outcome.failure.startswith(("hang", "validate: exit", "summarize: exit",
                                                                        "export: exit")):
        return outcome.failure if "worker died" in outcome.failure else kind
    errors = ERROR_LINE.findall(outcome.detail)
    frames = FRAME.findall(outcome.detail)
    where = f" in {frames[-1][0]}:{frames[-1][1]}" if frames else ""
    return f"{kind}: {errors[-1] if errors else '?'}{where}"


def _example(outcome: Outcome) -> str:
    last = [line for line in outcome.detail.strip().splitlines() if line.strip()]
    return last[-1].strip()[:140] if last else ""


def known_signatures(directory: Path) -> set[str]:
    """Signatures of the reproducers already committed (their .txt says `signature: ...`)."""
    found = set()
    for path in directory.glob("*.txt"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("signature: "):
                found.add(line[len("signature: "):].strip())
    return found


def save_reproducer(data: bytes, description: str, directory: Path = REGRESSIONS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()
    path = directory / f"{digest}.xlsx"
    path.write_bytes(data)
    (directory / f"{digest}.txt").write_text(description, encoding="utf-8")
    return path


def run(mutants: int, seed: int = 0, mode: str = "inprocess", seconds: float = 10.0, workers: int = 2,
        commands: tuple[str, ...] = COMMANDS, memory: int = MEMORY_LIMIT, save: bool = True,
        regressions: Path = REGRESSIONS, only: int | None = None, verbose: bool = False, use_sample: bool = True,
        progress=None, load_once: bool = True) -> Tally:
    with tempfile.TemporaryDirectory(prefix="lawreport-fuzz-seeds-") as scratch:
        seeds = build_seeds(Path(scratch), use_sample)
    tally = Tally()
    mutants_by_index: dict[int, tuple[bytes, str]] = {}
    started = time.monotonic()
    signatures_saved: set[str] = known_signatures(regressions) if save else set()
    examples: dict[str, str] = {}

    def jobs():
        indices = [only] if only is not None else range(mutants)
        for index in indices:
            data, ops = make_mutant(seeds, seed, index)
            mutants_by_index[index] = (data, ops)
            yield index, data

    tally.examples = examples

    def on_result(index: int, outcome: Outcome, elapsed: float) -> None:
        data, ops = mutants_by_index.pop(index)
        tally.mutants += 1
        tally.slowest = max(tally.slowest, elapsed)
        key = "/".join(str(code) for code in outcome.exits) or "-"
        tally.exits[key] = tally.exits.get(key, 0) + 1
        if verbose:
            print(f"[{index}] {ops} -> {outcome.failure or 'ok'} exits={key} {elapsed:.2f}s", file=sys.stderr)
        if outcome.failure:
            if outcome.failure.startswith("hang"):
                tally.hangs += 1
            else:
                tally.tracebacks += 1
            signature = _signature(outcome)
            tally.failures[signature] = tally.failures.get(signature, 0) + 1
            examples.setdefault(signature, f"mutant {index}: {_example(outcome)}")
            description = (f"lawreport fuzz reproducer\nseed={seed} index={index} mode={mode}\nmutation: {ops}\n"
                           f"failure: {outcome.failure}\nsignature: {signature}\nexits: {outcome.exits}\n\n"
                           f"{outcome.detail}\n")
            if save and signature not in signatures_saved and len(tally.saved) < MAX_SAVED:
                signatures_saved.add(signature)
                path = save_reproducer(data, description, regressions)
                tally.saved.append(str(path))
                print(f"fuzz: {outcome.failure} (mutant {index}: {ops}) -> {path}", file=sys.stderr)
            elif verbose or not save:
                print(f"fuzz: {outcome.failure} (mutant {index}: {ops})", file=sys.stderr)
            if only is not None:
                print(outcome.detail, file=sys.stderr)
        if progress and tally.mutants % 500 == 0:
            rate = tally.mutants / (time.monotonic() - started)
            progress(f"fuzz: {tally.mutants} mutants ({rate:.1f}/s), {tally.tracebacks} tracebacks, "
                     f"{tally.hangs} hangs")

    if mode == "subprocess":
        from concurrent.futures import ThreadPoolExecutor

        directory = Path(tempfile.mkdtemp(prefix="lawreport-fuzz-sub-"))

        def one(job):
            index, data = job
            path = directory / f"m{index}.xlsx"
            path.write_bytes(data)
            begun = time.monotonic()
            outcome = check_subprocess(str(path), str(directory / f"out{index}"), commands, seconds, memory)
            path.unlink(missing_ok=True)
            shutil.rmtree(directory / f"out{index}", ignore_errors=True)
            return index, outcome, time.monotonic() - begun

        try:
            with ThreadPoolExecutor(workers) as executor:
                for index, outcome, elapsed in executor.map(one, jobs()):
                    on_result(index, outcome, elapsed)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    else:
        pool = Pool(workers, seconds, memory, commands, load_once)
        try:
            pool.run(jobs(), on_result)
        finally:
            pool.close()
    return tally


def baseline(commands: tuple[str, ...], mode: str, seconds: float, memory: int) -> list[str]:
    """Failures on the unmutated seeds: a broken command would make every mutant 'crash'."""
    with tempfile.TemporaryDirectory(prefix="lawreport-fuzz-base-") as directory:
        return _baseline(Path(directory), commands, mode, seconds, memory)


def _baseline(scratch: Path, commands: tuple[str, ...], mode: str, seconds: float, memory: int) -> list[str]:
    problems = []
    for name, data, _ in build_seeds(scratch):
        path = scratch / f"{name}.xlsx"
        path.write_bytes(data)
        if mode == "subprocess":
            outcome = check_subprocess(str(path), str(scratch / f"out-{name}"), commands, seconds * 3, memory)
        else:
            outcome = check_inprocess(str(path), str(scratch / f"out-{name}"), commands)
        if outcome.failure:
            problems.append(f"{name}: {outcome.failure}: {_example(outcome)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=1000, help="how many mutants (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed: the same seed makes the same mutants")
    parser.add_argument("--mode", choices=["inprocess", "subprocess"], default="inprocess")
    parser.add_argument("--seconds", type=float, default=10.0, metavar="LIMIT",
                        help="time limit in seconds (default 10): per mutant inprocess, per command in "
                             "subprocess mode")
    parser.add_argument("--workers", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--memory", type=int, default=MEMORY_LIMIT // 2**20, metavar="MIB",
                        help="address-space limit per worker or command, MiB (default 4096)")
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help="which commands to run: validate,summarize,export (default all)")
    parser.add_argument("--only", type=int, default=None, metavar="INDEX", help="run one mutant of --seed again")
    parser.add_argument("--no-save", action="store_true", help="do not write reproducers")
    parser.add_argument("--save-to", type=Path, default=REGRESSIONS, metavar="DIR",
                        help="where reproducers go (default tests/regressions/)")
    parser.add_argument("--no-sample", action="store_true", help="do not use data/2023.xlsx as a seed")
    parser.add_argument("--reload", action="store_true",
                        help="inprocess: every command reads the workbook itself (slower; default: once per mutant)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    commands = tuple(part.strip() for part in args.commands.split(",") if part.strip())
    unknown = set(commands) - set(COMMANDS)
    if unknown:
        parser.error(f"unknown command {', '.join(sorted(unknown))}")
    memory = args.memory * 2**20

    if args.mode == "inprocess":
        _limit_memory(memory * 2)  # the checks of the baseline run here
    problems = baseline(commands, args.mode, args.seconds, memory)
    if problems:
        for problem in problems:
            print(f"fuzz: the unmutated seed already fails: {problem}", file=sys.stderr)
        print(f"fuzz: 0 mutants, {len(problems)} tracebacks, 0 hangs")
        return 1

    started = time.monotonic()
    tally = run(args.mutants, args.seed, args.mode, args.seconds, args.workers, commands, memory,
                save=not args.no_save, regressions=args.save_to, only=args.only, verbose=args.verbose, use_sample=not args.no_sample,
                progress=lambda line: print(line, file=sys.stderr, flush=True), load_once=not args.reload)
    elapsed = time.monotonic() - started
    print(f"fuzz: {args.mode}, seed {args.seed}, {elapsed:.0f} s, {tally.mutants / max(elapsed, 1e-9):.1f} mutants/s, "
          f"slowest {tally.slowest:.1f} s; exit codes (validate[/json]/summarize/export): "
          + ", ".join(f"{key}×{count}" for key, count in sorted(tally.exits.items(), key=lambda kv: -kv[1])[:8]),
          file=sys.stderr)
    for signature, count in sorted(tally.failures.items(), key=lambda kv: -kv[1]):
        print(f"fuzz: {count}× {signature}  (e.g. {tally.examples.get(signature, '')})", file=sys.stderr)
    print(f"fuzz: {tally.mutants} mutants, {tally.tracebacks} tracebacks, {tally.hangs} hangs")
    return 1 if tally.tracebacks or tally.hangs else 0


if __name__ == "__main__":
    sys.exit(main())
