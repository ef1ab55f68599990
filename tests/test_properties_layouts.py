"""The invariant "every data row is counted or named by an error, none twice" over the layouts of
DATA.md v2: merged ranges in the data, several sheets of one kind (named or found by their header)."""
from __future__ import annotations

import openpyxl
from hypothesis import event, given, settings
from hypothesis import strategies as st

from test_properties import (PROFILE, SHEETS, check_invariants, data_rows, penalty_row, sheet_plan,
                             sheet_name_variant, write_workbook)

PENALTIES = SHEETS[2]
REQUIRED = [column for column in PENALTIES.columns if column.column_required]
# Each example writes and reads a workbook of several sheets: fewer examples keep `make test` fast
# (HYPOTHESIS_PROFILE=fuzz still runs 2000).
LAYOUTS = settings(PROFILE, max_examples=max(PROFILE.max_examples // 4, 25))


def merge_runs(path, plans, columns_by_sheet: dict[str, list[int]]) -> int:
    """Merge each run of equal adjacent data cells in the chosen plan columns, as clerks do.

    Only the top cell keeps its value (what Excel and openpyxl save); the reader must give
    it back to every cell of the range. Returns the number of ranges merged.
    """
    workbook = openpyxl.load_workbook(path)
    merged = 0
    for plan in plans:
        sheet = workbook[plan.name]
        rows = data_rows(plan)
        for index in columns_by_sheet.get(plan.name, []):
            column = plan.left + 1 + index
            run: list[int] = []
            for row in sorted(rows) + [None]:
                cell = rows[row][index] if row is not None else None
                mergeable = cell is not None and cell[0] in ("v", "t") and cell[1] not in (None, "")
                if run and mergeable and row == run[-1] + 1 and rows[run[-1]][index] == cell:
                    run.append(row)
                    continue
                if len(run) > 1:
                    for below in run[1:]:
                        sheet.cell(row=below, column=column).value = None
                    sheet.merge_cells(start_row=run[0], start_column=column, end_row=run[-1], end_column=column)
                    merged += 1
                run = [row] if mergeable else []
    workbook.save(path)
    return merged


@st.composite
def repetitive_penalty_row(draw):
    """A penalty row whose outcome, dates and yes/no cells repeat often, so runs form."""
    row = draw(penalty_row())
    if draw(st.booleans()):
        row["referred"] = ("t", "是")
        row["detention"] = ("t", "否")
    return row


@LAYOUTS
@given(data=st.data())
def test_merged_ranges_in_the_data(tmp_path_factory, data):
    plan = data.draw(sheet_plan(PENALTIES, sheet_name_variant(data.draw, PENALTIES), rows=(2, 14),
                                row_strategy=repetitive_penalty_row()))
    keys = [key for key, _, _ in plan.columns]
    chosen = [index for index, key in enumerate(keys)
              if key in ("decided_on", "outcome", "referred", "detention", "legal_review", "filed_on")
              and data.draw(st.booleans())]
    # One review meeting decides several cases: repeat a cell down a few rows, then merge the run.
    for index in chosen:
        for position in range(1, len(plan.rows)):
            if data.draw(st.integers(0, 2)) > 0:
                plan.rows[position][index] = plan.rows[position - 1][index]
    path = tmp_path_factory.mktemp("layout") / "2023.xlsx"
    write_workbook(path, [plan])
    event(f"{merge_runs(path, [plan], {plan.name: chosen})} merged ranges")
    check_invariants(path, [plan])


@LAYOUTS
@given(data=st.data())
def test_several_sheets_of_one_kind(tmp_path_factory, data):
    count = data.draw(st.integers(2, 4))
    by_header = data.draw(st.booleans())  # 1月, 2月 … found by their header, or named 行政处罚（一）…
    plans = []
    for number in range(1, count + 1):
        name = f"{number}月" if by_header else f"行政处罚（{number}）"
        plans_of = sheet_plan(PENALTIES, name, rows=(0, 8), row_strategy=penalty_row())
        if by_header:
            # A sheet without every required column is not found by its header (it is unknown):
            # the named case covers that one.
            plans_of = plans_of.filter(lambda plan: all(
                column.key in {key for key, _, _ in plan.columns} for column in REQUIRED))
        plans.append(data.draw(plans_of))
    path = tmp_path_factory.mktemp("layout") / "2023.xlsx"
    write_workbook(path, plans)
    merges = {}
    if data.draw(st.booleans()):
        for plan in plans:
            merges[plan.name] = [index for index, (key, _, _) in enumerate(plan.columns)
                                 if key in ("outcome", "referred") and data.draw(st.booleans())]
        merge_runs(path, plans, merges)
    event(f"{count} sheets, by {'header' if by_header else 'name'}")
    check_invariants(path, plans)
