"""The statistics as a Word draft in the layout of GB/T 9704-2012 (党政机关公文格式).

Page (GB/T 9704 §5.2.1, §5.2.2): A4 210 × 297 mm; margins top 37 mm, bottom
35 mm, left 28 mm, right 26 mm, so the text block is 156 × 225 mm: 22 lines of
28 characters at 三号, a line pitch of 225 mm / 22 ≈ 28.95 pt = 579 twips.
Body 仿宋_GB2312 三号 (16 pt), exact line spacing 579 twips, first line indented
two characters; title 方正小标宋简体 二号 (22 pt) centred; level-1 headings
("一、") 黑体 三号, level-2 ("（一）") 楷体_GB2312 三号; page numbers "— 1 —" in
宋体 四号 (14 pt), 7 mm below the text block, odd pages right and even pages left,
one character in from the edge (§7.5). Tables are 仿宋_GB2312 四号, single spaced.

Fonts: python-docx's `Font.name` sets only w:ascii/w:hAnsi, and its default
template names theme fonts (w:asciiTheme, w:eastAsiaTheme…) in docDefaults and
every heading style, which override explicit names: Word then sets Chinese in
the theme's East Asian font, MS Mincho with the template's ja-JP theme language
(python-docx#1601). So every w:rFonts in styles.xml loses its theme attributes,
the styles and runs name w:ascii, w:hAnsi, w:eastAsia and w:cs, the theme font
language is zh-CN, and the font table lists the Chinese fonts with the GB2312
charset so that a machine without them substitutes a Chinese face. Whether the
fonts are installed is the user's machine's business.

The bytes depend only on the result: core properties dated the period's last
day, revision 1, no rsids or random ids, every zip entry dated 1980-01-01.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import PurePath

from ..model import Change, Comparison, Summary, format_value
from .section_prose import section_paragraphs
from .standards_text import standards_for
from .table import section_title, summary_footer, year_label, yoy_text
from .words import word

# -- GB/T 9704-2012, in twips (1 mm = 1440 / 25.4 twips, rounded; python-docx's Mm() rounds alike) --

def mm_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


PAGE_WIDTH = mm_twips(210)  # 11906
PAGE_HEIGHT = mm_twips(297)  # 16838
MARGINS = {"top": mm_twips(37), "bottom": mm_twips(35), "left": mm_twips(28), "right": mm_twips(26)}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]  # 156 mm
LINE_PITCH = 579  # 225 mm / 22 lines
HEADER_DISTANCE = mm_twips(15)
# The page number's line top is 7 mm below the text block; its line is 四号 (about 5 mm) tall.
FOOTER_DISTANCE = mm_twips(35 - 7 - 5)

FONTS = {
    "body": "仿宋_GB2312",
    "title": "方正小标宋简体",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "page_number": "宋体",
    "table": "仿宋_GB2312",
    "table_header": "黑体",
}
# Font table entries: name -> (alternative name, family). Charset 86 is GB2312.
FONT_TABLE = {
    "仿宋_GB2312": ("仿宋", "modern"),
    "方正小标宋简体": ("宋体", "auto"),
    "黑体": ("SimHei", "modern"),
    "楷体_GB2312": ("楷体", "modern"),
    "宋体": ("SimSun", "auto"),
}
SIZES_PT = {"三号": 16, "二号": 22, "四号": 14}
INDENT_CHARS = 200  # hundredths of a character: two characters
LANGUAGE = "zh-CN"

# Style ids in the document and what they look like: (name, font, size, centred, indented).
STYLES = {
    "Normal": (FONTS["body"], "三号"),
    "Title": (FONTS["title"], "二号"),
    "Heading1": (FONTS["heading1"], "三号"),
    "Heading2": (FONTS["heading2"], "三号"),
    "Footer": (FONTS["page_number"], "四号"),
}
TEXT_STYLES = ("Normal", "Title", "Heading1", "Heading2")  # the page's own text, on the 579-twip grid
TABLE_TEXT_STYLE = "TableText"  # 表格文字: 仿宋_GB2312 四号, single spaced, no indent

NUMERALS = "一二三四五六七八九十"
DASH = "—"  # 一字线 (U+2014) on both sides of the page number

WORDS = {
    "title": ("{span}生态环境统计数据", "Environmental statistics, {span}"),
    "period": ("统计期间：{start}至{end}。数据来源：{source}。", "Period: {start} to {end}. Source: {source}."),
    "compared": ("同比为与{year}同期（{start}至{end}）相比。", "Year on year: against {year}, {start} to {end}."),
    # 指标, 数值, 单位, 城市, 同比: the table words every renderer shares (render/words.py).
    "main": ("主要数据", "Figures"),
    "by_city": ("分城市情况", "By city"),
    "ranks": ("改善幅度排名", "Improvement ranks"),
    "standards": ("评价依据：{standards}。", "Standards applied: {standards}."),
}
# Report parts (level-1 headings) and the sections under them (level-2), in report order.
# A section no part names goes into the last part, "其他情况".
PARTS: tuple[tuple[tuple[str, str], tuple[str, ...]], ...] = (
    (("环境质量", "Environmental quality"), ("air", "water")),
    (("执法监管", "Enforcement"), ("inspections", "penalties", "compensation")),
    (("其他指标", "Other indicators"), ("indicators",)),
)
OTHER_PART = ("其他情况", "Other")


def _w(key: str, lang: str) -> str:
    return WORDS[key][lang == "en"] if key in WORDS else word(key, lang)


def _date_text(day: dt.date, lang: str) -> str:
    return day.isoformat() if lang == "en" else f"{day.year}年{day.month}月{day.day}日"


def level1_number(index: int) -> str:
    """一、 二、 … 十、 十一、 (index from 1)."""
    if index <= 10:
        return NUMERALS[index - 1] + "、"
    tens, ones = divmod(index, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "") + "、"


def level2_number(index: int) -> str:
    return "（" + level1_number(index)[:-1] + "）"


# -- OOXML helpers ------------------------------------------------------------------------

def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


THEME_ATTRIBUTES = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")


def set_fonts(rpr, name: str) -> None:
    """Name `name` for every script on an rPr, and drop the theme fonts that would override it."""
    rfonts = rpr.get_or_add_rFonts()
    for attribute in THEME_ATTRIBUTES:
        rfonts.attrib.pop(_qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(_qn(attribute), name)


def set_language(rpr) -> None:
    lang = rpr.find(_qn("w:lang"))
    if lang is None:
        from docx.oxml import OxmlElement

        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(_qn("w:val"), LANGUAGE)
    lang.set(_qn("w:eastAsia"), LANGUAGE)


def _set_size(rpr, points: float) -> None:
    from docx.oxml import OxmlElement

    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(_qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.insert_element_before(element, "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
                                      "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                                      "w:specVanish", "w:oMath")
        element.set(_qn("w:val"), str(round(points * 2)))  # half-points


def strip_theme_fonts(element) -> None:
    """Remove theme font attributes from every w:rFonts under `element`."""
    for rfonts in element.iter(_qn("w:rFonts")):
        for attribute in THEME_ATTRIBUTES:
            rfonts.attrib.pop(_qn(attribute), None)


def _indent(ppr, chars: int | None, twips: int) -> None:
    """First-line indent in characters (w:firstLineChars, which Word uses) and in twips (for the rest)."""
    ind = ppr.get_or_add_ind()
    for attribute in list(ind.attrib):
        del ind.attrib[attribute]
    ind.set(_qn("w:firstLineChars"), str(chars or 0))
    ind.set(_qn("w:firstLine"), str(twips if chars else 0))


def _configure_paragraph_style(style, font: str, size: str, *, centred: bool = False, indented: bool = True,
                               line_exact: bool = True) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Twips

    element = style.element
    rpr = element.get_or_add_rPr()
    for child in list(rpr):
        # Colours, borders and bold of the template's headings are not 公文's.
        if child.tag in (_qn("w:color"), _qn("w:b"), _qn("w:bCs"), _qn("w:i"), _qn("w:iCs"), _qn("w:spacing"),
                         _qn("w:kern")):
            rpr.remove(child)
    set_fonts(rpr, font)
    _set_size(rpr, SIZES_PT[size])
    set_language(rpr)
    ppr = element.get_or_add_pPr()
    for child in list(ppr):
        if child.tag in (_qn("w:pBdr"), _qn("w:contextualSpacing")):
            ppr.remove(child)
    fmt = style.paragraph_format
    fmt.space_before = Twips(0)
    fmt.space_after = Twips(0)
    if line_exact:
        fmt.line_spacing = Twips(LINE_PITCH)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    else:
        fmt.line_spacing = 1.0
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
    points = SIZES_PT[size]
    _indent(ppr, INDENT_CHARS if indented else None, round(points * 20 * INDENT_CHARS / 100))


# The template's styles this document uses; its ~150 others (table looks, lists…) are dropped.
KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Title", "TitleChar",
               "Heading1", "Heading1Char", "Heading2", "Heading2Char", "Header", "HeaderChar", "Footer",
               "FooterChar"}


def _configure_styles(document) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    styles_element = document.styles.element
    for element in styles_element.findall(_qn("w:style")):
        if element.get(_qn("w:styleId")) not in KEPT_STYLES:
            styles_element.remove(element)
    strip_theme_fonts(styles_element)
    defaults = styles_element.find(_qn("w:docDefaults"))
    rpr = defaults.find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
    set_fonts(rpr, FONTS["body"])
    _set_size(rpr, SIZES_PT["三号"])
    set_language(rpr)
    spacing = defaults.find(_qn("w:pPrDefault")).find(_qn("w:pPr")).find(_qn("w:spacing"))
    if spacing is not None:
        for attribute, value in (("w:after", "0"), ("w:line", str(LINE_PITCH)), ("w:lineRule", "exact")):
            spacing.set(_qn(attribute), value)

    styles = document.styles
    _configure_paragraph_style(styles["Normal"], *STYLES["Normal"])
    _configure_paragraph_style(styles["Title"], *STYLES["Title"], centred=True, indented=False)
    _configure_paragraph_style(styles["Heading 1"], *STYLES["Heading1"])
    _configure_paragraph_style(styles["Heading 2"], *STYLES["Heading2"])
    _configure_paragraph_style(styles["Footer"], *STYLES["Footer"], indented=False)
    table_text = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = styles["Normal"]
    _configure_paragraph_style(table_text, FONTS["table"], "四号", centred=True, indented=False, line_exact=False)
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    table_text.paragraph_format.space_before = Pt(2)  # a little air in the cells
    table_text.paragraph_format.space_after = Pt(2)
    # Off the page's 579-twip line grid, or every table line would take a full body line.

    snap = OxmlElement("w:snapToGrid")
    snap.set(_qn("w:val"), "0")
    table_text.element.get_or_add_pPr().insert_element_before(
        snap, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange")
    # The character styles linked to headings and title carry theme fonts and colours too.
    for style_id in ("Heading1Char", "Heading2Char", "TitleChar"):
        for style in styles_element.findall(_qn("w:style")):
            if style.get(_qn("w:styleId")) == style_id:
                rpr = style.find(_qn("w:rPr"))
                if rpr is not None:
                    for child in list(rpr):
                        if child.tag in (_qn("w:color"), _qn("w:b"), _qn("w:bCs"), _qn("w:i"), _qn("w:iCs")):
                            rpr.remove(child)


def _configure_settings(document) -> None:
    settings = document.settings
    settings.odd_and_even_pages_header_footer = True  # w:evenAndOddHeaders
    element = settings.element
    theme_lang = element.find(_qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(_qn("w:eastAsia"), LANGUAGE)
    rsids = element.find(_qn("w:rsids"))
    if rsids is not None:
        element.remove(rsids)


def _font_table_xml() -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    fonts = [f'<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/>'
             f'<w:pitch w:val="variable"/></w:font>']
    for name, (alternative, family) in FONT_TABLE.items():
        fonts.append(f'<w:font w:name="{name}"><w:altName w:val="{alternative}"/><w:charset w:val="86"/>'
                     f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:fonts xmlns:w=\"{ns}\">"
            + "".join(fonts) + "</w:fonts>").encode("utf-8")


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _configure_package(document) -> None:
    """Drop parts that would contradict the styles; list the Chinese fonts."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            part.rels.pop(rel_id)  # a Word 2010 copy of the styles, still with theme fonts
        elif rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = _font_table_xml()
    package = part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)  # a picture of the template's blank page


def _configure_section(document) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Twips

    section = document.sections[0]
    section.page_width = Twips(PAGE_WIDTH)
    section.page_height = Twips(PAGE_HEIGHT)
    section.top_margin = Twips(MARGINS["top"])
    section.bottom_margin = Twips(MARGINS["bottom"])
    section.left_margin = Twips(MARGINS["left"])
    section.right_margin = Twips(MARGINS["right"])
    section.header_distance = Twips(HEADER_DISTANCE)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    sect_pr = section._sectPr
    for attribute in list(sect_pr.attrib):
        if attribute.startswith(_qn("w:rsid")[:-4]):
            del sect_pr.attrib[attribute]
    grid = sect_pr.find(_qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(_qn("w:type"), "lines")
    grid.set(_qn("w:linePitch"), str(LINE_PITCH))
    _page_number(section.footer.paragraphs[0], "right")
    _page_number(section.even_page_footer.paragraphs[0], "left")


def _run(paragraph, text: str, font: str, size: str):
    """A run naming its fonts and size itself, so no style or theme can send it elsewhere."""
    run = paragraph.add_run(text)
    rpr = run._r.get_or_add_rPr()
    set_fonts(rpr, font)
    _set_size(rpr, SIZES_PT[size])
    return run


def _paragraph(container, style_id: str, text: str | None = None):
    """A paragraph of style `style_id` (set by id: python-docx's lookup by name scans every style)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Twips

    paragraph = container.add_paragraph()
    if style_id != "Normal":
        paragraph._p.style = style_id
    if style_id in TEXT_STYLES:
        # The style's layout again on the paragraph itself, so that it reads the same to any reader
        # that looks only at the paragraph (and survives a pasted-in style of the same name).
        fmt = paragraph.paragraph_format
        fmt.space_before = Twips(0)
        fmt.space_after = Twips(0)
        fmt.line_spacing = Twips(LINE_PITCH)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        centred = style_id == "Title"
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
        _indent(paragraph._p.get_or_add_pPr(), None if centred else INDENT_CHARS,
                0 if centred else SIZES_PT["三号"] * 20 * INDENT_CHARS // 100)
    if text is not None:
        _run(paragraph, text, *STYLES.get(style_id, STYLES["Normal"]))
    return paragraph


def _field_char(run, kind: str) -> None:
    from docx.oxml import OxmlElement

    element = OxmlElement("w:fldChar")
    element.set(_qn("w:fldCharType"), kind)
    run._r.append(element)


def _page_number(paragraph, side: str) -> None:
    """"— 1 —" with a PAGE field, on the outer side, one character in from the text block's edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement

    paragraph._p.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(_qn(f"w:{side}Chars"), "100")
    ind.set(_qn(f"w:{side}"), str(SIZES_PT["四号"] * 20))
    font, size = FONTS["page_number"], "四号"
    _run(paragraph, DASH + " ", font, size)
    _field_char(_run(paragraph, "", font, size), "begin")
    instruction = _run(paragraph, "", font, size)
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    instruction._r.append(instr)
    _field_char(_run(paragraph, "", font, size), "separate")
    _run(paragraph, "1", font, size)
    _field_char(_run(paragraph, "", font, size), "end")
    _run(paragraph, " " + DASH, font, size)


# -- content ------------------------------------------------------------------------------

def _heading(document, text: str, level: int) -> None:
    _paragraph(document, f"Heading{level}", text)


def _body(document, text: str) -> None:
    _paragraph(document, "Normal", text)


def _table(document, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Twips

    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table._tbl.tblPr.style = "TableGrid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    twips = [round(TEXT_WIDTH * share / sum(widths)) for share in widths]
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(_qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(_qn("w:w"), str(sum(twips)))
    width.set(_qn("w:type"), "dxa")
    header_row = table.rows[0]
    tr_pr = header_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table runs to
    tr_pr.append(repeat)
    for row_index, (row, cells) in enumerate(zip(table.rows, [headers] + rows)):
        for col, (cell, text) in enumerate(zip(row.cells, cells)):
            cell.width = Twips(twips[col])
            paragraph = cell.paragraphs[0]
            paragraph._p.style = TABLE_TEXT_STYLE
            if col == 0 and row_index:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if row_index == 0:
                _run(paragraph, text, FONTS["table_header"], "四号")
            else:
                _run(paragraph, text, FONTS["table"], "四号")
    for col, width in enumerate(twips):
        table.columns[col].width = Twips(width)


def _figure_rows(summary: Summary, comparison: Comparison | None, section: str, lang: str):
    figures = [figure for figure in summary.figures.values() if figure.metric.section == section]
    if comparison is None:
        headers = [_w("figure", lang), _w("value", lang), _w("unit", lang)]
        rows = [[f.metric.label_for(lang), format_value(f.metric, f.value), f.metric.unit] for f in figures]
        return headers, rows, [5, 3, 2]
    headers = [_w("figure", lang), _w("unit", lang), year_label(comparison.previous.year, lang),
               year_label(comparison.current.year, lang), _w("yoy", lang)]
    rows = []
    for figure in figures:
        metric = figure.metric
        change: Change | None = comparison.changes.get(metric.id)
        previous = change.previous if change is not None else None
        rows.append([metric.label_for(lang), metric.unit, format_value(metric, previous),
                     format_value(metric, figure.value),
                     yoy_text(change, lang) if change is not None and not change.one_sided else ""])
    return headers, rows, [4.4, 1.6, 1.8, 1.8, 2.4]


def _city_rows(summary: Summary, comparison: Comparison | None, section: str, lang: str):
    headers = [_w("city", lang), _w("figure", lang), _w("value", lang), _w("unit", lang)]
    widths = [2, 4.4, 1.8, 1.8]
    if comparison is not None:
        headers = [_w("city", lang), _w("figure", lang), _w("unit", lang),
                   year_label(comparison.previous.year, lang), year_label(comparison.current.year, lang),
                   _w("yoy", lang)]
        widths = [1.8, 3.6, 1.4, 1.6, 1.6, 2.2]
    rows = []
    for city, figures in summary.by_city.items():
        changes = comparison.by_city.get(city, {}) if comparison is not None else {}
        for figure in figures.values():
            metric = figure.metric
            if metric.section != section:
                continue
            if comparison is None:
                rows.append([city, metric.label_for(lang), format_value(metric, figure.value), metric.unit])
                continue
            change = changes.get(metric.id)
            previous = change.previous if change is not None else None
            rows.append([city, metric.label_for(lang), metric.unit, format_value(metric, previous),
                         format_value(metric, figure.value),
                         yoy_text(change, lang) if change is not None and not change.one_sided else ""])
        if comparison is not None and section == "air":
            from ..metrics.registry import metric_for

            for rank_id, rank in comparison.ranks.get(city, {}).items():
                metric = metric_for(rank_id)
                rows.append([city, metric.label_for(lang), metric.unit, "", str(rank), ""])
    return headers, rows, widths


def report_parts(sections: list[str]) -> list[tuple[tuple[str, str], list[str]]]:
    """The level-1 parts that have sections, each with its sections, in report order."""
    parts = []
    placed: set[str] = set()
    for title, names in PARTS:
        present = [name for name in names if name in sections]
        placed |= set(present)
        if present:
            parts.append((title, present))
    rest = [name for name in sections if name not in placed]
    if rest:
        parts.append((OTHER_PART, rest))
    return parts


def _section_content(document, summary: Summary, comparison: Comparison | None, section: str, lang: str) -> None:
    for paragraph in section_paragraphs(summary, comparison, section, lang):
        _body(document, paragraph)
    headers, rows, widths = _figure_rows(summary, comparison, section, lang)
    if rows:
        _table(document, headers, rows, widths)
    if any(f.metric.section == section for figures in summary.by_city.values() for f in figures.values()):
        _body(document, _w("by_city", lang) + ("：" if lang != "en" else ":"))
        headers, rows, widths = _city_rows(summary, comparison, section, lang)
        _table(document, headers, rows, widths)
    standards = standards_for(summary, section)
    if standards:
        _body(document, _w("standards", lang).format(standards=("、" if lang != "en" else ", ").join(standards)))


def _title_span(summary: Summary, lang: str) -> str:
    from .prose import span_text

    if lang == "en":
        return summary.period.label("en")
    return span_text(summary, "compensation")  # "2023年" or "2023年1-11月"


def build_document(summary: Summary, comparison: Comparison | None = None, lang: str = "zh"):
    """The python-docx Document of the draft (before the bytes are made deterministic)."""
    from docx import Document

    document = Document()
    _configure_package(document)
    _configure_styles(document)
    _configure_settings(document)
    _configure_section(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(_qn("w:p"))):
        body.remove(paragraph)  # the template's empty first paragraph

    title = _w("title", lang).format(span=_title_span(summary, lang))
    _paragraph(document, "Title", title)
    _paragraph(document, "Normal")  # a blank line under the title (GB/T 9704 §7.3.3)
    period = summary.period
    _body(document, _w("period", lang).format(start=_date_text(period.start, lang), end=_date_text(period.end, lang),
                                              source=PurePath(summary.source).name))
    if comparison is not None:
        previous = comparison.previous.period
        _body(document, _w("compared", lang).format(year=year_label(comparison.previous.year, lang),
                                                    start=_date_text(previous.start, lang),
                                                    end=_date_text(previous.end, lang)))
        if comparison.period_note:
            _body(document, comparison.period_note)

    for part_index, ((zh, en), sections) in enumerate(report_parts(summary.sections()), start=1):
        part_title = en if lang == "en" else zh
        _heading(document, (f"{part_index}. " if lang == "en" else level1_number(part_index)) + part_title, 1)
        single = len(sections) == 1 and section_title(sections[0], lang) == part_title
        for section_index, section in enumerate(sections, start=1):
            if not single:
                number = f"({section_index}) " if lang == "en" else level2_number(section_index)
                _heading(document, number + section_title(section, lang), 2)
            _section_content(document, summary, comparison, section, lang)
    for line in summary_footer(summary, lang):
        _body(document, line)
    _core_properties(document, summary, title)
    return document


def document_date(summary: Summary) -> dt.datetime:
    end = summary.period.end
    return dt.datetime(end.year, end.month, end.day)


def _core_properties(document, summary: Summary, title: str) -> None:
    core = document.core_properties
    when = document_date(summary)
    core.title = title
    core.subject = summary.source
    core.author = "lawreport"
    core.last_modified_by = "lawreport"
    core.comments = ""
    core.keywords = ""
    core.category = ""
    core.revision = 1
    core.created = when
    core.modified = when
    core.last_printed = when
    core.language = LANGUAGE


ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01 and made on one system, so equal input gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename), compresslevel=6)
    return buffer.getvalue()


def document_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def summary_docx(summary: Summary, comparison: Comparison | None = None, lang: str = "zh") -> bytes:
    """The draft as bytes; the same result always gives the same bytes."""
    return document_bytes(build_document(summary, comparison, lang))
