"""Hostile and broken input: a short fuzz, the committed crash reproducers, and the
attacks a workbook can carry (entity expansion, external entities, zip bombs,
formula injection into exports).

The long fuzz is `make fuzz` (scripts/fuzz.py --mutants 10000).
"""
from __future__ import annotations

import csv
import io
import os
import resource
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
LAWREPORT = Path(sys.executable).with_name("lawreport")
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
MEMORY = 4 * 1024**3


# scripts/fuzz.py, imported by name so that its worker processes (spawned) can import it too.
sys.path.insert(0, str(ROOT / "scripts"))
import fuzz  # noqa: E402


def lawreport(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """The real executable, in a process of its own (a crash must not take pytest down)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run([str(LAWREPORT), *args], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit, env={**os.environ, "LC_ALL": "C.UTF-8"})


# -- a short fuzz ------------------------------------------------------------------------------

def test_short_fuzz_in_process():
    """150 mutants (fixed seed) through the library and the click app: exit 0/1/2, no traceback."""
    tally = fuzz.run(150, seed=20240101, mode="inprocess", seconds=10, workers=2, save=False)
    assert tally.mutants == 150
    assert not tally.failures, "\n".join(f"{count}x {signature}" for signature, count in tally.failures.items())


# -- committed reproducers ---------------------------------------------------------------------

REPRODUCERS = sorted(REGRESSIONS.glob("*.xlsx"))


@pytest.mark.parametrize("path", REPRODUCERS, ids=[path.stem[:12] for path in REPRODUCERS])
def test_regression(path):
    """Each file that once crashed lawreport: now exit 0/1/2 with a clear line, no traceback."""
    why = path.with_suffix(".txt")
    context = why.read_text(encoding="utf-8").splitlines()[:6] if why.exists() else []
    for args in (["validate", str(path)], ["summarize", str(path), "--format", "json"],
                 ["summarize", str(path), "--format", "json", "--keep-going"]):
        try:
            done = lawreport(*args, timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"lawreport {args[0]} hangs on {path.name}\n" + "\n".join(context))
        assert done.returncode in (0, 1, 2), (f"lawreport {' '.join(args[:1] + args[2:])}: exit {done.returncode}\n"
                                              + "\n".join(context) + "\n" + done.stderr[-1500:])
        assert "Traceback" not in done.stderr, "\n".join(context) + "\n" + done.stderr[-3000:]
        if done.returncode != 0:
            assert fuzz._message_ok(done.returncode, done.stdout, done.stderr, args[0]), done.stderr[-1500:]


# -- hostile XML ---------------------------------------------------------------------------------

def _small_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "行政处罚"
    sheet.append(["案件编号", "企业名称", "立案日期", "决定日期", "处理结果", "罚款金额"])
    sheet.append(["A1", "某公司", "2023-01-05", "2023-02-05", "处罚", 1000])
    workbook.save(path)
    return path


def _with_part(source: Path, target: Path, name: str, content: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, content if info.filename == name else old.read(info))
        if name not in old.namelist():
            new.writestr(name, content)
    return target


def assert_refused(path: Path, seconds: float = 8.0) -> str:
    """exit 2, one line on stderr naming the file, nothing on stdout, quickly."""
    started = time.monotonic()
    done = lawreport("validate", str(path), timeout=60)
    elapsed = time.monotonic() - started
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert len(lines) == 1, f"expected one line, got {len(lines)}:\n{done.stderr[-2000:]}"
    assert lines[0].startswith("lawreport: ") and str(path) in lines[0], lines[0]
    assert done.stdout.strip() == ""
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    return lines[0]


LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
                     for level in range(1, 10)) + b"]>")


def _xml_with_doctype(part: bytes, doctype: bytes, reference: bytes) -> bytes:
    head, _, rest = part.partition(b"?>")
    part = head + b"?>" + doctype + rest if rest else doctype + part
    return part.replace(b"<t>", b"<t>" + reference, 1).replace(b"<v>", b"<v>" + reference, 1)


def test_billion_laughs_in_sheet_is_refused(tmp_path):
    base = _small_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    path = _with_part(base, tmp_path / "laughs.xlsx", "xl/worksheets/sheet1.xml",
                      _xml_with_doctype(sheet, LAUGHS, b"&lol9;"))
    line = assert_refused(path)
    assert "DTD" in line or "entit" in line


def test_billion_laughs_in_shared_strings_is_refused(tmp_path):
    base = tmp_path / "base.xlsx"
    import xlsxwriter  # writes a sharedStrings part (openpyxl writes inline strings)

    workbook = xlsxwriter.Workbook(str(base))
    sheet = workbook.add_worksheet("行政处罚")
    sheet.write_row(0, 0, ["案件编号", "企业名称", "罚款金额"])
    sheet.write_row(1, 0, ["A1", "某公司", 5])
    workbook.close()
    with zipfile.ZipFile(base) as archive:
        strings = archive.read("xl/sharedStrings.xml")
    path = _with_part(base, tmp_path / "laughs-sst.xlsx", "xl/sharedStrings.xml",
                      _xml_with_doctype(strings, LAUGHS, b"&lol9;"))
    assert_refused(path)


def test_external_entity_is_refused(tmp_path):
    base = _small_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    path = _with_part(base, tmp_path / "xxe.xlsx", "xl/worksheets/sheet1.xml",
                      _xml_with_doctype(sheet, doctype, b"&xxe;"))
    line = assert_refused(path)
    assert "root:" not in line


def test_doctype_in_utf16_part_is_refused(tmp_path):
    base = _small_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    text = _xml_with_doctype(sheet, doctype, b"&xxe;").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = _with_part(base, tmp_path / "xxe16.xlsx", "xl/worksheets/sheet1.xml", text.encode("utf-16"))
    assert_refused(path)


# -- zip bombs ------------------------------------------------------------------------------------

def _sheet_stream(megabytes: int):
    yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    block = b" " * (1 << 20)
    for _ in range(megabytes):
        yield block
    yield b"</sheetData></worksheet>"


def _bomb(tmp_path: Path, name: str, megabytes: int) -> tuple[Path, int]:
    """A workbook whose sheet1.xml really inflates to `megabytes` MiB; returns (path, its true size)."""
    base = _small_workbook(tmp_path / "base.xlsx")
    path = tmp_path / name
    size = 0
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new:
        for info in old.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info.filename, old.read(info))
                continue
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            with new.open(member, "w") as stream:
                for chunk in _sheet_stream(megabytes):
                    stream.write(chunk)
                    size += len(chunk)
    return path, size


def _declare_size(path: Path, member: str, declared: int) -> None:
    """Patch the uncompressed size of `member` in its local header and its central directory entry."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(member).header_offset
    assert data[offset:offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, offset + 22, declared)
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, declared)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    else:
        raise AssertionError(f"no central directory entry for {member}")
    path.write_bytes(bytes(data))


def test_bomb_that_lies_about_its_size_is_refused(tmp_path):
    """Declares 1 KB, inflates to ~200 MB: refused without inflating it (or the reader's share of it)."""
    path, size = _bomb(tmp_path, "liar.xlsx", 200)
    assert size > 200 * 2**20 and path.stat().st_size < 2 * 2**20
    _declare_size(path, "xl/worksheets/sheet1.xml", 1024)
    assert_refused(path)


def test_bomb_with_a_huge_ratio_is_refused(tmp_path):
    """Honest about its size, but 16 MiB from a few KiB: over the ratio limit."""
    path, size = _bomb(tmp_path, "ratio.xlsx", 16)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size == size and info.file_size / info.compress_size > 500
    assert_refused(path)


def test_bomb_that_declares_gigabytes_is_refused(tmp_path):
    path, _ = _bomb(tmp_path, "declared.xlsx", 1)
    _declare_size(path, "xl/worksheets/sheet1.xml", 0xFFFF0000)  # ~4 GiB
    assert_refused(path)


# -- formula injection into exports ---------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)"]


def test_export_never_carries_a_formula(tmp_path):
    """Indicator names that a spreadsheet would run: quoted in CSV, text (never a formula) in XLSX."""
    source = tmp_path / "2023.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "其他指标"
    sheet.append(["指标", "数值", "单位"])
    for index, name in enumerate(DANGEROUS):
        sheet.cell(row=index + 2, column=1, value=name).data_type = "s"  # text, as typed with a leading '
        sheet.cell(row=index + 2, column=2, value=10 + index)
        sheet.cell(row=index + 2, column=3, value="件")
    workbook.save(source)
    out = tmp_path / "out"
    done = lawreport("export", str(source), "--to", str(out), "--format", "csv,xlsx")
    assert done.returncode == 0, done.stderr
    csv_files = list(out.glob("*.csv"))
    xlsx_files = list(out.glob("*.xlsx"))
    assert csv_files and xlsx_files, list(out.iterdir())

    cells = [cell for path in csv_files
             for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for cell in row]
    for name in DANGEROUS:
        assert name not in cells, f"{name!r} is a bare CSV cell: a spreadsheet would run it"
        assert "'" + name in cells, f"{name!r} does not appear quoted as '{name!r} in the CSV"
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")], "a CSV cell starts with a formula sign"

    seen = set()
    for path in xlsx_files:
        for worksheet in openpyxl.load_workbook(path).worksheets:
            for row in worksheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{worksheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                    if cell.value in DANGEROUS or (isinstance(cell.value, str) and cell.value.lstrip("'") in DANGEROUS):
                        assert cell.data_type == "s", f"{worksheet.title}!{cell.coordinate}: {cell.data_type}"
                        seen.add(cell.value.lstrip("'"))
    assert seen == set(DANGEROUS), f"names missing from the XLSX: {set(DANGEROUS) - seen}"
