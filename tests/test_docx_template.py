"""export --template: a Word template written with python-docx here, the way Word splits runs, filled."""
from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from conftest import PENALTY_HEADER, penalty, write_workbook
from conftest_render import CITY_AIR, CITY_AIR_2022, comparison, figures, seed_comparison, summary
from lawreport_cli.cli import cli
from lawreport_cli.render.docx_template import (
    TemplateError, field_list, fill_template, output_name, template_context,
)

AMPERSAND_NAME = "甲&乙<环保>公司检查"  # a name from the data holding XML's special characters


def template(path: Path, paragraphs: list[list[str]], table_loop: str | None = None, tail: str = "（完）") -> Path:
    """A .docx whose paragraphs are made of the given runs (as Word splits text it autocorrects or
    spell-checks), an optional three-row table loop, and a closing paragraph."""
    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text in runs:
            paragraph.add_run(text)
    if table_loop:
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).text = f"{{%tr for row in {table_loop} %}}"
        for col, field in enumerate(("row.label", "row.value", "row.unit")):
            table.cell(1, col).text = f"{{{{ {field} }}}}"
        table.cell(2, 0).text = "{%tr endfor %}"
    document.add_paragraph(tail)
    document.save(path)
    return path


def texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def tables(data: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in docx.Document(io.BytesIO(data)).tables]


def test_split_placeholders_figures_indicators_prose(tmp_path):
    path = template(tmp_path / "report.docx", [
        ["今年以来共处罚款", "{{ pen", "alties.fi", "nes }}", "万元，免罚", "{{ penalties.exempted }}", "家次。"],
        ["理论中心组组织学法", "{{ indicators.学法", "次数 }}", "次；人大建议{{ indicators['人大建议'] }}件。"],
        ["{{ prose.penalties }}"],
        ["{{ year }}年，{{ period.start }}至{{ period.end }}，优良率{{ air.good_rate }}%。"],
    ])
    filled = texts(fill_template(path, summary()))
    assert filled[0] == "今年以来共处罚款609.7157万元，免罚87家次。"
    assert filled[1] == "理论中心组组织学法9次；人大建议7件。"
    assert filled[2].startswith("今年以来，立案109件，下达处罚决定书63件，共处罚款609.7157万元；免罚87家次")
    assert filled[3] == "2023年，2023-01-01至2023-12-31，优良率62.6%。"
    assert filled[-1] == "（完）"


def test_compare_fields_and_trend_text(tmp_path):
    path = template(tmp_path / "report.docx", [
        ["全市SO₂同比", "{{ compare['air.so2'].text }}", "（{{ compare['air.so2'].previous }}→",
         "{{ compare['air.so2'].current }}，{{ compare['air.so2'].change_pct }}%）"],
        ["优良天数{{ compare.air.good_days.phrase }}；立案{{ compare['penalties.cases_filed'].text }}"],
        ["{{ previous_year }}年为{{ compare['penalties.fines'].previous }}万元，"
         "变化{{ compare['penalties.fines'].change }}万元"],
    ])
    comparison = seed_comparison()
    filled = texts(fill_template(path, comparison.current, comparison))
    assert filled[0] == "全市SO₂同比改善14.3%（7→6，-14.3%）"  # (6 - 7) / 7 = -14.29%
    assert filled[1] == "优良天数同比增加5天；立案增加9.0%"  # 204 -> 209; 100 -> 109
    assert filled[2] == "2022年为650.0000万元，变化-40.2843万元"  # 609.7157 - 650


def test_smart_quotes_word_types_are_accepted(tmp_path):
    path = template(tmp_path / "report.docx", [["{{ compare[‘air.so2’].text }}", "{{ indicators[“学法次数”] }}"]])
    comparison = seed_comparison()
    assert texts(fill_template(path, comparison.current, comparison))[0] == "改善14.3%9"


def test_table_loop_rows(tmp_path):
    path = template(tmp_path / "report.docx", [["处罚情况如下："]], table_loop="tables.penalties")
    rows = tables(fill_template(path, summary()))[0]
    assert rows[0] == ["立案数", "109", "件"]
    assert ["罚款金额", "609.7157", "万元"] in rows and ["法制审核涉及金额", "355.1235", "万元"] in rows
    assert len(rows) == 11  # the 11 penalties figures, the loop's tag rows gone


def test_ampersand_and_angle_bracket_in_data_survive_and_the_rest_remains(tmp_path):
    result = summary()
    result.figures.update(figures({}, [(AMPERSAND_NAME, Decimal(3), "家")]))
    path = template(tmp_path / "report.docx", [["检查对象：{{ tables.indicators[4].label }}，{{ tables.indicators[4].value }}家"],
                                               ["来源{{ source }}"]], table_loop="tables.indicators",
                    tail="此页无正文")
    result.source = "data/A&B<2023>.xlsx"
    data = fill_template(path, result)
    filled = texts(data)
    assert filled[0] == f"检查对象：{AMPERSAND_NAME}，3家"
    assert filled[1] == "来源data/A&B<2023>.xlsx"
    assert filled[-1] == "此页无正文"  # nothing after the name was lost
    assert [AMPERSAND_NAME, "3", "家"] in tables(data)[0]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "甲&amp;乙&lt;环保&gt;公司检查" in xml


@pytest.mark.parametrize("placeholder, named", [
    ("{{ penalties.finse }}", "penalties.finse"),
    ("{{ penaltis.fines }}", "penaltis"),
    ("{{ indicators.学法次 }}", "indicators.学法次"),
    ("{{ compare['air.so3'].text }}", "compare['air.so3']"),
    ("{{ prose.penalty }}", "prose.penalty"),
])
def test_a_misspelled_placeholder_is_refused_naming_it(tmp_path, placeholder, named):
    path = template(tmp_path / "report.docx", [["罚款", placeholder, "万元"]])
    comparison = seed_comparison()
    with pytest.raises(TemplateError) as caught:
        fill_template(path, comparison.current, comparison)
    message = str(caught.value)
    assert f"unknown placeholder {named}" in message and "\n" not in message


def test_compare_without_compare_with_is_refused(tmp_path):
    path = template(tmp_path / "report.docx", [["{{ compare['air.so2'].text }}"]])
    with pytest.raises(TemplateError, match=r"unknown placeholder compare \(it needs --compare-with"):
        fill_template(path, summary())


def test_not_a_docx_and_bad_syntax_are_one_line_errors(tmp_path):
    bad = tmp_path / "report.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="not a"):
        fill_template(bad, summary())
    with pytest.raises(TemplateError, match="no such file"):
        fill_template(tmp_path / "missing.docx", summary())
    broken = template(tmp_path / "broken.docx", [["{{ penalties.fines }"]])
    with pytest.raises(TemplateError, match="syntax"):
        fill_template(broken, summary())


def test_same_template_and_data_same_bytes(tmp_path):
    path = template(tmp_path / "report.docx", [["{{ penalties.fines }}"]])
    assert fill_template(path, summary()) == fill_template(path, summary())
    assert output_name(path, summary()) == "2023-report.docx"


def test_cities_fields():
    current = summary(values={}, indicators=[], by_city=CITY_AIR)
    context = template_context(current)
    assert context["cities"]["济宁市"].air.so2 == "9"
    previous = summary(2022, values={}, indicators=[], by_city=CITY_AIR_2022)
    listed = dict(field_list(current, comparison(previous, current)))
    assert listed["compare.cities.枣庄市['air.so2'].text"] == "改善14.3%"  # 7 -> 6
    assert listed["compare.cities.济宁市['air.so2'].text"] == "恶化12.5%"  # 8 -> 9
    assert listed["compare.ranks.枣庄市.rank_so2_improvement"] == "1"


# ---------------------------------------------------------------- CLI


@pytest.fixture
def workbook(tmp_path) -> Path:
    return write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [
        PENALTY_HEADER, penalty(case="P1", fine=6_000_000), penalty(case="P2", name="乙公司", fine=97_157)]})


def test_cli_export_template_writes_only_the_filled_document(tmp_path, workbook):
    path = template(tmp_path / "report.docx", [["共处罚款{{ penalties.fines }}万元，立案{{ penalties.cases_filed }}件。"]])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(workbook), "--template", str(path), "--to", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["2023-report.docx"]
    assert texts((out / "2023-report.docx").read_bytes())[0] == "共处罚款609.7157万元，立案2件。"
    result = CliRunner().invoke(cli, ["export", str(workbook), "--template", str(path), "--to", str(out),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "2023-report.docx", "2023-summary.json"]


def test_cli_misspelled_placeholder_exit_2_one_line_nothing_written(tmp_path, workbook):
    path = template(tmp_path / "report.docx", [["共处罚款{{ penalties.fine }}万元"]])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(workbook), "--template", str(path), "--to", str(out),
                                      "--format", "json"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "lawreport: template report.docx: unknown placeholder penalties.fine (lawreport fields lists every name)"]
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_cli_fields_lists_placeholders_with_values(workbook):
    result = CliRunner().invoke(cli, ["fields", str(workbook)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[2:] if line.split()}
    assert lines["penalties.fines"] == ["609.7157"]
    assert lines["penalties.cases_filed"] == ["2"]
    assert lines["tables.penalties"][0] == "11行"
    result = CliRunner().invoke(cli, ["fields", str(workbook), "--format", "json"])
    fields = json.loads(result.output)["fields"]
    assert fields["penalties.fines"] == "609.7157" and fields["year"] == "2023"
    assert fields["tables.penalties"][2] == {"id": "penalties.fines", "label": "罚款金额", "value": "609.7157",
                                             "unit": "万元"}
    assert fields["prose.penalties"].startswith("今年以来，立案2件，下达处罚决定书2件，共处罚款609.7157万元")


def test_field_list_names_and_compare_entries():
    comparison = seed_comparison()
    listed = dict(field_list(comparison.current, comparison))
    assert listed["indicators.学法次数"] == "9"
    assert listed["standards"] == "HJ 633—2012、HJ 663—2013"  # the air section's, as no standards are named
    assert listed["compare['air.so2'].text"] == "改善14.3%"
    assert listed["compare['air.so2'].change_pct"] == "-14.3"
    assert listed["compare['air.good_rate'].text"] == "+1.2个百分点"
    assert listed["compare['penalties.fines'].previous"] == "650.0000"
    assert "compare.air.so2.text" not in listed  # the nested spelling works, but is listed once
    # every listed name fills a template with the listed value
    import jinja2

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    context = template_context(comparison.current, comparison)
    names = [name for name, value in listed.items() if not isinstance(value, list)]
    rendered = environment.from_string("\x1f".join("{{ " + name + " }}" for name in names)).render(context)
    assert dict(zip(names, rendered.split("\x1f"))) == {name: listed[name] for name in names}


def test_cli_template_named_like_the_draft_is_refused(tmp_path, workbook):
    path = template(tmp_path / "summary.docx", [["{{ year }}"]])
    result = CliRunner().invoke(cli, ["export", str(workbook), "--template", str(path), "--format", "docx",
                                      "--to", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "2023-summary.docx is also the name of the --format docx draft" in result.output


def test_a_template_cannot_reach_python_internals(tmp_path):
    path = template(tmp_path / "report.docx", [["{{ penalties.__class__.__init__.__globals__ }}"]])
    with pytest.raises(TemplateError, match="refused|unknown placeholder"):
        fill_template(path, summary())
    path = template(tmp_path / "report2.docx", [["{{ ''.__class__.__mro__[1].__subclasses__() }}"]])
    with pytest.raises(TemplateError, match="refused|unknown placeholder"):
        fill_template(path, summary())
