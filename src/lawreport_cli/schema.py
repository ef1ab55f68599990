"""The data contract of DATA.md as data: sheets, columns, aliases, types, rules.

The reader matches sheets and headers with this table; the parser types each
column by it; the checks run the rules it names. Nothing else declares them.

Column types: date, text, number, integer, money, yes_no, choice, month, credit_code,
  measurement (a laboratory value: a number, or below its detection limit written
  `0.05L` / `<0.05`, read as half the limit; `ND` without a limit is an error).
Column rules (run by checks.py):
  nonnegative    a value below zero is an error (code given by `negative_code`)
  positive       ... and zero too (only where DATA.md says > 0)
  unique         a second row with the same value is an error
  unique_per_city  as unique, within one 城市
  off_scale      beyond the top of the HJ 633 table is a warning
Sheet rules are cross-column rules named in `row_rules`, implemented in checks.py, or
in a section's own module, named "module:function" (the 地表水 class check).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # the records' column name
    name: str  # canonical name of DATA.md, used in findings
    aliases: tuple[str, ...]
    type: str
    column_required: bool = False  # the sheet is unusable without this column
    value_required: bool = False  # every data row needs a value
    choices: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    description: str = ""  # what the column means, in plain Chinese (the template's 说明 and input messages)
    unit: str = ""  # the unit of a measured value, shown in the template's header (money is always 元)
    # Other words exports use for a choice: (written, the choice it means), e.g. (国考, 国控).
    synonyms: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SheetSchema:
    key: str  # the report section it feeds
    name: str  # Chinese sheet name
    alias: str  # English sheet name
    columns: tuple[Column, ...]
    row_rules: tuple[str, ...] = ()
    # The row's own date, for "outside the workbook's year": first non-blank of these.
    row_date: tuple[str, ...] = ()
    # Groups of columns of which the sheet needs at least one (监测日期 or 月份).
    one_of_columns: tuple[tuple[str, ...], ...] = ()
    # Further sheet names it is found by (besides `name` and `alias`).
    other_names: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


def _concentration(key: str, name: str, *aliases: str, required: bool = True, description: str = "",
                   unit: str = "μg/m³") -> Column:
    return Column(key, name, (name, *aliases), "number", column_required=required,
                  rules=("nonnegative", "off_scale"), description=description, unit=unit)


CREDIT_CODE = Column("credit_code", "统一社会信用代码", ("统一社会信用代码", "信用代码", "credit_code"), "credit_code",
                     description="企业的18位统一社会信用代码，末位为GB 32100-2015校验码")

AIR = SheetSchema(
    "air", "空气质量", "air_quality",
    (
        Column("date", "日期", ("日期", "date", "监测日期"), "date", True, True, rules=("unique_per_city",), description="监测日期，一天一行"),
        Column("city", "城市", ("城市", "city", "地区"), "text", description="城市名称；只有一个城市时可留空"),
        _concentration("pm25", "PM2.5", "pm25", "细颗粒物", description="细颗粒物PM2.5的24小时平均浓度"),
        _concentration("pm10", "PM10", "pm10", "可吸入颗粒物", description="可吸入颗粒物PM10的24小时平均浓度"),
        _concentration("so2", "SO2", "so2", "二氧化硫", description="二氧化硫的24小时平均浓度"),
        _concentration("no2", "NO2", "no2", "二氧化氮", description="二氧化氮的24小时平均浓度"),
        _concentration("co", "CO", "co", "一氧化碳", description="一氧化碳的24小时平均浓度", unit="mg/m³"),
        _concentration("o3_8h", "O3_8h", "O3-8h", "O3_8H", "臭氧8小时", "臭氧", description="臭氧日最大8小时滑动平均浓度"),
        _concentration("o3_1h", "O3_1h", "O3-1h", "臭氧1小时", required=False, description="臭氧日最大1小时平均浓度；臭氧8小时超过800时使用"),
        Column("aqi", "AQI", ("AQI", "aqi", "空气质量指数"), "integer", description="空气质量指数，0–500的整数；填写后与按浓度算出的AQI核对"),
        Column("level", "质量等级", ("质量等级", "级别", "level"), "text", description="空气质量级别（优、良、轻度污染……）；填写后与AQI核对"),
    ),
    row_rules=("aqi_matches", "o3_1h_fallback"),
    row_date=("date",),
)

INSPECTION_METHODS = ("双随机", "信访投诉", "环保督察", "专项行动", "其他")

INSPECTIONS = SheetSchema(
    "inspections", "执法检查", "inspections",
    (
        Column("date", "检查日期", ("检查日期", "日期", "date"), "date", True, True, description="检查企业的日期"),
        Column("enterprise", "企业名称", ("企业名称", "单位名称", "enterprise"), "text", True, True, description="被检查企业（单位）的名称"),
        CREDIT_CODE,
        Column("method", "检查方式", ("检查方式", "检查类型", "method"), "choice", True, True,
               choices=INSPECTION_METHODS, description="这次检查的方式"),
        Column("district", "区县", ("区县", "区（市）", "district"), "text", description="企业所在的区县"),
        Column("problem_found", "发现问题", ("发现问题", "是否发现问题", "problem_found"), "yes_no", description="这次检查是否发现问题"),
        Column("remote", "非现场", ("非现场", "非现场执法", "remote"), "yes_no", description="是否为非现场检查（非现场执法）"),
    ),
    row_date=("date",),
)

OUTCOMES = ("处罚", "减罚", "免罚", "不予处罚", "办理中")

PENALTIES = SheetSchema(
    "penalties", "行政处罚", "penalties",
    (
        Column("case_no", "案件编号", ("案件编号", "案号", "case_no"), "text", True, True, rules=("unique",), description="行政处罚案件的编号（案号）"),
        Column("enterprise", "企业名称", ("企业名称", "当事人", "enterprise"), "text", True, True, description="当事人（企业）的名称"),
        CREDIT_CODE,
        Column("filed_on", "立案日期", ("立案日期", "filed_on"), "date", True, description="立案的日期；处罚、减罚案件必填"),
        Column("decided_on", "决定日期", ("决定日期", "decided_on"), "date", True, description="处罚决定的日期；未结案留空；不得早于立案日期"),
        Column("outcome", "处理结果", ("处理结果", "结果", "outcome"), "choice", True, choices=OUTCOMES, description="案件的处理结果；决定日期为空的案件按办理中计"),
        Column("fine", "罚款金额", ("罚款金额", "罚款", "fine"), "money", True, rules=("nonnegative",), description="罚款的金额；处罚、减罚必填且大于0，免罚、不予处罚填0或留空"),
        Column("waived", "免减金额", ("免减金额", "waived"), "money", rules=("nonnegative",), description="免罚免去的金额或减罚减去的金额；其他案件留空"),
        # The report's own two columns: each serves its outcome (a lone one of them is read as 免减金额).
        Column("waived_exempted", "免罚金额", ("免罚金额", "免予处罚金额", "exempted_amount"), "money",
               rules=("nonnegative",), description="免罚案件免去的金额；其他案件留空"),
        Column("waived_reduced", "减罚金额", ("减罚金额", "减轻处罚金额", "reduced_amount"), "money",
               rules=("nonnegative",), description="减罚案件减去的金额；其他案件留空"),
        Column("referred", "移送公安", ("移送公安", "移送公安机关", "移送", "referred"), "yes_no", description="是否移送公安机关"),
        Column("detention", "行政拘留", ("行政拘留", "detention"), "yes_no", description="是否行政拘留；只有移送公安的案件才能填“是”"),
        Column("legal_review", "法制审核", ("法制审核", "重大案件审核", "重大案件法制审核", "legal_review"), "yes_no", description="是否经过法制审核（重大案件审核）"),
    ),
    row_rules=("outcome_needs_decision", "decision_after_filing", "fine_matches_outcome", "detention_needs_referral",
               "waived_by_outcome"),
    row_date=("decided_on", "filed_on"),
)

COMPENSATION = SheetSchema(
    "compensation", "损害赔偿", "compensation",
    (
        Column("case_no", "案件编号", ("案件编号", "案号", "case_no"), "text", True, True, rules=("unique",), description="损害赔偿案件的编号"),
        Column("started_on", "启动日期", ("启动日期", "started_on"), "date", True, True, description="赔偿案件启动的日期"),
        Column("agreed_on", "协议日期", ("协议日期", "磋商协议日期", "agreed_on"), "date", True, description="签订磋商协议的日期；未签订留空；不得早于启动日期"),
        Column("amount", "赔偿金额", ("赔偿金额", "amount"), "money", True, rules=("nonnegative",), description="协议的赔偿金额；填了协议日期时必填且大于0"),
        Column("basin", "流域", ("流域", "类型", "basin"), "text", description="案件所在流域或案件类型"),
    ),
    row_rules=("agreement_after_start", "agreement_needs_amount"),
    row_date=("agreed_on", "started_on"),
)

INDICATORS = SheetSchema(
    "indicators", "其他指标", "indicators",
    (
        Column("name", "指标", ("指标", "名称", "indicator"), "text", True, True, description="指标的名称；同一指标可分多行（如每月一行），合并求和"),
        Column("value", "数值", ("数值", "值", "value"), "number", True, True, description="指标的数值"),
        Column("unit", "单位", ("单位", "unit"), "text", description="数值的单位，如件、次、万份"),
        Column("category", "分类", ("分类", "category"), "text", description="指标的分类"),
        Column("month", "月份", ("月份", "month"), "month", description="数值所属的月份；留空表示全年"),
    ),
    row_rules=("indicator_units",),
)

WATER_LEVELS = ("国控", "省控", "市控")
WATER_BODIES = ("河流", "湖库")
WATER_CLASSES = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")
_ASCII_CLASSES = ("I", "II", "III", "IV", "V")


def _class_words(worst: bool) -> tuple[tuple[str, str], ...]:
    """Ⅲ is also written III, 3, Ⅲ类, III类, iii (and 劣Ⅴ as 劣V, 劣5, 劣Ⅴ类)."""
    words = []
    for number, (roman, ascii_) in enumerate(zip(WATER_CLASSES, _ASCII_CLASSES), start=1):
        for form in (roman, ascii_, ascii_.lower(), str(number)):
            words += [(form, roman), (form + "类", roman)]
    if worst:
        for form in ("劣Ⅴ", "劣V", "劣v", "劣5", "劣五"):
            words += [(form, "劣Ⅴ"), (form + "类", "劣Ⅴ")]
    return tuple((written, meant) for written, meant in words if written != meant)


def _measurement(key: str, name: str, *aliases: str) -> Column:
    return Column(key, name, (name, *aliases), "measurement", rules=("nonnegative",))


# GB 3838-2002 Table 1 by its names and the codes monitoring systems print (BOD₅ = BOD5:
# headers are matched after NFKC). The limits are domain/gb3838.py;水温, 总氮 and
# 粪大肠菌群 are read but decide no class.
WATER_INDICATORS: tuple[Column, ...] = (
    _measurement("temp", "水温", "water_temperature", "温度"),
    _measurement("ph", "pH", "pH值", "ph"),
    _measurement("do", "溶解氧", "DO"),
    _measurement("codmn", "高锰酸盐指数", "CODMn", "高锰酸钾指数"),
    _measurement("cod", "化学需氧量", "COD", "CODCr", "COD_Cr"),
    _measurement("bod5", "五日生化需氧量", "BOD5", "BOD₅", "生化需氧量"),
    _measurement("nh3n", "氨氮", "NH3-N", "NH3N", "NH₃-N"),
    _measurement("tp", "总磷", "TP", "总磷(以P计)"),
    _measurement("tn", "总氮", "TN", "总氮(以N计)"),
    _measurement("cu", "铜", "Cu"),
    _measurement("zn", "锌", "Zn"),
    _measurement("f", "氟化物", "F", "F-", "氟化物(以F-计)"),
    _measurement("se", "硒", "Se"),
    _measurement("as", "砷", "As"),
    _measurement("hg", "汞", "Hg"),
    _measurement("cd", "镉", "Cd"),
    _measurement("cr6", "六价铬", "Cr6+", "Cr(VI)", "Cr6", "铬(六价)"),
    _measurement("pb", "铅", "Pb"),
    _measurement("cn", "氰化物", "CN", "CN-"),
    _measurement("phenol", "挥发酚", "挥发性酚", "volatile_phenol"),
    _measurement("oil", "石油类", "petroleum", "oil"),
    _measurement("las", "阴离子表面活性剂", "LAS"),
    _measurement("s", "硫化物", "S", "S2-"),
    _measurement("coli", "粪大肠菌群", "粪大肠菌群(个/L)", "fecal_coliform"),
)
# The 21 that decide a class; the sheet needs at least one of them.
WATER_EVALUATED = tuple(column.key for column in WATER_INDICATORS if column.key not in ("temp", "tn", "coli"))

WATER = SheetSchema(
    "water", "地表水", "water_quality",
    (
        Column("section", "断面名称", ("断面名称", "断面", "点位名称", "section"), "text", True, True),
        Column("level", "断面级别", ("断面级别", "级别", "控制级别", "level"), "choice", choices=WATER_LEVELS,
               synonyms=(("国考", "国控"), ("省考", "省控"), ("市考", "市控"))),
        Column("body", "水体类型", ("水体类型", "水体", "water_body"), "choice", choices=WATER_BODIES,
               synonyms=(("湖泊", "湖库"), ("水库", "湖库"), ("湖", "湖库"), ("库", "湖库"), ("河", "河流"))),
        Column("date", "监测日期", ("监测日期", "采样日期", "日期", "date"), "date"),
        Column("month", "月份", ("月份", "month"), "month"),
        Column("target", "目标类别", ("目标类别", "水质目标", "目标", "target"), "choice", choices=WATER_CLASSES,
               synonyms=_class_words(False)),
        Column("class", "水质类别", ("水质类别", "类别", "class"), "choice", choices=(*WATER_CLASSES, "劣Ⅴ"),
               synonyms=_class_words(True)),
        *WATER_INDICATORS,
    ),
    row_rules=("date_or_month", "lawreport_cli.metrics.water:check_class"),
    row_date=("date",),
    one_of_columns=(("date", "month"), WATER_EVALUATED),
    other_names=("水质", "地表水水质"),
)

SHEETS: tuple[SheetSchema, ...] = (AIR, INSPECTIONS, PENALTIES, COMPENSATION, INDICATORS, WATER)
BY_KEY = {sheet.key: sheet for sheet in SHEETS}

# Rows that are not records: totals and notes under the table (DATA.md, "What real exports look like").
# The note words need their colon: 负责人约谈次数 or 填报人员数 are real indicators.
# The sheets `lawreport template` adds for people: the instructions and the hidden drop-down lists.
# DATA.md: a sheet that matches no kind but holds data gets a warning, and these are no exception.
INSTRUCTIONS_SHEET = "说明"
LIST_SHEET = "下拉选项"

NON_RECORD_ROW_PATTERN = r"^\s*(合\s*计|总\s*计|小\s*计|(?:注|备注|填报人|填表人|制表|制表人|审核人|负责人)\s*[:：]|注\s*[0-9])"

# Money columns whose unit the header may not state: a line above the table says it.
# `金额单位：万元`, `单位：万元`, also inside a title (`2023年行政处罚台账（金额单位：万元）`).
# The unit must stand alone after the colon: 填报单位：某某元和区生态环境局 is no unit line.
UNIT_LINE_PATTERN = r"(?:金额)?单位\s*[:：]\s*((?:十|百|千|万|十万|百万|千万|亿)?元)(?![\u4e00-\u9fff])"
# A yes/no column may be headed as a question: 是否移送公安机关 is 移送公安机关.
QUESTION_PREFIX = "是否"

# 有/无 are yes/no too (DATA.md, Cells); the placeholders and synonyms are in words.py.
YES = ("是", "y", "yes", "true", "1", "√", "✓", "✔", "有")
NO = ("否", "n", "no", "false", "0", "×", "✗", "✘", "无")
