"""The catalogue of finding codes: stable kebab-case code, severity, messages.

Templates use `{column}` (canonical column), `{value}` (offending value) and
positional parameters given by the check. The README's code list is generated
from this table (`scripts/gen_docs.py`), so the two cannot drift.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    severity: str
    title: str
    zh: str
    en: str


CODES: dict[str, Code] = {
    # -- the workbook and its sheets --
    "no-known-sheet": Code("error", "No known sheet",
        "工作簿中没有可识别的工作表（空气质量、执法检查、行政处罚、损害赔偿、其他指标、地表水）",
        "the workbook has none of the known sheets (空气质量, 执法检查, 行政处罚, 损害赔偿, 其他指标, 地表水)"),
    "unknown-sheet": Code("warning", "Unknown sheet, ignored",
        "未识别的工作表“{0}”，已忽略", "unknown sheet '{0}' is ignored"),
    "hidden-sheet": Code("warning", "Hidden sheet is read",
        "工作表“{0}”是隐藏的，仍被读取", "sheet '{0}' is hidden; it is read all the same"),
    "ambiguous-sheet": Code("warning", "Sheet name fits two kinds, ignored",
        "工作表“{0}”的名称同时像{1}，表头也无法判断，已忽略",
        "sheet '{0}' is named like {1} and its header does not tell which; it is ignored"),
    "sheet-read-by-header": Code("info", "Sheet read by its header",
        "工作表“{0}”按表头读作{1}", "sheet '{0}' is read as {1} by its header"),
    "header-not-found": Code("error", "No header row found",
        "在前{0}行中找不到表头（查找的列：{1}）", "no header row found in the first {0} rows (looked for: {1})"),
    "missing-column": Code("error", "Required column missing",
        "缺少必需的列“{column}”", "required column '{column}' is missing"),
    "missing-one-of-columns": Code("error", "None of the columns of which one is required",
        "缺少必需的列：{0}中至少需要一列", "the sheet needs at least one of the columns {0}"),
    "bad-unit": Code("error", "Unknown or conflicting money unit",
        "{column}的金额单位有误：{0}", "the money unit of {column} is wrong: {0}"),
    "duplicate-column": Code("warning", "Column given twice",
        "列“{column}”出现了两次，只使用第一列", "column '{column}' appears twice; the first is used"),
    "unused-header": Code("info", "Unused header that looks like a known column",
        "表头“{value}”未使用，但像是“{column}”", "header '{value}' is not used, though it looks like {column}"),
    "formula-without-value": Code("error", "Formula without a cached value",
        "{column}是没有计算结果的公式（{value}）：请用Excel或WPS打开并保存，使其保存计算结果",
        "{column} is a formula without a stored value ({value}): open and save the file in Excel or WPS "
        "so its values are stored"),
    "stray-value": Code("warning", "A value outside the table, not read",
        "单元格有内容“{value}”，但所在行的表格各列均为空，未计入任何数字（误填的位置？）",
        "the cell holds '{value}' but its row has nothing in the table's columns; it counts in no figure "
        "(typed in the wrong place?)"),
    # -- values that cannot be parsed --
    "cell-error": Code("error", "An Excel error value",
        "{column}是Excel错误值“{value}”（公式出错？）", "{column} holds the Excel error {value} (a broken formula?)"),
    "bad-date": Code("error", "Not a date",
        "{column}“{value}”不是有效日期", "{column} '{value}' is not a date"),
    "bad-number": Code("error", "Not a number",
        "{column}“{value}”不是数字", "{column} '{value}' is not a number"),
    "bad-money": Code("error", "Not an amount of money",
        "{column}“{value}”不是金额", "{column} '{value}' is not an amount of money"),
    "bad-yes-no": Code("error", "Not yes or no",
        "{column}“{value}”不是“是/否”", "{column} '{value}' is not yes or no"),
    "bad-choice": Code("error", "Not one of the allowed values",
        "{column}“{value}”不是允许的值（{0}）", "{column} '{value}' is not one of {0}"),
    "bad-month": Code("error", "Not a month",
        "{column}“{value}”不是1–12的月份", "{column} '{value}' is not a month 1-12"),
    "not-detected-without-limit": Code("error", "ND without its detection limit",
        "{column}“{value}”未写检出限，无法计算（请写成如0.01L）",
        "{column} '{value}' gives no detection limit, so no value can be used (write it as e.g. 0.01L)"),
    "sub-fen-amount": Code("warning", "Amount finer than a fen, rounded",
        "{column}“{value}”精确到分以下，已四舍五入到分", "{column} '{value}' is finer than a fen; rounded half up to the fen"),
    # -- required values and numeric rules --
    "missing-value": Code("error", "Required value blank",
        "{column}不能为空", "{column} must not be blank"),
    "negative-amount": Code("error", "Negative amount",
        "{column}为{value}：金额不能为负", "{column} is {value}: an amount cannot be negative"),
    "negative-concentration": Code("error", "Negative concentration",
        "{column}为{value}：浓度不能为负", "{column} is {value}: a concentration cannot be negative"),
    "concentration-off-scale": Code("warning", "Concentration beyond the HJ 633 table",
        "{column}为{value}，超出{0}分指数表上限，分指数按500计", "{column} is {value}, beyond the top of the {0} table; its IAQI is capped at 500"),
    "o3-1h-missing": Code("warning", "O3_1h blank where O3_8h > 800",
        "O3_8h超过800，O3_1h为空，按O3_8h计算", "O3_8h is over 800 and O3_1h is blank; O3_8h is used"),
    "mixed-units": Code("error", "An indicator in two units that are not multiples",
        "指标“{0}”的单位“{value}”与“{1}”不能换算，无法相加", "indicator '{0}' is given in '{value}' and in '{1}', which are not multiples of each other; they cannot be summed"),
    # -- uniqueness --
    "duplicate-case-number": Code("error", "Duplicate case number",
        "案件编号“{value}”重复（首次出现在{0}）", "case number '{value}' is a duplicate (first on row {0})"),
    "duplicate-date": Code("error", "Duplicate date for one city",
        "日期{value}重复（首次出现在{0}）", "date {value} appears twice for one city (first on row {0})"),
    # -- cross-column rules --
    "decision-before-filing": Code("error", "决定日期 before 立案日期",
        "决定日期{value}早于立案日期{0}", "决定日期 {value} is before 立案日期 {0}"),
    "agreement-before-start": Code("error", "协议日期 before 启动日期",
        "协议日期{value}早于启动日期{0}", "协议日期 {value} is before 启动日期 {0}"),
    "penalty-without-fine": Code("error", "处罚/减罚 without a fine",
        "处理结果为{0}，但罚款金额为空或为零", "outcome {0} needs a fine above zero"),
    "penalty-without-filing-date": Code("error", "处罚/减罚 without 立案日期",
        "处理结果为{0}，但立案日期为空", "outcome {0} needs a 立案日期"),
    "waived-with-fine": Code("error", "免罚/不予处罚 with a fine",
        "处理结果为{0}，罚款金额应为0或空，实为{value}", "outcome {0} must have no fine, but the fine is {value}"),
    "agreement-without-amount": Code("error", "Agreement without 赔偿金额",
        "已签订磋商协议（{0}），但赔偿金额为空或为零", "an agreement is signed ({0}) but 赔偿金额 is blank or zero"),
    "waived-amount-wrong-outcome": Code("error", "免罚金额/减罚金额 on a row of another outcome",
        "处理结果为{0}，{column}应为空，实为{value}", "outcome {0} must have no {column}, but it is {value}"),
    "detention-without-referral": Code("error", "行政拘留 without 移送公安",
        "行政拘留为“是”，但移送公安不是“是”", "行政拘留 is yes but 移送公安 is not"),
    "open-case-with-outcome": Code("warning", "No 决定日期 but a final outcome",
        "决定日期为空，处理结果却是{0}；按办理中计", "决定日期 is blank but the outcome is {0}; counted as 办理中"),
    # -- plausibility (warnings) --
    "fine-implausibly-small": Code("warning", "A fine below 100 元",
        "罚款金额仅{value}元（不足100元）：是否把万元列读成了元？",
        "the fine is only {value} 元 (below 100 元): a 万元 column read as 元?"),
    "credit-code-check": Code("warning", "Credit code fails its check digit",
        "统一社会信用代码 {value} 校验位不符", "统一社会信用代码 {value} fails its check digit"),
    "aqi-mismatch": Code("warning", "Given AQI differs from the computed one",
        "填报AQI为{value}，按{1}计算应为{0}", "the given AQI is {value}; {1} gives {0}"),
    "level-mismatch": Code("warning", "Given 质量等级 differs from the computed one",
        "填报质量等级为“{value}”，按{2} AQI {0}应为“{1}”", "the given level is '{value}'; AQI {0} ({2}) is '{1}'"),
    "date-outside-ledger": Code("error", "Row date that cannot belong to this ledger",
        "日期{value}不可能属于{0}年台账（晚于次年或早于2000年），该行未计入", "date {value} cannot belong to the {0} ledger (after the next year, or before 2000); the row is left out"),
    "water-class-mismatch": Code("warning", "Given 水质类别 differs from the computed one",
        "填报水质类别为“{value}”，按GB 3838-2002计算应为“{0}”", "the given class is '{value}'; GB 3838-2002 gives '{0}'"),
    "date-outside-year": Code("warning", "Row date outside the workbook's year",
        "日期{value}不在{0}年内", "date {value} is outside the year {0}"),
}


def catalogue_markdown() -> str:
    """The README's table of codes, generated so that it cannot drift from CODES."""
    lines = ["| code | severity | what it means | message (en) |", "| --- | --- | --- | --- |"]
    for code, entry in CODES.items():
        message = entry.en.replace("{column}", "<column>").replace("{value}", "<value>").replace("|", "\\|")
        lines.append(f"| `{code}` | {entry.severity} | {entry.title} | {message} |")
    return "\n".join(lines)
