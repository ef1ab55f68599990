"""A workbook made for people: one sheet per report section, charts by month.

Numbers are real numbers with number formats (万元 `0.0000`, rates `0.0`,
counts `0`), so people can add them up; text from the input is always
written with write_string, so a city or indicator named "=..." is text and
never a formula. The bytes depend only on the result: the creation date is
the period's last day and xlsxwriter dates every zip entry 1980-01-01.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from wcwidth import wcswidth

from ..metrics.registry import MetricDef, metric_for
from ..model import Change, Comparison, Summary, format_value, money_decimal
from .layout import by_section, present_sections
from .words import section_title, standards_line, unit_suffix, year_label, yoy_text

SHEETS = {
    "compare": ("同比", "Year on year"),
    "monthly": ("月度", "Monthly"),
    "about": ("说明", "About"),
}
HEADERS = {
    "figure": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "id": ("编号", "ID"),
    "city": ("城市", "City"),
    "change": ("变化", "Change"),
    "change_pct": ("变化率(%)", "Change (%)"),
    "yoy": ("同比", "Year on year"),
    "month": ("月份", "Month"),
    "source": ("来源", "Source"),
    "previous_source": ("上年来源", "Previous year's source"),
    "period": ("期间", "Period"),
    "year": ("年度", "Year"),
    "rows_left_out": ("未计入的错误行", "Rows left out (errors)"),
    "note": ("说明", "Note"),
    "severity": ("级别", "Severity"),
    "location": ("位置", "Location"),
    "code": ("代码", "Code"),
    "message": ("问题", "Message"),
}
MONTH = ("{n}月", "{n}")

# Monthly series (Summary.monthly) and how the 月度 sheet shows them.
LEVELS = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
LEVEL_EN = dict(zip(LEVELS, ("Excellent", "Good", "Lightly polluted", "Moderately polluted",
                             "Heavily polluted", "Severely polluted")))
# The colours of the HJ 633 levels (green, yellow, orange, red, purple, maroon).
LEVEL_COLOURS = dict(zip(LEVELS, ("#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023")))
LEVEL_PREFIX = "air.days_by_level."
MONTHLY_COUNTS = {
    "penalties.fines": ("罚款金额(万元)", "Fines (万元)"),
    "penalties.cases_filed": ("立案数(件)", "Cases filed"),
    "penalties.decisions": ("下达处罚决定书(件)", "Penalty decisions"),
}
CHARTS = {
    "levels": ("空气质量等级天数（按月）", "Days by air quality level, by month", "天", "days"),
    "fines": ("罚款金额（按月）", "Fines by month", "万元", "万元"),
    "cases": ("立案与处罚决定（按月）", "Cases filed and decisions by month", "件", "cases"),
}
FINDING_SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}

MAX_WIDTH = 60


def _t(table: dict, key: str, lang: str) -> str:
    return table[key][lang == "en"]


def display_width(text: str) -> int:
    """Columns `text` takes: CJK characters count 2, as in Excel's default fonts."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def decimals_of(metric: MetricDef, value) -> int:
    if metric.kind == "money":
        return 4
    if metric.kind in ("count", "rank"):
        return 0
    exponent = Decimal(value).as_tuple().exponent if value is not None else 0
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(metric.decimals, own)


class _Sheet:
    """A worksheet that remembers how wide its text is, to size the columns."""

    def __init__(self, book: "_Book", name: str):
        self.book = book
        self.ws = book.wb.add_worksheet(name)
        self.name = name
        self.widths: dict[int, int] = {}
        self.section: str | None = None  # the report section a section sheet shows, for its print footer
        self.landscape = False
        book.sheets.append(self)

    def _grow(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 0), display_width(text))

    def text(self, row: int, col: int, text: str, fmt=None) -> None:
        if not text:
            return  # a blank cell, not an empty string
        self.ws.write_string(row, col, text, fmt)
        self._grow(col, text)

    def header(self, row: int, cells: list[str]) -> None:
        for col, text in enumerate(cells):
            self.text(row, col, text, self.book.bold)

    def value(self, row: int, col: int, metric: MetricDef, value) -> None:
        if value is None:
            return
        if metric.kind == "text":
            self.text(row, col, str(value))
            return
        if metric.kind == "money":
            number = float(money_decimal(int(value)))
        elif metric.kind in ("count", "rank"):
            number = int(value)
        else:
            number = float(Decimal(value))
        places = decimals_of(metric, value)
        self.ws.write_number(row, col, number, self.book.number_format(places))
        self._grow(col, format_value(metric, value))

    def number(self, row: int, col: int, number, places: int) -> None:
        self.ws.write_number(row, col, number, self.book.number_format(places))
        self._grow(col, f"{number:.{places}f}")

    def fit_columns(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, min(width + 2, MAX_WIDTH))


class _Book:
    def __init__(self, buffer: io.BytesIO, lang: str):
        self.lang = lang
        import xlsxwriter  # only when an XLSX is written: summarize and validate never need it

        self.wb = xlsxwriter.Workbook(buffer, {
            "in_memory": True,
            # Belt and braces: write_string never makes formulas, and these make write() safe too.
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
        self.bold = self.wb.add_format({"bold": True, "bottom": 1})
        self.sheets: list[_Sheet] = []
        self._formats: dict[int, object] = {}

    def number_format(self, places: int):
        if places not in self._formats:
            pattern = "0" if places == 0 else "0." + "0" * places
            self._formats[places] = self.wb.add_format({"num_format": pattern})
        return self._formats[places]

    def sheet(self, name: str) -> _Sheet:
        return _Sheet(self, name)


def _section_sheet(book: _Book, summary: Summary, section: str, figures: list) -> None:
    lang = book.lang
    sheet = book.sheet(section_title(section, lang))
    sheet.section = section
    row = 0
    if figures:
        sheet.header(0, [_t(HEADERS, key, lang) for key in ("figure", "value", "unit", "id")])
        for row, figure in enumerate(figures, start=1):
            metric = figure.metric
            sheet.text(row, 0, metric.label_for(lang))
            sheet.value(row, 1, metric, figure.value)
            sheet.text(row, 2, metric.unit)
            sheet.text(row, 3, metric.id)
        row += 2
    metrics = []
    for table in summary.entities.values():
        # Every per-entity table (by_city, by_section ...): one row per entity, a column per figure.
        table_metrics = table.columns(section)
        if not table_metrics:
            continue
        metrics += table_metrics
        sheet.header(row, [table.name[lang == "en"]] + [m.label_for(lang) + unit_suffix(m) for m in table_metrics])
        for entity, entity_figures in table.rows.items():
            row += 1
            sheet.text(row, 0, entity)
            for col, metric in enumerate(table_metrics, start=1):
                figure = entity_figures.get(metric.id)
                sheet.value(row, col, metric, figure.value if figure else None)
        row += 2
    if section == "air" and summary.standards:
        # A line under the figures, as in the table output; not fitted into column A's width.
        sheet.ws.write_string(row, 0, standards_line(summary.standards, lang))
    sheet.ws.freeze_panes(1, 1 if metrics and not figures else 0)
    sheet.fit_columns()


def _change_cells(sheet: _Sheet, row: int, col: int, change: Change, lang: str) -> None:
    metric = change.metric
    sheet.text(row, col, metric.label_for(lang))
    sheet.text(row, col + 1, metric.unit)
    sheet.value(row, col + 2, metric, change.previous)
    sheet.value(row, col + 3, metric, change.current)
    sheet.value(row, col + 4, metric, change.change)
    if change.change_pct is not None:
        sheet.number(row, col + 5, float(change.change_pct), 1)
    sheet.text(row, col + 6, yoy_text(change, lang))
    sheet.text(row, col + 7, metric.id)


def _compare_sheet(book: _Book, comparison: Comparison) -> None:
    lang = book.lang
    sheet = book.sheet(_t(SHEETS, "compare", lang))
    sheet.landscape = True  # nine columns, with long labels and ids
    headers = [_t(HEADERS, "figure", lang), _t(HEADERS, "unit", lang),
               year_label(comparison.previous.year, lang), year_label(comparison.current.year, lang),
               _t(HEADERS, "change", lang), _t(HEADERS, "change_pct", lang), _t(HEADERS, "yoy", lang),
               _t(HEADERS, "id", lang)]
    with_city = bool(comparison.by_city or comparison.ranks)
    offset = 1 if with_city else 0
    sheet.header(0, ([_t(HEADERS, "city", lang)] if with_city else []) + headers)
    row = 0
    for changes in by_section(comparison.changes).values():
        for change in changes:
            row += 1
            _change_cells(sheet, row, offset, change, lang)
    for city, changes in comparison.by_city.items():
        for change in changes.values():
            row += 1
            sheet.text(row, 0, city)
            _change_cells(sheet, row, 1, change, lang)
    for city, ranks in comparison.ranks.items():
        for rank_id, rank in ranks.items():
            row += 1
            metric = metric_for(rank_id)
            sheet.text(row, 0, city)
            sheet.text(row, 1, metric.label_for(lang))
            sheet.text(row, 2, metric.unit)
            sheet.value(row, 4, metric, rank)  # the rank exists this year only
            sheet.text(row, 8, rank_id)
    row += 1  # a blank row, then the span compared, the 同期 note, the standards and the 同口径 note
    for line in filter(None, (comparison.span_line(lang), comparison.period_note,
                              standards_line(comparison.standards, lang), comparison.standards_note)):
        row += 1
        sheet.ws.write_string(row, 0, line)
    sheet.ws.freeze_panes(1, 0)
    sheet.fit_columns()


def _level_order(levels) -> list[str]:
    levels = set(levels)
    return [level for level in LEVELS if level in levels] + sorted(set(levels) - set(LEVELS))


def _monthly_sheet(book: _Book, summary: Summary) -> None:
    lang = book.lang
    monthly = summary.monthly
    levels = _level_order(key[len(LEVEL_PREFIX):] for key in monthly if key.startswith(LEVEL_PREFIX))
    columns: list[tuple[str, str]] = [(LEVEL_PREFIX + level, LEVEL_EN.get(level, level) if lang == "en" else level)
                                      for level in levels]
    columns += [(key, _t(MONTHLY_COUNTS, key, lang)) for key in MONTHLY_COUNTS if key in monthly]
    if not columns:
        return
    months = max(len(monthly[key]) for key, _ in columns)
    sheet = book.sheet(_t(SHEETS, "monthly", lang))
    sheet.landscape = True  # the charts sit beside the table
    sheet.header(0, [_t(HEADERS, "month", lang)] + [title for _, title in columns])
    for index in range(months):
        sheet.text(index + 1, 0, MONTH[lang == "en"].format(n=index + 1))
    for col, (key, _) in enumerate(columns, start=1):
        for index, value in enumerate(monthly[key]):
            if value is None:
                continue
            if key == "penalties.fines":
                sheet.number(index + 1, col, float(money_decimal(int(value))), 4)
            else:
                sheet.number(index + 1, col, int(value), 0)
    sheet.ws.freeze_panes(1, 1)
    sheet.fit_columns()

    column_of = {key: col for col, (key, _) in enumerate(columns, start=1)}
    name = sheet.name
    categories = [name, 1, 0, months, 0]
    anchor_col = len(columns) + 2
    charts = []
    if levels:
        chart = book.wb.add_chart({"type": "column", "subtype": "stacked"})
        for level in levels:
            col = column_of[LEVEL_PREFIX + level]
            series = {"name": [name, 0, col], "categories": categories, "values": [name, 1, col, months, col]}
            if level in LEVEL_COLOURS:
                series["fill"] = {"color": LEVEL_COLOURS[level]}
            chart.add_series(series)
        charts.append(("levels", chart))
    if "penalties.fines" in column_of:
        col = column_of["penalties.fines"]
        chart = book.wb.add_chart({"type": "column"})
        chart.add_series({"name": [name, 0, col], "categories": categories,
                          "values": [name, 1, col, months, col], "fill": {"color": "#4472C4"}})
        charts.append(("fines", chart))
    counts = [key for key in ("penalties.cases_filed", "penalties.decisions") if key in column_of]
    if counts:
        chart = book.wb.add_chart({"type": "column"})
        for key in counts:
            col = column_of[key]
            chart.add_series({"name": [name, 0, col], "categories": categories,
                              "values": [name, 1, col, months, col]})
        charts.append(("cases", chart))
    for index, (key, chart) in enumerate(charts):
        zh_title, en_title, zh_axis, en_axis = CHARTS[key]
        chart.set_title({"name": en_title if lang == "en" else zh_title})
        chart.set_y_axis({"name": en_axis if lang == "en" else zh_axis, "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 320})
        sheet.ws.insert_chart(1 + index * 17, anchor_col, chart)


def _about_sheet(book: _Book, summary: Summary, comparison: Comparison | None) -> None:
    lang = book.lang
    sheet = book.sheet(_t(SHEETS, "about", lang))
    rows = [("source", summary.source), ("period", summary.period.label(lang)),
            ("year", year_label(summary.year, lang))]
    if comparison is not None:
        rows.append(("previous_source", comparison.previous.source))
        if comparison.period_note:
            rows.append(("note", comparison.period_note))
        if comparison.standards_note:
            rows.append(("note", comparison.standards_note))
    if summary.rows_left_out:
        rows.append(("rows_left_out", str(summary.rows_left_out)))
    rows += [("note", note) for note in summary.notes]
    for row, (key, text) in enumerate(rows):
        sheet.text(row, 0, _t(HEADERS, key, lang), book.bold)
        sheet.text(row, 1, text)
    if summary.findings:
        row = len(rows) + 1
        sheet.header(row, [_t(HEADERS, key, lang) for key in ("severity", "location", "code", "message")])
        for finding in sorted(summary.findings):
            row += 1
            sheet.text(row, 0, _t(FINDING_SEVERITY, finding.severity, lang)
                       if finding.severity in FINDING_SEVERITY else finding.severity)
            sheet.text(row, 1, finding.location)
            sheet.text(row, 2, finding.code)
            sheet.text(row, 3, finding.message(lang))
    sheet.fit_columns()


# -- printing: A4, one page wide, header row on every page, standards and page numbers in the footer --

A4 = 9  # Excel's paper code
PORTRAIT_COLUMNS = 95  # about what fits across A4 portrait at 100 %, in character widths
FOOTER_MAX = 255  # Excel refuses longer header/footer text
PAGE_FOOTER = ("第 &P 页 共 &N 页", "Page &P of &N")
def footer_text(sheet: _Sheet, summary: Summary, lang: str) -> str:
    from .standards_text import STANDARD_WORD, standards_for

    left = f"{year_label(summary.year, lang)} {sheet.name}"
    standards = standards_for(summary, sheet.section)
    if standards:
        left += f" {STANDARD_WORD[lang == 'en']} {'、'.join(standards) if lang != 'en' else ', '.join(standards)}"
    right = PAGE_FOOTER[lang == "en"]
    room = FOOTER_MAX - len(right) - len("&L&R")
    left = left.replace("&", "&&")  # a lone & starts a footer code
    if len(left) > room:
        left = left[:room - 1].rstrip("&") + "…"
    return f"&L{left}&R{right}"


def print_setup(sheet: _Sheet, summary: Summary, lang: str) -> None:
    """A4, fitted to one page wide (as many tall as needed), the header row repeated on each page."""
    ws = sheet.ws
    ws.set_paper(A4)
    if sheet.landscape or sum(min(width + 2, MAX_WIDTH) for width in sheet.widths.values()) > PORTRAIT_COLUMNS:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.center_horizontally()
    ws.set_footer(footer_text(sheet, summary, lang))


def explicit_fit_width(data: bytes) -> bytes:
    """Write fitToWidth="1" out: xlsxwriter leaves the default unsaid, and readers such as openpyxl
    then report no width at all. Entries keep their order and xlsxwriter's 1980-01-01 dates."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet") and b"<pageSetup " in content:
                content = re.sub(rb"<pageSetup (?![^>]*fitToWidth=)", b'<pageSetup fitToWidth="1" ', content, count=1)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def created_at(summary: Summary) -> dt.datetime:
    end = summary.period.end
    return dt.datetime(end.year, end.month, end.day)


def summary_xlsx(summary: Summary, comparison: Comparison | None = None, lang: str = "zh") -> bytes:
    """The workbook as bytes; the same result always gives the same bytes."""
    buffer = io.BytesIO()
    book = _Book(buffer, lang)
    book.wb.set_properties({
        "title": f"{year_label(summary.year, lang)} {summary.period.label(lang)}",
        "created": created_at(summary),
    })
    top = by_section(summary.figures)
    for section in present_sections(summary):
        _section_sheet(book, summary, section, top.get(section, []))
    if comparison is not None:
        _compare_sheet(book, comparison)
    if summary.monthly:
        _monthly_sheet(book, summary)
    _about_sheet(book, summary, comparison)
    for sheet in book.sheets:
        print_setup(sheet, summary, lang)
    book.wb.close()
    return explicit_fit_width(buffer.getvalue())
