"""The section registry: one result shape, a new section without renderer code, ranks as a kind."""
from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
import pytest

from conftest_render import CITY_AIR, CITY_AIR_2022, summary
from lawreport_cli.compare import change_of, compare
from lawreport_cli.metrics.common import period_for
from lawreport_cli.metrics.registry import BY_ID, SECTIONS, MetricDef, SectionDef
from lawreport_cli.records import Workbook, load_workbook
from lawreport_cli.render import COMPARE_FORMATS, SUMMARY_FORMATS
from lawreport_cli.results import Entities, Figure, SectionResult
from lawreport_cli.schema import BY_KEY
from lawreport_cli.summarize import summarize

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "lawreport_cli"


@pytest.fixture(scope="module")
def sample():
    return load_workbook(ROOT / "data" / "2023.xlsx")


def test_every_section_reads_a_sheet_of_the_schema():
    for section in SECTIONS.values():
        assert section.sheet in BY_KEY, section.id
        assert section.title and section.title_en


def test_every_section_returns_the_one_shape(sample):
    period = period_for(2023)
    for section in SECTIONS.values():
        result = section.compute(sample.records[section.sheet], period)
        assert isinstance(result, SectionResult), section.id
        assert result.figures, section.id
        assert all(mid.startswith(section.id + ".") for mid in result.figures), section.id
        assert all(isinstance(table, Entities) for table in result.entities)


# -- a toy section, added through the registry only ---------------------------------------

TOY_TOTAL = MetricDef("toy.total", "玩具总数", "Toys in all", "个", "count")
TOY_KIND = MetricDef("toy.by_toy.kind", "种类", "Kind", "", "text")


def compute_toy(records: pl.DataFrame, period) -> SectionResult:
    rows = {name: {TOY_KIND.id: Figure(TOY_KIND, kind)} for name, kind in records.select("name", "kind").iter_rows()}
    return SectionResult({TOY_TOTAL.id: Figure(TOY_TOTAL, records.height)},
                         entities=[Entities("by_toy", ("分玩具", "by toy"), ("玩具", "Toy"), rows, across=False)],
                         extra={"toy_note": "made in the test"})


def test_a_new_section_needs_no_renderer_code(monkeypatch):
    monkeypatch.setitem(SECTIONS, "toy", SectionDef("toy", "玩具", "Toys", "toy", "test_sections:compute_toy"))
    records = pl.DataFrame({"name": ["风筝", "陀螺"], "kind": ["飞", "转"]})
    workbook = Workbook("toys.xlsx", 2023, {"toy": records}, [], 0)
    result = summarize(workbook)
    doc = result.to_dict()
    assert doc["metrics"]["toy.total"] == {"value": 2, "unit": "个", "label": "玩具总数"}
    assert doc["by_toy"] == {"风筝": {"toy.by_toy.kind": {"value": "飞", "unit": "", "label": "种类"}},
                             "陀螺": {"toy.by_toy.kind": {"value": "转", "unit": "", "label": "种类"}}}
    assert doc["toy_note"] == "made in the test"
    table = SUMMARY_FORMATS["table"](result, "zh")
    assert "玩具  (2023-01-01 — 2023-12-31)" in table
    assert "玩具 · 分玩具  (2023-01-01 — 2023-12-31)" in table
    assert "风筝    飞" in table
    assert "## 玩具 · 分玩具" in SUMMARY_FORMATS["markdown"](result, "zh")
    assert "toy,toy.total,玩具总数,2,个," in SUMMARY_FORMATS["csv"](result, "zh")


def test_summarize_skips_a_section_not_asked_for(sample):
    result = summarize(sample, sections=["water"])
    assert {figure.metric.section for figure in result.figures.values()} == {"water"}


# -- ranks: a kind of figure, lower is better ------------------------------------------------

def test_a_rank_going_from_3_to_2_improves_by_one_place():
    change = change_of(BY_ID["air.rank_good_rate"], 3, 2)
    assert (change.change, change.change_pct, change.trend) == (-1, None, "improved")
    worse = change_of(BY_ID["air.rank_composite_index"], 9, 11)
    assert (worse.change, worse.change_pct, worse.trend) == (2, None, "worsened")


def test_rank_metrics_are_ranks_not_counts():
    for metric_id in ("air.rank_good_rate", "air.rank_composite_index"):
        assert BY_ID[metric_id].kind == "rank" and BY_ID[metric_id].direction == "lower"


def test_compare_of_city_ranks_in_every_format():
    # 济宁市: 第2位 (2022) -> 第3位 (2023); 枣庄市 第3位 -> 第2位.
    previous = summary(2022, values={}, indicators=[], by_city=CITY_AIR_2022)
    current = summary(2023, values={}, indicators=[], by_city=CITY_AIR)
    comparison = compare(previous, current)
    entry = comparison.to_dict()["by_city"]["枣庄市"]["air.rank_good_rate"]
    assert entry == {"label": "优良天数比率排名", "unit": "位", "previous": 3, "current": 2, "change": -1,
                     "change_pct": None, "trend": "improved"}
    assert comparison.to_dict()["by_city"]["济宁市"]["air.rank_good_rate"]["trend"] == "worsened"
    table = COMPARE_FORMATS["table"](comparison, "zh")
    assert "进步1个位次" in table and "后退1个位次" in table
    assert "优良率排名较去年同期进步1个位次" in COMPARE_FORMATS["prose"](comparison, "zh")


# -- imports run one way ----------------------------------------------------------------------

def _imports(path: Path) -> set[str]:
    """The package modules a file imports, as dotted names relative to lawreport_cli."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # `if TYPE_CHECKING:` imports are annotations only
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    package = path.relative_to(PACKAGE).parent.parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            module = ".".join(base + ([node.module] if node.module else []))
            names = [module] if node.module else [".".join(base + [alias.name]) for alias in node.names]
            found.update(names)
    return found


def test_domain_maths_import_nothing_of_the_package_but_domain():
    for path in (PACKAGE / "domain").glob("*.py"):
        assert all(name.startswith("domain.") for name in _imports(path)), path.name


def test_checks_and_compare_do_not_reach_into_the_metrics_modules():
    assert not any(name.startswith("metrics") for name in _imports(PACKAGE / "checks.py"))
    assert not any(name.startswith("metrics.air") for name in _imports(PACKAGE / "compare.py"))


def test_model_and_metrics_do_not_import_each_other():
    assert all(name == "metrics.registry" for name in _imports(PACKAGE / "model.py") if name.startswith("metrics"))
    for path in (PACKAGE / "metrics").glob("*.py"):
        assert "model" not in _imports(path), path.name
    assert all(name.startswith("numbers") for name in _imports(PACKAGE / "results.py")), "results.py is low"


def test_renderers_take_shared_words_from_words_and_layout():
    for name in ("markdown.py", "prose.py", "xlsx.py"):
        assert "render.table" not in _imports(PACKAGE / "render" / name), name

