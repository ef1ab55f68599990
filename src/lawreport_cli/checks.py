"""Parse and check one raw sheet: typed records plus findings at their cells.

Everything is columnar: each rule is a boolean mask over the sheet, and only
the rows a mask selects become Finding objects. A row with an error is left
out of the records (and counted); warnings leave the row in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import polars as pl

from . import values, words as vocabulary
from .findings import Finding
from .domain import aqi
from .reader import ROW_STRIDE, RawSheet
from .schema import Column

TYPE_CODES = {"date": "bad-date", "number": "bad-number", "integer": "bad-number", "money": "bad-money",
              "yes_no": "bad-yes-no", "choice": "bad-choice", "month": "bad-month", "measurement": "bad-number"}
EXCEL_ERROR_PATTERN = r"^#(?:N/A|DIV/0!|NAME\?|NULL!|NUM!|REF!|VALUE!|GETTING_DATA|SPILL!|CALC!)$"
# The texts the pattern matches, whole: compared as a set (a hash each), cheaper than the regex.
EXCEL_ERROR_TEXTS = ("#N/A", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!",
                     "#CALC!")


@dataclass
class CheckedSheet:
    sheet: RawSheet
    records: pl.DataFrame  # typed rows without errors; "_row" kept for later rules
    findings: list[Finding]
    rows_with_errors: int
    # column key -> [(raw text, what it was read as or None for blank, rows)]: placeholders,
    # synonyms and the config's words applied (for `inspect`).
    words_applied: dict[str, list[tuple[str, str | None, int]]] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """False when the header or a required column is missing: no figure can stand."""
        # A money unit that cannot be told would scale every amount: no figure stands either.
        return not any(finding.code in ("missing-column", "header-not-found", "bad-unit", "missing-one-of-columns")
                       for finding in self.findings)


class _Collector:
    """Turns masks into findings and remembers which rows have an error.

    Masks are gathered and evaluated together (one select: polars runs them in parallel and
    shares their common parts); only masks with hits filter the frame. Pending masks are
    evaluated before the frame changes, and before findings or error rows are read, so every
    mask sees the frame it was added on and findings keep the order of the adds.
    """

    def __init__(self, sheet: RawSheet, frame: pl.DataFrame):
        self.sheet = sheet
        self._frame = frame
        self._findings: list[Finding] = list(sheet.findings)
        self._error_rows: set[int] = set()
        # Rows named by a reader-level error (a formula without a value): no other finding on them.
        self.muted: list[int] = []
        self._pending: list[tuple[pl.Expr, str, str, pl.Expr | None, list[pl.Expr]]] = []

    @property
    def frame(self) -> pl.DataFrame:
        return self._frame

    @frame.setter
    def frame(self, frame: pl.DataFrame) -> None:
        self.flush()
        self._frame = frame

    @property
    def findings(self) -> list[Finding]:
        self.flush()
        return self._findings

    @property
    def error_rows(self) -> set[int]:
        self.flush()
        return self._error_rows

    def add(self, mask: pl.Expr, key: str, code: str, value: pl.Expr | None = None,
            params: list[pl.Expr] = ()) -> None:
        if self.muted:
            mask = mask & ~pl.col("_row").is_in(self.muted)
        self._pending.append((mask.fill_null(False), key, code, value, list(params)))

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        # "_row" along: a mask that is a literal is broadcast to the frame's height.
        masks = self._frame.select(pl.col("_row"),
                                   *(mask.alias(f"_mask{index}") for index, (mask, *_) in enumerate(pending)))
        with_hits = masks.select(pl.exclude("_row").any()).row(0)
        for index, (_, key, code, value, params) in enumerate(pending):
            if with_hits[index]:
                self._collect(masks.to_series(index + 1), key, code, value, params)

    def _collect(self, mask: pl.Series, key: str, code: str, value: pl.Expr | None, params: list[pl.Expr]) -> None:
        # Filter first: values and parameters are made for the few failing rows only. A
        # parameter that needs the whole sheet (a duplicate's first row) is a column already.
        columns = [pl.col("_row"),
                   (value if value is not None else pl.col(f"{key}__raw")).cast(pl.Utf8).alias("_v")]
        columns += [param.cast(pl.Utf8).alias(f"_p{index}") for index, param in enumerate(params)]
        hits = self._frame.filter(mask).select(columns)
        if hits.is_empty():
            return
        is_error = Finding(self.sheet.name, 0, 0, code).severity == "error"
        several = len(self.sheet.parts) > 1
        for row in hits.iter_rows():
            if several and key not in self.sheet.locate(row[0])[0].positions:
                # A sheet of the table without this column: its own missing-column says so, once.
                continue
            self._findings.append(self.sheet.finding(row[0], key, code, row[1], *row[2:]))
            if is_error:
                self._error_rows.add(row[0])


def _fast_parsers(column: Column, sheet: RawSheet) -> list[pl.Expr] | None:
    """Cheap parsers for the common forms; rows they leave null get _parse_column's full ones."""
    raw = pl.col(f"{column.key}__raw")
    if column.type == "date":
        return [values.parse_date_fast(raw).alias(column.key)]
    if column.type == "money":
        return _money_parsers(column, sheet, values.parse_money_fen_fast)
    return None


def _parser_tiers(column: Column, sheet: RawSheet) -> list[list[pl.Expr]]:
    """The parsers a column's rows go through, cheapest first; each gets the rows the ones before left null.

    The last is _parse_column's full parser; every earlier one is right where it gives a value.
    """
    fast = _fast_parsers(column, sheet)
    if fast is None:
        return [_parse_column(column, sheet)]
    if column.type == "money":
        # Most amounts are plain decimals (1234.56): digits, scaled, without taking the text apart.
        return [_money_parsers(column, sheet, values.parse_money_fen_plain), fast, _parse_column(column, sheet)]
    return [fast, _parse_column(column, sheet)]


def _money_parsers(column: Column, sheet: RawSheet, parser) -> list[pl.Expr]:
    """fen and finer-than-a-fen of a money column, in each part's own unit (sheets of one kind may differ).

    The flag reads the fen column (see _in_stages): computed once, not once more inside the flag.
    """
    raw = pl.col(f"{column.key}__raw")
    by_part = sheet.unit_of(column.key)
    units = sorted(set(by_part.values()))
    parser = partial(parser, fen_column=pl.col(column.key))
    if len(units) <= 1:
        fen, finer = parser(raw, units[0] if units else "元")
    else:
        part = pl.col("_row") // ROW_STRIDE
        fen = finer = None
        for unit in units:
            chosen = part.is_in([index for index, each in by_part.items() if each == unit])
            unit_fen, unit_finer = parser(raw, unit)
            fen = (pl.when(chosen).then(unit_fen) if fen is None else fen.when(chosen).then(unit_fen))
            finer = (pl.when(chosen).then(unit_finer) if finer is None else finer.when(chosen).then(unit_finer))
    return [fen.alias(column.key), finer.alias(f"{column.key}__finer")]


# Types whose parse costs more than finding the distinct texts and looking each row's up (measured
# on a million rows; a text's clean_text costs about as much as the lookup, so text goes row by row).
# A date in the ISO form costs little either way; in a text form (2023年3月5日) it needs the regex.
_WORTH_A_UNIQUE = ("money", "yes_no", "choice", "credit_code", "date", "number", "integer", "month", "measurement")
# Rows per distinct text at which a lookup costs less than the parse: at least two, and for money
# twenty (a plain amount costs about what a lookup costs: 200,000 amounts of a million go row by row).
_ROWS_PER_TEXT = {"money": 20}
# A sheet this long parses a column whose texts repeat once per distinct text; a short one
# parses every row (a few cells cost less than the unique() and the lookup).
DISTINCT_FROM_ROWS = 20_000


def _parse(frame: pl.DataFrame, present: list[Column], sheet: RawSheet,
           by_distinct: bool | None = None) -> pl.DataFrame:
    """Typed columns added to the raw frame: `<key>` (and `<key>__finer` for money).

    Every parser is a function of the cell's text alone (money: and of its part's unit), so a
    column whose texts repeat (choices, yes/no, credit codes, dates, amounts) is parsed once per
    distinct text and each row given its text's values; the result is _parse_rows', row for row.
    `by_distinct`: None chooses per column, True parses every column so, False every row (the
    tests compare the two).
    """
    if by_distinct is False or not present:
        return _parse_rows(frame, present, sheet)
    if by_distinct:
        repeating = list(present)
    elif frame.height < DISTINCT_FROM_ROWS:
        return _parse_rows(frame, present, sheet)
    else:
        # An estimate is enough to choose (HyperLogLog: one cheap pass); all-distinct amounts
        # must not pay for a unique() that saves nothing. A yes/no or a choice says one of a few
        # words: no estimate needed.
        few = [column for column in present if column.type in ("yes_no", "choice")]
        candidates = [column for column in present if column.type in _WORTH_A_UNIQUE and column not in few]
        estimates = frame.select(pl.col(f"{column.key}__raw").approx_n_unique() for column in candidates).row(0) \
            if candidates else ()
        chosen = few + [column for column, estimate in zip(candidates, estimates)
                        if estimate * _ROWS_PER_TEXT.get(column.type, 2) <= frame.height]
        repeating = [column for column in present if column in chosen]
    rest = [column for column in present if column not in repeating]
    # One chunk per column (the reader hands over several): columns added later, in one chunk,
    # would else make polars copy the whole frame to line the chunks up, once per step.
    frame = frame.rechunk()
    parsed = _parse_rows(frame, rest, sheet)
    by_part = [column for column in repeating
               if column.type == "money" and len(set(sheet.unit_of(column.key).values())) > 1]
    by_text = [column for column in repeating if column not in by_part]
    if by_text:
        parsed = _parse_by_text(parsed, by_text, sheet)
    for column in by_part:
        # Parts in different units read the same text differently: the part is part of the key.
        raw, keys = f"{column.key}__raw", [f"{column.key}__raw", "__part"]
        parsed = parsed.with_columns((pl.col("_row") // ROW_STRIDE).alias("__part"))
        # Each distinct text stands at a row of its own part (_money_parsers reads the part off _row).
        distinct = parsed.select(keys).unique().with_columns(
            (pl.col("__part") * ROW_STRIDE + pl.int_range(pl.len()).over("__part")).cast(pl.Int64).alias("_row"))
        typed = _parse_rows(distinct, [column], sheet).drop("_row")
        parsed = parsed.join(typed, on=keys, how="left", nulls_equal=True, maintain_order="left").drop("__part")
    # Columns in the order _parse_rows gives them.
    order = frame.columns + [name for column in present for name in (column.key, f"{column.key}__finer")
                             if name in parsed.columns and name not in frame.columns]
    return pl.DataFrame([parsed.get_column(name) for name in order])


_FEW_TEXTS = 8


def _parse_by_text(frame: pl.DataFrame, columns: list[Column], sheet: RawSheet) -> pl.DataFrame:
    """Each column's distinct texts parsed, and each row given its text's values.

    One pass finds every column's distinct texts, one pass looks up each row's text among
    them (an index; the columns in parallel), and the typed values are gathered by it.
    """
    raws = [f"{column.key}__raw" for column in columns]
    # In order of first sight: polars' ordered unique() costs less than its unordered one (measured:
    # a quarter of the time on a million credit codes), and the order of the table is no matter.
    distincts = pl.collect_all([frame.lazy().select(pl.col(raw).unique(maintain_order=True)) for raw in raws])
    tables, lookups = [], []
    for column, raw, distinct in zip(columns, raws, distincts):
        table = _parse_rows(distinct.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("_row")),
                            [column], sheet)
        texts = table.get_column(raw)
        # A blank cell has its own typed value (a blank yes/no is "no"): the lookup's default.
        blank = texts.is_null().arg_true()
        tables.append(table)
        given, at = texts.drop_nulls(), texts.is_not_null().arg_true()
        default = pl.lit(blank[0] if len(blank) else None, pl.UInt32)
        if len(given) <= _FEW_TEXTS:
            # A handful of texts (yes/no, outcomes): comparisons cost less than hashing every row.
            lookup = default
            for text, index in reversed(list(zip(given, at))):
                lookup = pl.when(pl.col(raw) == text).then(pl.lit(index, pl.UInt32)).otherwise(lookup)
        else:
            lookup = pl.col(raw).replace_strict(given, at, default=default, return_dtype=pl.UInt32)
        lookups.append(lookup.alias(raw))
    indices = frame.select(pl.col("_row"), *lookups)  # "_row": a lookup that is a literal is broadcast
    return frame.with_columns(table.get_column(name).gather(indices.get_column(raw))
                              for column, raw, table in zip(columns, raws, tables)
                              for name in (column.key, f"{column.key}__finer") if name in table.columns)


def _parse_rows(frame: pl.DataFrame, present: list[Column], sheet: RawSheet) -> pl.DataFrame:
    """The straightforward parse: every row's text through the parsers."""
    tiers = {column.key: _parser_tiers(column, sheet) for column in present}
    frame = _in_stages(frame, [expr for column in present for expr in tiers[column.key][0]])
    for column in present:
        for exprs in tiers[column.key][1:]:
            leftover = pl.col(column.key).is_null() & pl.col(f"{column.key}__raw").is_not_null()
            rest = frame.filter(leftover)
            if not rest.height:
                break
            # Only the rows the cheaper parsers could not read pay for the next (at last the regex one).
            slow = _in_stages(rest, exprs).select("_row", *(expr.meta.output_name() for expr in exprs))
            frame = frame.update(slow, on="_row", how="left")
    return frame


def _in_stages(frame: pl.DataFrame, exprs: list[pl.Expr]) -> pl.DataFrame:
    """The typed columns, then the finer-than-a-fen flags that read them (in the order of `exprs`)."""
    flags = [expr for expr in exprs if expr.meta.output_name().endswith("__finer")]
    if not flags:
        return frame.with_columns(exprs)
    names = [expr.meta.output_name() for expr in exprs]
    order = frame.columns + [name for name in dict.fromkeys(names) if name not in frame.columns]
    frame = frame.with_columns(expr for expr in exprs if not expr.meta.output_name().endswith("__finer"))
    return frame.with_columns(flags).select(order)


def _parse_column(column: Column, sheet: RawSheet) -> list[pl.Expr]:
    raw = pl.col(f"{column.key}__raw")
    kind = column.type
    if kind == "date":
        return [values.parse_date(raw).alias(column.key)]
    if kind == "number":
        return [values.parse_number(raw).alias(column.key)]
    if kind == "integer":
        return [values.parse_integer(raw).alias(column.key)]
    if kind == "month":
        return [values.parse_month(raw).alias(column.key)]
    if kind == "money":
        return _money_parsers(column, sheet, values.parse_money_fen)
    if kind == "yes_no":
        return [values.parse_yes_no(raw).alias(column.key)]
    if kind == "choice":
        return [values.parse_choice(raw, column.choices, column.synonyms).alias(column.key)]
    if kind == "measurement":
        return [values.parse_measurement(raw).alias(column.key)]
    if kind == "credit_code":
        # Compared after NFKC and ignoring case (DATA.md: one enterprise, one count).
        return [vocabulary.credit_code_key_expr(raw).alias(column.key)]
    if column.key == "city":
        # A city is a group of the figures: 枣庄市 with a zero-width space is 枣庄市 (words.normalize).
        return [vocabulary.normalize_expr(values.clean_text(raw)).replace("", None).alias(column.key)]
    # One text per row (case numbers, names): each row's own clean-up, without clean_text's repeated steps.
    return [values.clean_text_expr(raw).alias(column.key)]


def _money_fallback(frame: pl.DataFrame, column: Column, sheet: RawSheet) -> pl.DataFrame:
    # Forms the columnar parser leaves out (1.5e+3 from a float's repr) go one by one;
    # they are rare, and a bad value ends up a finding either way.
    raw, key = f"{column.key}__raw", column.key
    odd = frame.filter(pl.col(raw).is_not_null() & pl.col(key).is_null())
    if odd.is_empty():
        return frame
    units = sheet.unit_of(key)
    fixes = {row: values.money_fen_slow(text, units.get(row // ROW_STRIDE, "元"))
             for row, text in odd.select("_row", raw).iter_rows()}
    fixes = {row: fix for row, fix in fixes.items() if fix is not None}
    if not fixes:
        return frame
    patch = pl.DataFrame({"_row": list(fixes), "_fen": [fix[0] for fix in fixes.values()],
                          "_finer": [fix[1] for fix in fixes.values()]},
                         schema={"_row": pl.Int64, "_fen": pl.Int64, "_finer": pl.Boolean})
    frame = frame.join(patch, on="_row", how="left", maintain_order="left")
    return frame.with_columns(
        pl.coalesce(key, "_fen").alias(key),
        pl.coalesce("_finer", f"{key}__finer").alias(f"{key}__finer"),
    ).drop("_fen", "_finer")


def _apply_words(frame: pl.DataFrame, present: list[Column], sheet: RawSheet,
                 words: vocabulary.Vocabulary | None) -> tuple[pl.DataFrame, dict]:
    """Placeholders to blank, synonyms and the config's words to the contract's words.

    Decided once per distinct text (a choice column holds a handful), applied as one
    columnar replace; counted by one group_by over the rows that changed. A required
    column keeps its cells as written (`<key>__orig`) so missing-value shows them.
    """
    applied: dict[str, list[tuple[str, str | None, int]]] = {}
    for column in present:
        raw = f"{column.key}__raw"
        series = frame.get_column(raw)
        if column.type in ("choice", "yes_no"):
            # The yes/no words the parser reads as they are need no mapping, nor a count.
            plain = {word.lower() for word in (*values.YES, *values.NO)} if column.type == "yes_no" else set()
            changed = {}
            for text in series.drop_nulls().unique().to_list():
                if text.lower() in plain:
                    continue
                meaning = vocabulary.meaning(text, column, sheet.schema.key, words)
                if meaning != text:
                    changed[text] = meaning
        else:
            forms = vocabulary.PENDING_DATE_FORMS if column.type == "date" else vocabulary.PLACEHOLDER_FORMS
            own = words.value_words(sheet.schema.key, column.key) if words else {}
            forms = forms | {word for word, target in own.items() if not target}
            hits = series.filter(series.is_in(list(forms))).unique().to_list()
            changed = {text: None for text in hits}
        if not changed:
            continue
        counts = frame.filter(pl.col(raw).is_in(list(changed))).group_by(raw, maintain_order=True).len()
        applied[column.key] = [(text, changed[text], count) for text, count in counts.iter_rows()]
        blanks = [text for text, meaning in changed.items() if meaning is None]
        words_to = {text: meaning for text, meaning in changed.items() if meaning is not None}
        if column.value_required and blanks:
            frame = frame.with_columns(pl.col(raw).alias(f"{column.key}__orig"))
        replaced = pl.col(raw).replace(words_to) if words_to else pl.col(raw)
        frame = frame.with_columns(pl.when(pl.col(raw).is_in(blanks)).then(None).otherwise(replaced).alias(raw))
    return frame, applied


def check_sheet(sheet: RawSheet, words: vocabulary.Vocabulary | None = None) -> CheckedSheet:
    schema = sheet.schema
    present = [column for column in schema.columns if column.key in sheet.frame.columns]
    raw = sheet.frame.rename({column.key: f"{column.key}__raw" for column in present})
    raw, words_applied = _apply_words(raw, present, sheet, words)
    frame = _parse(raw, present, sheet)
    for column in present:
        if column.type == "money":
            frame = _money_fallback(frame, column, sheet)
            # README: amounts of 10^12 元 or more (in any unit, once converted) are not money here.
            frame = frame.with_columns(
                pl.when(pl.col(column.key).abs() < values.MAX_MONEY_FEN).then(pl.col(column.key)).alias(column.key))
    issues = _Collector(sheet, frame)
    for row, key, code, value in sheet.cell_errors:
        issues.findings.append(sheet.finding(row, key, code, value))
        issues.error_rows.add(row)
    issues.muted = sorted({row for row, _, _, _ in sheet.cell_errors})
    for group in schema.one_of_columns:
        if not any(key in frame.columns for key in group) and sheet.header_row:
            names = "、".join(schema.column(key).name for key in group)
            first_cell = min(sheet.positions.values(), default=0)
            issues.findings.append(Finding(sheet.name, sheet.header_row, first_cell, "missing-one-of-columns",
                                           params=(names,)))

    for column in present:
        key, raw_col = column.key, pl.col(f"{column.key}__raw")
        typed = pl.col(key)
        # An Excel error value (#N/A, #DIV/0!) is never data, whatever the column's type.
        excel_error = raw_col.is_in(EXCEL_ERROR_TEXTS).fill_null(False)
        issues.add(excel_error, key, "cell-error")
        if column.type in TYPE_CODES:
            params = [pl.lit("、".join(column.choices))] if column.type == "choice" else []
            unknown = excel_error
            if column.type == "measurement":
                unknown = excel_error | values.is_not_detected(raw_col)
                issues.add(values.is_not_detected(raw_col), key, "not-detected-without-limit")
            issues.add(raw_col.is_not_null() & typed.is_null() & ~unknown, key, TYPE_CODES[column.type],
                       params=params)
        if column.value_required:
            # A placeholder (— / 无) in a required cell is shown as written.
            orig = pl.col(f"{key}__orig") if f"{key}__orig" in frame.columns else None
            issues.add(raw_col.is_null(), key, "missing-value", value=orig)
        if column.type == "money":
            issues.add(pl.col(f"{key}__finer"), key, "sub-fen-amount")
        if "nonnegative" in column.rules:
            code = "negative-amount" if column.type == "money" else "negative-concentration"
            issues.add(typed < 0, key, code)
        if "off_scale" in column.rules:
            # The top of the table of the standard in force on the row's day.
            day = pl.col("date") if "date" in frame.columns else pl.lit(None, pl.Date)
            issues.add(aqi.in_force(day, lambda standard: aqi.off_scale_expr(key, typed, standard)), key,
                       "concentration-off-scale", params=[aqi.in_force(day, lambda standard: pl.lit(standard.id))])
        if "unique" in column.rules:
            # One case, one number: compared after NFKC, every bracket form the same.
            issues.frame = issues.frame.with_columns(vocabulary.case_number_key_expr(typed).alias("__key"))
            _duplicates(issues, key, ["__key"], "duplicate-case-number")
            issues.frame = issues.frame.drop("__key")
        if "unique_per_city" in column.rules:
            if "city" in frame.columns:
                issues.frame = issues.frame.with_columns(vocabulary.normalize_expr(pl.col("city")).alias("__city"))
            group = [key, "__city"] if "city" in frame.columns else [key]
            _duplicates(issues, key, group, "duplicate-date")
            issues.frame = issues.frame.drop("__city", strict=False)
        if column.type == "credit_code":
            # Checked once per distinct code: an enterprise recurs on many rows.
            codes = frame.select(typed.drop_nulls().unique(maintain_order=True))  # ordered: the cheaper
            bad = codes.filter(~values.credit_code_valid(pl.col(key))).to_series()
            if len(bad):
                issues.add(typed.is_in(bad.implode()), key, "credit-code-check")

    for rule in schema.row_rules:
        _rule(rule)(issues, frame)

    records = issues.frame
    if issues.error_rows:
        records = records.filter(~pl.col("_row").is_in(list(issues.error_rows)))
    typed_columns = ["_row"] + [column.key for column in present] + ["waived"] * (
        "waived" in records.columns and "waived" not in sheet.frame.columns) + [
        extra for extra in records.columns if extra.startswith("_") and not extra.startswith("__") and extra != "_row"]
    records = records.select([name for name in typed_columns if name in records.columns])
    return CheckedSheet(sheet, records, issues.findings, len(issues.error_rows), words_applied)


def _duplicates(issues: _Collector, key: str, group: list[str], code: str) -> None:
    # One column is its own struct (and half the cost of one): a null is one value either way.
    grouped = pl.col(group[0]) if len(group) == 1 else pl.struct(group)
    mask = pl.col(key).is_not_null() & ~grouped.is_first_distinct()
    # No duplicate at all (the usual case) is told by a count, cheaper than the mask.
    given = grouped.filter(pl.col(key).is_not_null())
    if len(group) == 1:
        # A ledger kept in order of its numbers: strictly ascending keys are distinct, told by one
        # comparison with the row before (cheaper than hashing them all). Else the count decides.
        ascending = (given > given.shift(1)).all() & (given.null_count() == 0)
        if issues.frame.select(ascending).item():
            return
    if issues.frame.select(given.n_unique() == given.len()).item():
        return
    issues.frame = issues.frame.with_columns(pl.col("_row").first().over(group).alias("_first_row"))
    issues.add(mask, key, code, params=[pl.col("_first_row")])
    issues.frame = issues.frame.drop("_first_row")


# -- cross-column rules, named by the schema ------------------------------------------

def _has(frame: pl.DataFrame, *keys: str) -> bool:
    return all(key in frame.columns for key in keys)


def rule_outcome_needs_decision(issues: _Collector, frame: pl.DataFrame) -> None:
    # DATA.md: "blank 决定日期 means 办理中". A final outcome without a decision date
    # is counted as open; an outcome left blank on an open case is not a fault.
    if not _has(frame, "outcome", "decided_on"):
        return
    decided, outcome = pl.col("decided_on"), pl.col("outcome")
    final = outcome.is_in(["处罚", "减罚", "免罚", "不予处罚"])
    issues.add(decided.is_null() & pl.col("decided_on__raw").is_null() & final, "outcome", "open-case-with-outcome",
               params=[outcome])
    issues.add(decided.is_not_null() & pl.col("outcome__raw").is_null(), "outcome", "missing-value")
    issues.frame = issues.frame.with_columns(
        pl.when(pl.col("decided_on").is_null() & pl.col("decided_on__raw").is_null())
        .then(pl.lit("办理中")).otherwise(pl.col("outcome")).alias("outcome"))


def rule_decision_after_filing(issues: _Collector, frame: pl.DataFrame) -> None:
    if _has(frame, "filed_on", "decided_on"):
        issues.add(pl.col("decided_on") < pl.col("filed_on"), "decided_on", "decision-before-filing",
                   value=pl.col("decided_on"), params=[pl.col("filed_on")])


def rule_fine_matches_outcome(issues: _Collector, frame: pl.DataFrame) -> None:
    if not _has(frame, "outcome", "fine"):
        return
    outcome, fine = pl.col("outcome"), pl.col("fine")
    punished = outcome.is_in(["处罚", "减罚"])
    fine_ok = pl.col("fine__raw").is_null() | fine.is_not_null()  # a bad value is already an error
    issues.add(punished & fine_ok & ((fine.is_null()) | (fine == 0)), "fine", "penalty-without-fine",
               params=[outcome])
    if "filed_on" in frame.columns:
        issues.add(punished & pl.col("filed_on__raw").is_null(), "filed_on", "penalty-without-filing-date",
                   params=[outcome])
    issues.add(outcome.is_in(["免罚", "不予处罚"]) & (fine > 0), "fine", "waived-with-fine", params=[outcome])
    # DATA.md: a 处罚 or 减罚 fine below 100 元 is a warning (a 万元 column read as 元?).
    issues.add(punished & (fine > 0) & (fine < SMALL_FINE_FEN), "fine", "fine-implausibly-small",
               value=pl.format("{}.{}", fine // 100, (fine % 100).cast(pl.Utf8).str.zfill(2)))


SMALL_FINE_FEN = 100 * 100


def rule_waived_by_outcome(issues: _Collector, frame: pl.DataFrame) -> None:
    # Separate 免罚金额 and 减罚金额 columns (as the report writes them): each serves its own outcome,
    # and together they are the 免减金额 the figures read.
    # One of them alone is what DATA.md's table has always said: a name of 免减金额, for both outcomes.
    split = {"waived_exempted": "免罚", "waived_reduced": "减罚"}
    present = [key for key in split if key in issues.frame.columns]
    if not present:
        return
    if len(present) == 1 or "outcome" not in issues.frame.columns:
        chosen = [pl.col(key) for key in present]
    else:
        outcome = pl.col("outcome")
        for key in present:
            # An open case (办理中) counts no amount either way: it is not held against it.
            issues.add((pl.col(key).fill_null(0) != 0) & ~outcome.is_in([split[key], "办理中"]).fill_null(False), key,
                       "waived-amount-wrong-outcome", params=[outcome.fill_null("")])
        chosen = [pl.when(outcome == split[key]).then(pl.col(key)) for key in present]
    if "waived" in issues.frame.columns:
        chosen.insert(0, pl.col("waived"))
    issues.frame = issues.frame.with_columns(pl.coalesce(chosen).alias("waived"))


def rule_detention_needs_referral(issues: _Collector, frame: pl.DataFrame) -> None:
    if "detention" not in frame.columns:
        return
    referred = pl.col("referred") if "referred" in frame.columns else pl.lit(False)
    issues.add(pl.col("detention") & ~referred.fill_null(False), "detention", "detention-without-referral")


def rule_agreement_after_start(issues: _Collector, frame: pl.DataFrame) -> None:
    if _has(frame, "agreed_on", "started_on"):
        issues.add(pl.col("agreed_on") < pl.col("started_on"), "agreed_on", "agreement-before-start",
                   value=pl.col("agreed_on"), params=[pl.col("started_on")])


def rule_agreement_needs_amount(issues: _Collector, frame: pl.DataFrame) -> None:
    if _has(frame, "agreed_on", "amount"):
        amount_ok = pl.col("amount__raw").is_null() | pl.col("amount").is_not_null()
        issues.add(pl.col("agreed_on").is_not_null() & amount_ok & (pl.col("amount").fill_null(0) == 0),
                   "amount", "agreement-without-amount", params=[pl.col("agreed_on")])


def rule_aqi_matches(issues: _Collector, frame: pl.DataFrame) -> None:
    six = list(aqi.POLLUTANTS)
    if not _has(frame, *six) or not ("aqi" in frame.columns or "level" in frame.columns):
        return
    # Each row with the standard in force on its day (a row without a date: the oldest).
    day = pl.col("date") if "date" in frame.columns else pl.lit(None, pl.Date)
    inputs = frame.select(["_row", day.alias("date"), *six, *(["o3_1h"] if "o3_1h" in frame.columns else [])])
    computed = aqi.with_daily_aqi(inputs, "auto", name_standard=True).select(
        "_row", pl.col("aqi").alias("_aqi"), pl.col("level").alias("_level"), pl.col("standard").alias("_standard"))
    issues.frame = issues.frame.join(computed, on="_row", how="left", maintain_order="left")
    if "aqi" in frame.columns:
        issues.add(pl.col("aqi").is_not_null() & (pl.col("aqi") != pl.col("_aqi")), "aqi", "aqi-mismatch",
                   params=[pl.col("_aqi"), pl.col("_standard")])
    if "level" in frame.columns:
        issues.add(pl.col("level").is_not_null() & (pl.col("level") != pl.col("_level")), "level",
                   "level-mismatch", params=[pl.col("_aqi"), pl.col("_level"), pl.col("_standard")])
    issues.frame = issues.frame.drop("_aqi", "_level", "_standard")


def rule_o3_1h_fallback(issues: _Collector, frame: pl.DataFrame) -> None:
    if "o3_8h" not in frame.columns:
        return
    # Only where the day's standard takes O3_8h above its table into the 1-h table (HJ 633—2012).
    one_hour = pl.col("o3_1h") if "o3_1h" in frame.columns else pl.lit(None, pl.Float64)
    day = pl.col("date") if "date" in frame.columns else pl.lit(None, pl.Date)
    falls_back = aqi.in_force(day, lambda standard: pl.lit(standard.o3_8h_above_top is None))
    issues.add((pl.col("o3_8h") > aqi.O3_8H_TOP) & one_hour.is_null() & falls_back, "o3_8h", "o3-1h-missing")


def rule_date_or_month(issues: _Collector, frame: pl.DataFrame) -> None:
    # DATA.md 地表水: a row is counted by its 监测日期, else by its 月份; one of them is required.
    keys = [key for key in ("date", "month") if key in frame.columns]
    if keys:
        blank = pl.all_horizontal([pl.col(f"{key}__raw").is_null() for key in keys])
        issues.add(blank, keys[0], "missing-value")


def _rule(name: str):
    """A rule of this module by name, or a section's own rule by "module:function" (metrics/water.py)."""
    if name in RULES:
        return RULES[name]
    module, _, function = name.partition(":")
    import importlib

    return getattr(importlib.import_module(module), function)

def rule_indicator_units(issues: _Collector, frame: pl.DataFrame) -> None:
    """An indicator in two units that are not multiples (份 and 次) is an error at the first odd row.

    The indicator's first given unit is the reference; 万份 and 份 are multiples and are
    summed in the smaller (metrics/indicators.py). Names are compared normalised.
    """
    if not _has(frame, "name", "unit"):
        return
    pairs = (frame.select("_row", vocabulary.normalize_expr(pl.col("name")).alias("_name"), pl.col("unit"))
             .filter(pl.col("_name").is_not_null() & pl.col("unit").is_not_null())
             .group_by("_name", "unit", maintain_order=True).agg(pl.col("_row").min()))
    if pairs.height == pairs.get_column("_name").n_unique():
        return  # every indicator has one unit
    reference: dict[str, tuple[str, str]] = {}
    odd: dict[tuple[str, str], tuple[int, str]] = {}
    for name, unit, row in pairs.sort("_row").iter_rows():
        base = vocabulary.unit_scale(unit)[0]
        if name not in reference:
            reference[name] = (base, unit)
        elif base != reference[name][0] and (name, base) not in odd:
            odd[(name, base)] = (row, reference[name][1])
    for row, first_unit in odd.values():
        issues.add(pl.col("_row") == row, "unit", "mixed-units", params=[pl.col("name"), pl.lit(first_unit)])


RULES = {
    "indicator_units": rule_indicator_units,
    "outcome_needs_decision": rule_outcome_needs_decision,
    "decision_after_filing": rule_decision_after_filing,
    "fine_matches_outcome": rule_fine_matches_outcome,
    "detention_needs_referral": rule_detention_needs_referral,
    "agreement_after_start": rule_agreement_after_start,
    "agreement_needs_amount": rule_agreement_needs_amount,
    "aqi_matches": rule_aqi_matches,
    "o3_1h_fallback": rule_o3_1h_fallback,
    "date_or_month": rule_date_or_month,
    "waived_by_outcome": rule_waived_by_outcome,
}
