"""export --format docx: the GB/T 9704-2012 draft, read back with python-docx and as XML."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from conftest import PENALTY_HEADER, penalty, write_workbook
from conftest_render import CITY_AIR, seed_comparison, summary
from lawreport_cli.cli import cli
from lawreport_cli.render import FILE_EXPORTERS
from lawreport_cli.render.docx import level1_number, level2_number, summary_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEME_ATTRIBUTES = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")


def parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def read(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def compared() -> bytes:
    comparison = seed_comparison()
    return summary_docx(comparison.current, comparison)


@pytest.fixture(scope="module")
def plain() -> bytes:
    return summary_docx(summary())


def style(document, name: str):
    return document.styles[name].element


def run_fonts(rpr) -> dict[str, str]:
    fonts = rpr.find(qn("w:rFonts"))
    return {key: fonts.get(qn(f"w:{key}")) for key in ("ascii", "hAnsi", "eastAsia", "cs")}


# ---------------------------------------------------------------- page


def test_page_is_a4_with_gbt9704_margins(plain):
    sect = re.search(r"<w:sectPr>.*</w:sectPr>", parts(plain)["word/document.xml"]).group(0)
    # 210 x 297 mm; 1 mm = 1440 / 25.4 twips: 37 mm = 2097.6 -> 2098, 35 -> 1984, 28 -> 1587, 26 -> 1474
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in sect
    margins = dict(re.findall(r'w:(top|bottom|left|right)="(\d+)"', sect))
    assert margins == {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}
    assert 'w:linePitch="579"' in sect
    section = read(plain).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_body_style_fangsong_sanhao_exact_579_two_character_indent(plain):
    normal = style(read(plain), "Normal")
    assert run_fonts(normal.rPr) == dict.fromkeys(("ascii", "hAnsi", "eastAsia", "cs"), "仿宋_GB2312")
    assert normal.rPr.find(qn("w:sz")).get(qn("w:val")) == "32"  # half-points: 16 pt = 三号
    spacing = normal.pPr.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    indent = normal.pPr.find(qn("w:ind"))
    assert (indent.get(qn("w:firstLineChars")), indent.get(qn("w:firstLine"))) == ("200", "640")
    # 22 lines fill the 225 mm text block: 22 x 579 twips = 224.7 mm
    assert abs(22 * 579 / 1440 * 25.4 - (297 - 37 - 35)) < 0.5


def test_title_and_heading_fonts(plain):
    document = read(plain)
    expected = {"Title": ("方正小标宋简体", "44"), "Heading 1": ("黑体", "32"), "Heading 2": ("楷体_GB2312", "32")}
    for name, (font, size) in expected.items():
        element = style(document, name)
        assert run_fonts(element.rPr)["eastAsia"] == font, name
        assert run_fonts(element.rPr)["ascii"] == font, name
        assert element.rPr.find(qn("w:sz")).get(qn("w:val")) == size, name
        assert element.rPr.find(qn("w:b")) is None and element.rPr.find(qn("w:color")) is None, name
    title = document.paragraphs[0]
    assert title.style.name == "Title" and title.text == "2023年生态环境统计数据"
    assert style(document, "Title").pPr.find(qn("w:jc")).get(qn("w:val")) == "center"
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "一、环境质量"), ("Heading 2", "（一）空气质量"),
                        ("Heading 1", "二、执法监管"), ("Heading 2", "（一）执法检查"),
                        ("Heading 2", "（二）行政处罚"), ("Heading 2", "（三）生态环境损害赔偿"),
                        ("Heading 1", "三、其他指标")]
    # every run names its own fonts, so no style or theme can send it elsewhere
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert run_fonts(run._r.rPr)["eastAsia"] in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312")


def test_no_theme_fonts_anywhere_and_language_zh_cn(plain):
    xml = parts(plain)
    for name, text in xml.items():
        for attribute in THEME_ATTRIBUTES:
            assert f"w:{attribute}=" not in text, (name, attribute)
    assert "word/stylesWithEffects.xml" not in xml
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", xml["word/styles.xml"]).group(0)
    assert 'w:eastAsia="仿宋_GB2312"' in defaults and "Theme" not in defaults
    assert re.search(r'<w:lang w:val="zh-CN" w:eastAsia="zh-CN"', defaults)
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', xml["word/settings.xml"])
    # a machine without the fonts substitutes a GB2312 (charset 86) face
    assert re.search(r'<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>',
                     xml["word/fontTable.xml"])


def test_page_numbers_dashes_page_field_odd_right_even_left(plain):
    xml = parts(plain)
    assert "<w:evenAndOddHeaders/>" in xml["word/settings.xml"]
    document = read(plain)
    section = document.sections[0]
    odd, even = section.footer, section.even_page_footer
    assert not odd.is_linked_to_previous and not even.is_linked_to_previous
    for footer, side in ((odd, "right"), (even, "left")):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —"  # the PAGE field's cached result between two 一字线
        p = paragraph._p
        assert p.pPr.find(qn("w:jc")).get(qn("w:val")) == side
        assert p.pPr.find(qn("w:ind")).get(qn(f"w:{side}Chars")) == "100"  # one character in
        assert [e.text for e in p.iter(qn("w:instrText"))] == [" PAGE "]
        kinds = [e.get(qn("w:fldCharType")) for e in p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        for run in paragraph.runs:
            assert run_fonts(run._r.rPr)["eastAsia"] == "宋体"
            assert run._r.rPr.find(qn("w:sz")).get(qn("w:val")) == "28"  # 四号 14 pt


# ---------------------------------------------------------------- content


def cell_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_sections_have_prose_and_a_table_with_units(plain):
    document = read(plain)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "今年以来，累计检查企业2800余家次" in text
    assert "数据来源：2023.xlsx。" in text  # the file's name, not the path it had on the clerk's machine
    assert "共处罚款609.7157万元" in text
    tables = [cell_rows(table) for table in document.tables]
    penalties = next(rows for rows in tables if rows[1][0] == "立案数")
    assert penalties[0] == ["指标", "数值", "单位"]
    assert ["罚款金额", "609.7157", "万元"] in penalties
    assert ["免罚金额", "1413.2207", "万元"] in penalties
    air = next(rows for rows in tables if rows[1][0] == "有效监测天数")
    assert ["优良天数比率", "62.6", "%"] in air and ["SO2平均浓度", "6", "µg/m³"] in air
    indicators = next(rows for rows in tables if rows[1][0] == "学法次数")
    assert ["学法次数", "9", "次"] in indicators
    # the header row repeats on every page a table runs to
    assert document.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # 仿宋_GB2312 四号 (黑体 in the header row), off the 579-twip line grid
    header, first = document.tables[0].rows[0].cells[0], document.tables[0].rows[1].cells[0]
    assert run_fonts(header.paragraphs[0].runs[0]._r.rPr)["eastAsia"] == "黑体"
    run = first.paragraphs[0].runs[0]._r.rPr
    assert run_fonts(run)["eastAsia"] == "仿宋_GB2312" and run.find(qn("w:sz")).get(qn("w:val")) == "28"
    table_text = style(document, "TableText")
    assert table_text.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"


def test_compare_table_has_both_years_and_the_trend_words(compared):
    document = read(compared)
    air = next(cell_rows(t) for t in document.tables if cell_rows(t)[1][0] == "有效监测天数")
    assert air[0] == ["指标", "单位", "2022年", "2023年", "同比"]
    assert ["SO2平均浓度", "µg/m³", "7", "6", "改善14.3%"] in air  # 7 -> 6 µg/m³
    assert ["优良天数比率", "%", "61.4", "62.6", "+1.2个百分点"] in air
    penalties = next(cell_rows(t) for t in document.tables if cell_rows(t)[1][0] == "立案数")
    assert ["立案数", "件", "100", "109", "增加9.0%"] in penalties
    assert ["移送公安机关", "起", "0", "15", "新增"] in penalties
    text = "\n".join(p.text for p in document.paragraphs)
    assert "SO₂同比改善14.3%" in text and "同比为与2022年同期" in text
    assert "评价依据：HJ 633—2012、HJ 663—2013。" in text  # under the air table only
    assert text.count("评价依据") == 1


def test_cities_get_their_own_table():
    result = summary(values={}, indicators=[], by_city=CITY_AIR)
    document = read(summary_docx(result))
    rows = cell_rows(document.tables[-1])
    assert rows[0] == ["城市", "指标", "数值", "单位"]
    assert ["济宁市", "SO2平均浓度", "9", "µg/m³"] in rows
    assert "3个城市中，枣庄市空气优良天数达到209天" in "\n".join(p.text for p in document.paragraphs)


def test_numbering():
    assert [level1_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一、", "九、", "十、", "十一、", "二十、", "二十三、"]
    assert level2_number(2) == "（二）"


# ---------------------------------------------------------------- bytes


def test_same_input_same_bytes_and_fixed_dates(compared):
    comparison = seed_comparison()
    assert summary_docx(comparison.current, comparison) == compared
    with zipfile.ZipFile(io.BytesIO(compared)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = read(compared).core_properties
    assert {core.created.isoformat(), core.modified.isoformat(), core.last_printed.isoformat()} == {
        "2023-12-31T00:00:00+00:00"}
    assert core.revision == 1
    assert "rsid" not in parts(compared)["word/document.xml"]


def test_registered_as_an_export_format(tmp_path):
    write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(fine=6_097_157)]})
    out = tmp_path / "out"
    runs = [CliRunner().invoke(cli, ["export", str(tmp_path / "2023.xlsx"), "--format", "docx", "--to", str(out)])
            for _ in range(2)]
    assert [run.exit_code for run in runs] == [0, 0], runs[0].output
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["2023-summary.docx"]
    document = read((out / "2023-summary.docx").read_bytes())
    rows = next(cell_rows(t) for t in document.tables if cell_rows(t)[1][0] == "立案数")
    assert ["罚款金额", "609.7157", "万元"] in rows  # 6,097,157 元
    assert FILE_EXPORTERS["docx"] is summary_docx
    default = tmp_path / "default"
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "2023.xlsx"), "--to", str(default)])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in default.iterdir() if not p.name.startswith(".")) == [
        ".csv", ".json", ".md", ".txt", ".xlsx"]  # the draft only when asked for


def test_help_imports_no_word_library():
    import subprocess as run
    import sys

    code = ("import sys; from lawreport_cli.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('docx', 'docxtpl', 'jinja2', 'lxml') if m in sys.modules))")
    output = run.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------- LibreOffice


def test_libreoffice_pdf_has_the_figures(tmp_path, compared):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if not soffice or not pdftotext:
        pytest.skip("LibreOffice or pdftotext not installed: apt-get install libreoffice-writer-nogui poppler-utils")
    source = tmp_path / "2023-summary.docx"
    source.write_bytes(compared)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run([pdftotext, str(tmp_path / "2023-summary.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = re.sub(r"\s+", "", text)
    for figure in ("609.7157", "1413.2207", "81.7796", "14.3%", "—1—", "—2—"):
        assert figure in flat, figure
    fc_list = shutil.which("fc-list")
    if fc_list and subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout.strip():
        # with a Chinese font installed the Chinese text comes through too
        for words in ("2023年生态环境统计数据", "改善14.3%", "共处罚款609.7157万元"):
            assert words in flat, words
