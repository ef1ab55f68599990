"""`lawreport inspect`: how the tool read each file, as one plain dict (and a table for people).

It is what a clerk runs first when a figure looks wrong: each sheet and what it was
read as and why, the header rows, each column and the contract column it serves
(with the lawreport.toml key that adds names for it) or why not (with the nearest
known name), money units and their source, merged ranges filled, rows left out as
totals or notes, the words read otherwise (placeholders, synonyms, the config's) and
how often, the words refused, and the lawreport.toml lines that would read the rest.

The JSON shape (`--format json`), stable keys:

    {"files": [{"file", "sheets": [{
        "sheet", "hidden", "read_as" (kind or null), "section" (its Chinese name or null),
        "why" ("name" | "config" | "contained name" | "header" | "unknown sheet" | ...),
        "config_key" ("sheets.<kind>" or null), "header_rows" [1-based],
        "columns": [{"cell", "header", "key" (or null), "column" (canonical name or null),
                     "by" ("alias" | "config" | null), "config_key" ("columns.<kind>.<key>" or null),
                     "why_not" (null | "unknown" | "duplicate"), "nearest" ({"name", "key", "config_key"} or null),
                     "unit" (money: 元/万元/亿元, else null), "unit_source" (money: "header" | "default" | ...)}],
        "missing_columns": [{"key", "column", "config_key", "looked_for"}],
        "looks_like" (a sheet not read whose header is of this kind: what it would give), "data_rows", "left_out_rows": [{"row", "text"}], "merged_ranges": ["E5:E7", ...],
        "words": [{"column", "config_key", "from", "to" ("" = blank), "by" ("synonym" | "placeholder" | "config"), "rows"}],
        "refused": [{"column", "code", "value", "rows", "accepted", "config_key"}]}],
      "suggestions": ["[columns.penalties]", "fine = [\"罚没金额\"]", ...]}]}

Facts the reader learns while matching (sheet reason, header rows, unit sources,
merges, rows left out) are read from the RawSheet when it carries them
(`matched_by`, `header_rows`, `unit_sources`, `merged_ranges`, `left_out_rows`),
else worked out here from the sheet as loaded.
"""
from __future__ import annotations

import difflib
import os
import re
from collections import Counter

from .checks import check_sheet
from .findings import column_letter
from .reader import HEADER_SEARCH_ROWS, alias_tables, find_header, match_header, match_sheet, read_workbook
from .schema import NON_RECORD_ROW_PATTERN, SHEETS, SheetSchema
from .sources import open_sources
from .values import normalize_label
from .words import Vocabulary, accepted_values, normalize, visible

NEAREST_CUTOFF = 0.4  # difflib ratio below which no known name is "near"
REFUSED_CODES = ("bad-choice", "bad-yes-no")


def inspect_files(paths, words: Vocabulary | None = None) -> dict:
    return {"files": [inspect_file(path, words) for path in paths]}


def _sheets_read(path, words) -> tuple[dict, dict]:
    raw = read_workbook(path, None, sheet_aliases=words.sheets if words else None,
                        column_aliases=words.columns if words else None)
    by_name = {}
    for sheet in raw.sheets.values():
        # Several sheets of one kind are one table: each of its parts is shown under its own name.
        for name in (sheet.name, *(part.name for part in sheet.parts)):
            by_name[name] = sheet
    skipped = {finding.sheet: finding.code for finding in raw.findings
               if finding.code in ("unknown-sheet", "duplicate-sheet")}
    return by_name, skipped


def inspect_file(path: str | os.PathLike, words: Vocabulary | None = None) -> dict:
    by_name, skipped = _sheets_read(path, words)
    sources = open_sources(path)
    # A sheet not read whose header looks like a kind is shown as read with one more
    # [sheets] line, the line that is then suggested.
    guesses: dict[str, str] = {}
    for source in sources:
        if source.name not in by_name and skipped.get(source.name, "unknown-sheet") == "unknown-sheet":
            kind = _looks_like(source.load()[0], words)
            if kind:
                guesses[source.name] = kind
    guessed = {}
    if guesses:
        extended = dict(words.sheets) if words else {}
        for name, kind in guesses.items():
            extended[kind] = (*extended.get(kind, ()), name)
        base = words or Vocabulary()
        guessed = _sheets_read(path, Vocabulary(extended, base.columns, base.values))[0]
        guessed_words = Vocabulary(extended, base.columns, base.values)
    sheets = []
    for source in sources:
        sheet = by_name.get(source.name)
        if sheet is None and source.name in guessed:
            frame, offsets = _loaded(source)
            entry = _read(source.name, guessed[source.name], frame, offsets, guessed_words)
            entry.update(read_as=None, looks_like=entry["read_as"], section=None, why="unknown sheet",
                         config_key=f"sheets.{entry['read_as']}")
            sheets.append(entry)
        elif sheet is None:
            sheets.append(_not_read(source, skipped.get(source.name, "unknown-sheet")))
        else:
            frame, offsets = _loaded(source)
            sheets.append(_read(source.name, sheet, frame, offsets, words))
    return {"file": str(path), "sheets": sheets, "suggestions": _suggestions(sheets)}


def _loaded(source):
    """The sheet as the reader sees it: merged ranges filled (a group heading over its columns)."""
    from .reader import _facts, fill_merged

    frame, offsets = source.load()
    frame, _ = fill_merged(frame, offsets, _facts(source, {}).merged)
    return frame, offsets


def _looks_like(frame, words) -> str | None:
    """The kind whose header the sheet's first rows hold most of (at least two columns), or None."""
    head = [list(row) for row in frame.head(HEADER_SEARCH_ROWS).rows()]
    best, best_score = None, 1
    for schema in SHEETS:
        found = find_header(schema, head, _tables(words))
        score = len({key for key, _ in found[2].values()}) if found else 0
        if score > best_score:
            best, best_score = schema.key, score
    return best


def _not_read(source, code: str) -> dict:
    why = {"unknown-sheet": "unknown sheet", "duplicate-sheet": "second sheet of a kind already read"}.get(code, code)
    return {"sheet": source.name, "hidden": source.hidden, "read_as": None, "looks_like": None, "section": None,
            "why": why, "config_key": None, "header_rows": [], "columns": [], "missing_columns": [], "data_rows": 0,
            "left_out_rows": [], "merged_ranges": [], "words": [], "refused": []}


def _tables(words):
    """The reader's alias tables with the config's [columns] names (None: the contract's own)."""
    if not words or not words.columns:
        return None
    return {schema.key: alias_tables(schema, words.columns.get(schema.key)) for schema in SHEETS}


def _sheet_reason(name: str, sheet, words) -> tuple[str, str | None]:
    kind = sheet.schema.key
    part = next((one for one in sheet.parts if one.name == name), None)
    if part is not None and part.read_as == "header":
        return "header", None
    if match_sheet(name) is not None:
        return "name", None
    if words and words.sheet_kind(name) == kind:
        return "config", f"sheets.{kind}"
    return "header", None


def _nearest(schema: SheetSchema, text, words) -> dict | None:
    names: dict[str, tuple[str, str]] = {}
    for column in schema.columns:
        extra = words.columns.get(schema.key, {}).get(column.key, ()) if words else ()
        for alias in (*column.aliases, *extra):
            names.setdefault(normalize_label(alias)[1], (alias, column.key))
    wanted = normalize_label(text)[1]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=NEAREST_CUTOFF)
    if not close:
        return None
    alias, key = names[close[0]]
    return {"name": alias, "key": key, "config_key": f"columns.{schema.key}.{key}"}


def _header_texts(rows: list[list], first: int, height: int, index: int) -> list[str]:
    texts = []
    for row in rows[first:first + height]:
        cell = row[index] if index < len(row) else None
        # A name merged down the header block fills every row of it: shown once.
        if cell is not None and str(cell).strip() and str(cell).strip() not in texts:
            texts.append(str(cell).strip())
    return texts


def _read(name: str, sheet, frame, offsets: list[int], words) -> dict:
    schema = sheet.schema
    kind = schema.key
    why, sheet_key = _sheet_reason(name, sheet, words)
    # What the reader recorded of this very sheet (one part of its table).
    part = next((one for one in sheet.parts if one.name == name), None)
    head = [list(row) for row in frame.head(HEADER_SEARCH_ROWS).rows()]
    header = find_header(schema, head, _tables(words))
    header_rows = list(range(part.header_rows[0], part.header_rows[1] + 1)) if part and part.header_rows[0] else []
    if header_rows:
        first, height = header_rows[0] - 1, len(header_rows)
    elif header is not None:
        first, height, _ = header
    elif header_rows:
        first, height = header_rows[0] - 1, len(header_rows)
    else:
        # No header: show the likeliest row (the one with most text cells) and what each cell is near.
        counts = [sum(1 for cell in row if cell is not None and str(cell).strip()) for row in head]
        first, height = (max(range(len(counts)), key=lambda index: counts[index]), 1) if counts else (0, 0)
    if not header_rows and header is not None:
        header_rows = list(range(first + 1, first + height + 1))
    positions = part.positions if part else sheet.positions
    by_position = {position: key for key, position in positions.items()}
    duplicates = {finding.column_index for finding in sheet.findings if finding.code == "duplicate-column"}
    unit_sources = dict(part.unit_source) if part else {}
    last_header_row = first + height
    columns = []
    for index, position in enumerate(offsets):
        texts = _header_texts(head, first, height, index)
        if not texts:
            continue
        entry = {"cell": f"{column_letter(position)}{last_header_row}", "header": " / ".join(texts), "key": None,
                 "column": None, "by": None, "config_key": None, "why_not": None, "nearest": None,
                 "unit": None, "unit_source": None}
        key = by_position.get(position) if header is not None or header_rows else None
        if key is not None and position not in duplicates:
            column = schema.column(key)
            candidates = [*texts, "".join(texts)]
            builtin = any(match_header(schema, text)[0] == key for text in candidates)
            entry.update(key=key, column=column.name, by="alias" if builtin else "config",
                         config_key=f"columns.{kind}.{key}")
            if column.type == "money":
                from_header = any(match_header(schema, text, _tables(words))[1] for text in candidates)
                entry.update(unit=(part.units if part else sheet.units).get(key, "元"),
                             unit_source=unit_sources.get(key) or ("header" if from_header else "default"))
        else:
            entry["why_not"] = "duplicate" if position in duplicates else "unknown"
            entry["nearest"] = _nearest(schema, entry["header"], words)
        columns.append(entry)
    missing = [{"key": column.key, "column": column.name, "config_key": f"columns.{kind}.{column.key}",
                "looked_for": list(column.aliases)}
               for column in schema.columns if column.column_required and column.key not in positions]
    checked = check_sheet(sheet, words)
    applied = [{"column": key, "config_key": f"values.{kind}.{key}", "from": text, "to": meaning or "",
                "by": _word_source(kind, key, text, meaning, words), "rows": rows}
               for key, entries in checked.words_applied.items() for text, meaning, rows in entries]
    return {
        "sheet": name, "hidden": sheet.hidden, "read_as": kind, "looks_like": None, "section": schema.name, "why": why,
        "config_key": sheet_key, "header_rows": header_rows, "columns": columns, "missing_columns": missing,
        "data_rows": part.data_rows if part else sheet.frame.height,
        "left_out_rows": _left_out(part, frame, last_header_row),
        "merged_ranges": list(part.merged) if part else [],
        "words": applied, "refused": _refused(schema, checked.findings),
    }


def _word_source(kind: str, key: str, text: str, meaning, words) -> str:
    own = {normalize(word) for word in (words.value_words(kind, key) if words else {})}
    if normalize(text) in own:
        return "config"
    return "placeholder" if meaning is None else "synonym"


def _left_out(part, frame, header_row: int) -> list[dict]:
    known = part.left_out if part is not None else None
    if known is not None:
        return [{"row": row, "text": text} for row, text in known]
    import polars as pl

    if header_row <= 0 or frame.width == 0:
        return []
    body = frame.slice(header_row).with_row_index("_index")
    first = pl.coalesce([pl.col(column).str.strip_chars().replace("", None) for column in frame.columns])
    notes = body.select("_index", first.alias("_first")).filter(
        pl.col("_first").str.contains(NON_RECORD_ROW_PATTERN).fill_null(False))
    return [{"row": header_row + 1 + index, "text": text} for index, text in notes.iter_rows()]


def _refused(schema: SheetSchema, findings) -> list[dict]:
    by_name = {column.name: column for column in schema.columns}
    counts: Counter = Counter()
    for finding in findings:
        if finding.code in REFUSED_CODES and finding.column in by_name:
            counts[(by_name[finding.column].key, finding.code, finding.value)] += 1
    refused = []
    for (key, code, value), rows in counts.items():
        column = schema.column(key)
        refused.append({"column": key, "code": code, "value": value, "rows": rows,
                        "accepted": list(accepted_values(column) or ()),
                        "config_key": f"values.{schema.key}.{key}"})
    return refused


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bare_name(header: str) -> str:
    """The header's own name for the config: its last row, without a bracketed unit (罚没金额（万元） -> 罚没金额)."""
    last = header.split(" / ")[-1]
    bare = re.sub(r"\s*[（(【\[［][^）)】\]］]*[）)】\]］]\s*", "", last).strip()
    return bare or last


def _suggestions(sheets: list[dict]) -> list[str]:
    """lawreport.toml lines for what the file did not read: a header near a missing column,
    a refused word (its target left for the clerk to choose)."""
    tables: dict[str, list[str]] = {}
    for sheet in sheets:
        if sheet["looks_like"]:
            tables.setdefault("sheets", []).append(f"{sheet['looks_like']} = [{_toml_string(sheet['sheet'])}]")
        missing = {entry["key"] for entry in sheet["missing_columns"]}
        used = {entry["key"] for entry in sheet["columns"] if entry["key"]}
        for entry in sheet["columns"]:
            nearest = entry["nearest"]
            if entry["why_not"] == "unknown" and nearest and (nearest["key"] in missing or nearest["key"] not in used):
                table, key = nearest["config_key"].rsplit(".", 1)
                tables.setdefault(table, []).append(f"{key} = [{_toml_string(_bare_name(entry['header']))}]")
        for entry in sheet["refused"]:
            choices = "|".join(entry["accepted"])
            tables.setdefault(entry["config_key"], []).append(f"{_toml_string(entry['value'])} = \"{choices}\"")
    lines = []
    for table, entries in tables.items():
        lines.append(f"[{table}]")
        lines.extend(dict.fromkeys(entries))
    return lines


# -- the table for people ----------------------------------------------------------------

def render_table(document: dict) -> str:
    lines: list[str] = []
    for file in document["files"]:
        lines.append(file["file"])
        for sheet in file["sheets"]:
            lines.extend(_sheet_lines(sheet))
        if file["suggestions"]:
            lines.append("  lawreport.toml could read the rest with (choose the values after '='):")
            lines.extend(f"    {line}" for line in file["suggestions"])
    return "\n".join(lines) + "\n"


def _sheet_lines(sheet: dict) -> list[str]:
    hidden = " (hidden)" if sheet["hidden"] else ""
    name = visible(sheet["sheet"])
    if sheet["read_as"] is None and sheet["looks_like"] is None:
        return [f"  sheet {name}{hidden}: not read ({sheet['why']})"]
    if sheet["looks_like"]:
        lines = [f"  sheet {name}{hidden}: not read ({sheet['why']}); its header looks like {sheet['looks_like']}: "
                 f"add it under [sheets] {sheet['looks_like']} = [...]; read so, it would give:"]
    else:
        why = sheet["why"] + (f", {sheet['config_key']}" if sheet["config_key"] else "")
        lines = [f"  sheet {name}{hidden}: read as {sheet['read_as']} ({sheet['section']}) by {why}"]
    rows = sheet["header_rows"]
    lines.append(f"    header: {'row ' + ', '.join(map(str, rows)) if rows else 'not found (the cells below are the likeliest row)'}")
    for column in sheet["columns"]:
        header = visible(column["header"])
        if column["key"]:
            unit = f", unit {column['unit']} from {column['unit_source']}" if column["unit"] else ""
            lines.append(f"    {column['cell']:<5} {header} -> {column['key']} ({column['column']}) "
                         f"by {column['by']}{unit}  [{column['config_key']}]")
        else:
            near = column["nearest"]
            hint = f"; nearest known: {near['name']} -> {near['key']} [{near['config_key']}]" if near else ""
            lines.append(f"    {column['cell']:<5} {header} -> not used ({column['why_not']}{hint})")
    for missing in sheet["missing_columns"]:
        lines.append(f"    missing: {missing['key']} ({missing['column']}), looked for "
                     f"{', '.join(missing['looked_for'])}; add your header under [{missing['config_key'].rsplit('.', 1)[0]}] "
                     f"{missing['key']} = [...]")
    left_out = ", ".join(f"row {entry['row']} {visible(entry['text'])}" for entry in sheet["left_out_rows"])
    lines.append(f"    rows: {_rows(sheet['data_rows'], 'data row')}" + (f"; left out as totals or notes: {left_out}"
                                                              if left_out else ""))
    if sheet["merged_ranges"]:
        lines.append(f"    merged ranges filled: {', '.join(sheet['merged_ranges'])}")
    for word in sheet["words"]:
        target = word["to"] or "blank"
        lines.append(f"    read {visible(word['from'])} as {target} in {word['column']} ({word['by']}): "
                     f"{_rows(word['rows'])}")
    for refused in sheet["refused"]:
        lines.append(f"    refused {visible(refused['value'])} in {refused['column']}: {_rows(refused['rows'])} "
                     f"({refused['code']}; map it under [{refused['config_key']}] to one of "
                     f"{', '.join(refused['accepted'])})")
    return lines


def _rows(count: int, noun: str = "row") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
