"""`lawreport template`: a blank ledger for one year that refuses mistakes while the clerk types.

Everything comes from schema.SHEETS: one sheet per kind (its Chinese name),
a title row, the header with canonical names and units (`罚款金额（元）`), and
on every data row an Excel data validation per column generated from the
column's type, choices and rules: drop-down lists for choices and yes/no,
dates within the year ± 1, amounts and numbers ≥ 0, 月份 1–12, credit codes
of 18 characters, no repeated 案件编号. Each column shows what goes there when
selected (input message) and refuses a wrong value with a plain Chinese alert.
A 说明 sheet lists every column: what it means, whether it is required, what
it accepts. A column added to the schema appears here without a line of this
module changing.

The bytes depend only on the year and the sheets chosen: the workbook's
creation date is 1 January of the year and xlsxwriter dates every zip entry
1980-01-01.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from wcwidth import wcswidth

from .numbers import FEN_PER_UNIT
from .schema import INSTRUCTIONS_SHEET, LIST_SHEET, NO, SHEETS, YES, Column, SheetSchema

MIN_YEAR, MAX_YEAR = 2000, 2100
# Rows as xlsxwriter counts them (0-based): title, header, then the records.
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2
LAST_ROW = 1_048_575  # Excel's last row: validation covers every row a ledger can have
MONEY_UNIT = "元"  # a header with no unit is in 元 (DATA.md), so the template says it
YES_NO = (YES[0], NO[0])  # 是, 否
# Excel's limits (XlsxWriter drops a validation that exceeds them).
MAX_TITLE, MAX_MESSAGE, MAX_INLINE_LIST = 32, 255, 255
MAX_WIDTH = 40

TYPE_WORDS = {"date": "日期", "text": "文字", "number": "数字", "integer": "整数", "money": "金额",
              "yes_no": "是/否", "choice": "选项", "month": "月份", "credit_code": "统一社会信用代码"}
# Least width of a column by what it holds (characters; a CJK character is 2).
TYPE_WIDTH = {"date": 12, "money": 16, "number": 10, "integer": 8, "month": 8, "credit_code": 22,
              "yes_no": 8, "text": 20}
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "money": "#,##0.00", "integer": "0", "month": "0",
                  "text": "@", "credit_code": "@", "choice": "@", "yes_no": "@"}


class TemplateError(Exception):
    """A template that cannot be made as asked (bad year, unknown sheet): one line, exit 2."""


def parse_year(text) -> int:
    """The ledger's year from the command line: a number from 2000 to 2100."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise TemplateError("--year is required: the ledger's year, e.g. --year 2024")
    try:
        year = int(raw)
    except ValueError:
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise TemplateError(f"--year must be a year from {MIN_YEAR} to {MAX_YEAR}, not {raw!r}")
    return year


def choose_sheets(text: str | None) -> list[SheetSchema]:
    """The schemas named in `--sheets` (keys, comma-separated), in schema order; all when None."""
    if text is None:
        return list(SHEETS)
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    known = {schema.key for schema in SHEETS}
    unknown = [part for part in wanted if part not in known]
    if unknown or not wanted:
        raise TemplateError(f"unknown sheet {', '.join(unknown) or '(none)'}; "
                            f"choose from {','.join(schema.key for schema in SHEETS)}")
    return [schema for schema in SHEETS if schema.key in wanted]


def default_name(year: int) -> str:
    """`<year>.xlsx`: what `lawreport summarize <year>` looks for in the data directory."""
    return f"{year}.xlsx"


# -- what a column is, in words and as an Excel rule ---------------------------------------

def header_text(column: Column) -> str:
    unit = MONEY_UNIT if column.type == "money" else column.unit
    return f"{column.name}（{unit}）" if unit else column.name


def title_text(year: int, schema: SheetSchema) -> str:
    # A sheet whose rows carry a 案件编号 is a ledger of cases: 2024年行政处罚案件台账.
    cases = "案件" if any(column.key == "case_no" for column in schema.columns) else ""
    return f"{year}年{schema.name}{cases}台账"


def meaning(column: Column) -> str:
    if column.description:
        return column.description
    unit = f"，单位{column.unit}" if column.unit else ""
    return f"{column.name}（{TYPE_WORDS.get(column.type, '文字')}{unit}）"


def requirement(column: Column) -> str:
    if column.value_required:
        return "必填"
    if column.column_required:
        return "此列必须保留，单元格可按含义留空"
    return "选填"


@dataclass(frozen=True)
class ColumnRule:
    """One column's Excel data validation (XlsxWriter options, no texts) and what it accepts, in words."""
    options: dict
    accepted: str  # short: the input message and the 说明 sheet
    error: str  # the alert when a typed value is refused


def _rule_words(column: Column) -> list[str]:
    words = []
    if "unique" in column.rules:
        words.append("不得重复")
    if "unique_per_city" in column.rules:
        words.append("同一城市不得重复")
    return words


def _unique_formula(column_index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    letter = xl_col_to_name(column_index)
    first, last = FIRST_DATA_ROW + 1, LAST_ROW + 1
    return f"=COUNTIF(${letter}${first}:${letter}${last},{letter}{first})<=1"


def column_rule(column: Column, year: int, column_index: int = 0) -> ColumnRule:
    options, accepted, error = _typed_rule(column, year, column_index)
    rule_words = _rule_words(column)
    if rule_words:
        accepted = f"{accepted}；{'，'.join(rule_words)}"
    return ColumnRule(options, accepted, error)


def _typed_rule(column: Column, year: int, column_index: int) -> tuple[dict, str, str]:
    name = column.name
    low, high = dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31)
    greater = "大于0" if "positive" in column.rules else "不小于0"
    criteria = ">" if "positive" in column.rules else ">="
    unit = MONEY_UNIT if column.type == "money" else column.unit
    in_unit = f"，单位{unit}" if unit else ""
    if column.choices:
        listed = "、".join(column.choices)
        return ({"validate": "list", "source": list(column.choices)},
                f"从下拉列表中选：{listed}", f"{name}只能从下拉列表中选：{listed}。")
    kind = column.type
    if kind == "yes_no":
        return ({"validate": "list", "source": list(YES_NO)},
                f"从下拉列表中选{YES_NO[0]}或{YES_NO[1]}，留空表示{YES_NO[1]}",
                f"{name}只能填“{YES_NO[0]}”或“{YES_NO[1]}”（留空表示{YES_NO[1]}）。")
    if kind == "date":
        return ({"validate": "date", "criteria": "between", "minimum": low, "maximum": high},
                f"{low.isoformat()}至{high.isoformat()}之间的日期，如{year}-03-05",
                f"{name}应是{low.year}年1月1日至{high.year}年12月31日之间的日期，请按{year}-03-05的样式填写。")
    if kind in ("money", "number"):
        places = "，最多两位小数（精确到分）" if kind == "money" else ""
        return ({"validate": "decimal", "criteria": criteria, "value": 0},
                f"{greater}的数字{in_unit}{places}，只写数字，不写单位",
                f"{name}应是{greater}的数字{in_unit}，只写数字，不写单位或其他文字。")
    if kind == "integer":
        return ({"validate": "integer", "criteria": criteria, "value": 0},
                f"{greater}的整数{in_unit}", f"{name}应是{greater}的整数。")
    if kind == "month":
        return ({"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 12},
                "1到12的整数", f"{name}应是1到12的整数（只写数字，如3）。")
    if kind == "credit_code":
        return ({"validate": "length", "criteria": "==", "value": 18},
                "18位数字或大写字母", f"{name}应是18位（数字或大写字母），请核对位数。")
    if "unique" in column.rules:
        return ({"validate": "custom", "value": _unique_formula(column_index)},
                "文字", f"这个{name}在本表中已经有了，{name}不得重复。")
    # Text, and any type this module does not know yet: no restriction, only the input message.
    return {"validate": "any"}, TYPE_WORDS.get(kind, "文字"), f"{name}填写有误。"


def accepted_in_full(column: Column, rule: ColumnRule, year: int) -> str:
    """What lawreport reads in the column: the template's rule, plus the other forms it also accepts."""
    if column.choices:
        return rule.accepted
    if column.type == "date":
        return f"{rule.accepted}；lawreport也认{year}/3/5、{year}.3.5、{year}年3月5日、{year}0305和Excel日期序号"
    if column.type == "yes_no":
        return f"{rule.accepted}；lawreport也认{'/'.join(YES[1:])}为{YES[0]}，{'/'.join(NO[1:])}为{NO[0]}"
    if column.type == "money":
        other = "、".join(f"（{unit}）" for unit in FEN_PER_UNIT if unit != MONEY_UNIT)
        return f"{rule.accepted}；表头改为{other}时按该单位读"
    return rule.accepted


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def display_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def column_width(column: Column) -> int:
    widest_choice = max((display_width(choice) for choice in column.choices), default=0)
    width = max(display_width(header_text(column)) + 4, TYPE_WIDTH.get(column.type, 12), widest_choice + 4)
    return min(width, MAX_WIDTH)


# -- the workbook ---------------------------------------------------------------------------

class _Lists:
    """Lists too long for an inline source: written to a hidden sheet, referred to by a defined name."""

    def __init__(self):
        self.lists: list[tuple[str, tuple[str, ...]]] = []

    def source(self, schema: SheetSchema, column: Column) -> str | list[str]:
        choices = list(column.choices) if column.choices else list(YES_NO)
        if len(",".join(choices)) <= MAX_INLINE_LIST and not any("," in choice for choice in choices):
            return choices
        name = f"list_{schema.key}_{column.key}"
        self.lists.append((name, tuple(choices)))
        return f"={name}"

    def write(self, workbook) -> None:
        if not self.lists:
            return
        from xlsxwriter.utility import xl_col_to_name

        sheet = workbook.add_worksheet(LIST_SHEET)
        for index, (name, choices) in enumerate(self.lists):
            sheet.write_string(0, index, name)
            for row, choice in enumerate(choices, start=1):
                sheet.write_string(row, index, choice)
            letter = xl_col_to_name(index)
            workbook.define_name(name, f"='{LIST_SHEET}'!${letter}$2:${letter}${len(choices) + 1}")
        sheet.hide()


class _Styles:
    def __init__(self, workbook):
        self.title = workbook.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        base = {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
        self.header = workbook.add_format({**base, "bg_color": "#DDEBF7"})
        self.required_header = workbook.add_format({**base, "bg_color": "#FCE4D6"})
        self.columns = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.note = workbook.add_format({"text_wrap": True, "valign": "top", "align": "left"})

    def column(self, column: Column):
        return self.columns.get("choice" if column.choices else column.type)


def _validation(schema: SheetSchema, column: Column, index: int, year: int, lists: _Lists) -> dict:
    rule = column_rule(column, year, index)
    options = dict(rule.options)
    if options["validate"] == "list":
        options["source"] = lists.source(schema, column)
    prompt = f"{meaning(column)}。\n{requirement(column)}；{rule.accepted}。"
    options.update({
        "input_title": _fit(header_text(column), MAX_TITLE),
        "input_message": _fit(prompt, MAX_MESSAGE),
        "error_title": _fit(f"{column.name}填写有误", MAX_TITLE),
        "error_message": _fit(rule.error, MAX_MESSAGE),
        "error_type": "stop",
    })
    return options


def _data_sheet(workbook, styles: _Styles, schema: SheetSchema, year: int, lists: _Lists) -> None:
    sheet = workbook.add_worksheet(schema.name)
    columns = schema.columns
    title = title_text(year, schema)
    if len(columns) > 1:
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, len(columns) - 1, title, styles.title)
    else:
        sheet.write_string(TITLE_ROW, 0, title, styles.title)
    sheet.set_row(TITLE_ROW, 28)
    sheet.set_row(HEADER_ROW, 30)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column_width(column), styles.column(column))
        header_style = styles.required_header if column.value_required else styles.header
        sheet.write_string(HEADER_ROW, index, header_text(column), header_style)
        sheet.data_validation(FIRST_DATA_ROW, index, LAST_ROW, index,
                              _validation(schema, column, index, year, lists))
    sheet.freeze_panes(FIRST_DATA_ROW, 0)


def general_notes(year: int) -> list[str]:
    yes_words, no_words = "/".join(YES[1:]), "/".join(NO[1:])
    other_units = "、".join(f"（{unit}）" for unit in FEN_PER_UNIT if unit != MONEY_UNIT)
    return [
        f"本工作簿是{year}年的台账，由 lawreport template 生成：每个工作表第1行是标题，第2行是表头，"
        f"从第3行起每行一条记录。表头文字不要改动；橙色表头的列每行必填。",
        "选中单元格时会提示这一列填什么；输入不符合要求的内容时，Excel 和 WPS 会拒绝并说明原因。"
        "从别处复制粘贴进来的内容不经过这些检查，填完后请用 lawreport validate 检查整个文件。",
        f"日期：在日期列直接输入 {year}-03-05 即可，只接受{year - 1}年至{year + 1}年的日期。",
        f"是/否：从下拉列表选{YES_NO[0]}或{YES_NO[1]}，留空表示{YES_NO[1]}；"
        f"lawreport 读取时也认 {yes_words}（{YES_NO[0]}）和 {no_words}（{YES_NO[1]}）。",
        f"金额：单位为元，精确到分（0.01元），只写数字；表头改为{other_units}时，lawreport 按表头的单位读取。",
        "表格下方的合计、总计、小计行和“注：”“填报人：”等说明行会被识别并排除，不会重复计数。",
        f"数据有效性设置到第{LAST_ROW + 1}行。用 LibreOffice 另存为 .xlsx 时，"
        "有效性只保留到最后一行数据以下约1000行。",
    ]


INSTRUCTION_HEADER = ("工作表", "列（表头）", "含义", "是否必填", "可填写的内容", "表头也可写作")
INSTRUCTION_WIDTHS = (12, 22, 44, 18, 56, 36)


def _instructions_sheet(workbook, styles: _Styles, schemas: Sequence[SheetSchema], year: int) -> None:
    sheet = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    last_col = len(INSTRUCTION_HEADER) - 1
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, f"{year}年台账填表说明", styles.title)
    sheet.set_row(TITLE_ROW, 28)
    row = 1
    for note in general_notes(year):
        sheet.merge_range(row, 0, row, last_col, note, styles.note)
        sheet.set_row(row, 32)
        row += 1
    row += 1
    for index, (text, width) in enumerate(zip(INSTRUCTION_HEADER, INSTRUCTION_WIDTHS)):
        sheet.set_column(index, index, width, styles.wrap)
        sheet.write_string(row, index, text, styles.header)
    sheet.freeze_panes(row + 1, 0)
    for schema in schemas:
        for index, column in enumerate(schema.columns):
            row += 1
            rule = column_rule(column, year, index)
            cells = (schema.name, header_text(column), meaning(column), requirement(column),
                     accepted_in_full(column, rule, year), "、".join(column.aliases))
            for col, text in enumerate(cells):
                sheet.write_string(row, col, text)


def build_template(year: int, schemas: Sequence[SheetSchema] = SHEETS) -> bytes:
    """The blank ledger for `year` with one sheet per schema (in the order given), as .xlsx bytes."""
    import xlsxwriter

    if not MIN_YEAR <= year <= MAX_YEAR:
        raise TemplateError(f"--year must be a year from {MIN_YEAR} to {MAX_YEAR}, not {year}")
    if not schemas:
        raise TemplateError("no sheet to write")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False})
    workbook.set_properties({"title": f"{year}年台账", "author": "lawreport template",
                             "created": dt.datetime(year, 1, 1)})
    styles = _Styles(workbook)
    lists = _Lists()
    for schema in schemas:
        _data_sheet(workbook, styles, schema, year, lists)
    _instructions_sheet(workbook, styles, schemas, year)
    lists.write(workbook)
    workbook.close()
    return buffer.getvalue()


def template_bytes(year, sheets: str | None = None) -> bytes:
    """`lawreport template`: the year as typed, `--sheets` as typed; TemplateError on misuse."""
    return build_template(parse_year(year), choose_sheets(sheets))
