"""A bureau's own Word template, filled: placeholders in, figures out (docxtpl, Jinja2).

The placeholders (`lawreport fields FILE` lists them all with their values):

  {{ year }} {{ period.start }} {{ period.end }} {{ source }}    the workbook and its span
  {{ standards }}                                               HJ 633—2012、HJ 663—2013
  {{ penalties.fines }}  {{ air.good_days }} …                  a figure: <section>.<name>
  {{ indicators.学法次数 }}  {{ indicators['学法次数'] }}          indicators by their own name
  {{ prose.penalties }}  {{ prose.enforcement }}                 the report's sentences, by section
  {{ compare['air.so2'].text }}  → 改善14.3%                     with --compare-with: previous,
  {{ compare['air.so2'].change_pct }}  → -14.3                   current, change, change_pct,
  {{ compare.air.so2.phrase }}  → 同比改善14.3%                   trend, text, phrase, label, unit
  {%tr for row in tables.penalties %} {{ row.label }} {{ row.value }} {{ row.unit }} {%tr endfor %}
  {{ cities['枣庄市'].air.good_days }}                            several cities in the air sheet
  {{ compare.cities['枣庄市']['air.so2'].text }}                  and their year on year

Values are text exactly as the other renderers print them: money in 万元 with
4 decimals, counts as integers, rates with 1 decimal.

Rendering runs in Jinja's sandbox (a template cannot reach Python's
internals), escapes every value for XML (autoescape: a name holding "&" or "<"
would otherwise break the document's XML and Word drops the rest of it) and
treats an unknown name as an error (StrictUndefined), so a misspelled
placeholder stops the export with one line naming it and nothing is written,
never a blank in a sent report.
"""
from __future__ import annotations

import io
from pathlib import Path

from ..model import Change, Comparison, Summary, format_value
from ..summarize import UsageError
from .section_prose import section_paragraphs
from .standards_text import standards_for
from .table import section_title, signed, yoy_text


class TemplateError(UsageError):
    """A template that cannot be filled: unreadable, bad syntax, or an unknown placeholder (exit 2)."""


class Fields:
    """Names -> values for the template, by attribute (`a.b`) or by key (`a['b']`).

    Not a dict, so that no dict method (items, values…) can shadow a figure of
    that name; `path` names it in error messages ("penalties.finse").
    """

    __slots__ = ("_path", "_items")

    def __init__(self, path: str, items: dict):
        self._path = path
        self._items = items

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key):
        try:
            return self._items[key]
        except KeyError:
            if isinstance(key, str) and "&" in key:
                # docxtpl hands Jinja a key typed in Word as XML text: 甲&乙 arrives as 甲&amp;乙.
                import html

                return self._items[html.unescape(key)]
            raise

    def __contains__(self, key) -> bool:
        return key in self._items

    def __iter__(self):
        return iter(self._items)

    def child_path(self, name) -> str:
        if isinstance(name, str) and "&" in name:
            import html

            name = html.unescape(name)
        if isinstance(name, str) and name.isidentifier():
            return f"{self._path}.{name}" if self._path else name
        return f"{self._path}[{name!r}]"

    def __repr__(self) -> str:
        return self._path or "fields"


def _metric_name(metric_id: str) -> str:
    return metric_id.split(".", 1)[1]


def _figure_fields(figures: dict, path: str) -> dict[str, Fields]:
    by_section: dict[str, dict[str, str]] = {}
    for figure in figures.values():
        metric = figure.metric
        by_section.setdefault(metric.section, {})[_metric_name(metric.id)] = format_value(metric, figure.value)
    return {section: Fields(f"{path}{section}", values) for section, values in by_section.items()}


def _change_fields(change: Change, lang: str, path: str) -> Fields:
    from .prose import yoy_phrase

    metric = change.metric
    both = not change.one_sided
    return Fields(path, {
        "label": metric.label_for(lang),
        "unit": metric.unit,
        "previous": format_value(metric, change.previous),
        "current": format_value(metric, change.current),
        "change": signed(metric, change.change),
        "change_pct": f"{change.change_pct:f}" if change.change_pct is not None else "",
        "trend": change.trend,
        "text": yoy_text(change, lang) if both else "",
        "phrase": yoy_phrase(change) if both and lang != "en" else "",
    })


def _rows(summary: Summary, comparison: Comparison | None, section: str, lang: str) -> list[Fields]:
    rows = []
    for figure in summary.figures.values():
        metric = figure.metric
        if metric.section != section:
            continue
        row = {"id": metric.id, "label": metric.label_for(lang), "value": format_value(metric, figure.value),
               "unit": metric.unit}
        if comparison is not None:
            change = comparison.changes.get(metric.id)
            if change is not None:
                fields = _change_fields(change, lang, "")
                row.update({key: fields[key] for key in ("previous", "current", "change", "change_pct", "trend",
                                                         "text")})
            else:
                row.update(dict.fromkeys(("previous", "change", "change_pct", "trend", "text"), ""))
                row["current"] = row["value"]
        rows.append(Fields(f"tables.{section}[{len(rows)}]", row))
    return rows


def template_context(summary: Summary, comparison: Comparison | None = None, lang: str = "zh") -> dict:
    """Every name a template can use, with its value (text as the other renderers print it)."""
    from .prose import PARAGRAPHS, _paragraph

    sections = summary.sections()
    context: dict = {
        "year": str(summary.year),
        "source": summary.source,
        "period": Fields("period", {"start": summary.period.start.isoformat(),
                                    "end": summary.period.end.isoformat(),
                                    "label": summary.period.label(lang)}),
        "sections": Fields("sections", {section: section_title(section, lang) for section in sections}),
        "standards": "、".join(standards_for(summary)),  # HJ 633—2012、HJ 663—2013
    }
    context.update(_figure_fields(summary.figures, ""))
    for section in sections:
        context.setdefault(section, Fields(section, {}))
    prose_items = {section: "".join(section_paragraphs(summary, comparison, section, lang)) for section in sections}
    if lang != "en" and "enforcement" in PARAGRAPHS:
        # The report's one 执法 paragraph, inspections and penalties together.
        prose_items["enforcement"] = _paragraph(summary, comparison, "enforcement")
    context["prose"] = Fields("prose", prose_items)
    context["tables"] = Fields("tables", {section: _rows(summary, comparison, section, lang) for section in sections})
    if summary.by_city:
        context["cities"] = Fields("cities", {
            city: Fields(f"cities[{city!r}]", _figure_fields(figures, f"cities[{city!r}]."))
            for city, figures in summary.by_city.items()})
    if comparison is not None:
        context["previous_year"] = str(comparison.previous.year)
        changes: dict = {}
        nested: dict[str, dict] = {}
        for metric_id, change in comparison.changes.items():
            fields = _change_fields(change, lang, f"compare[{metric_id!r}]")
            changes[metric_id] = fields
            nested.setdefault(change.metric.section, {})[_metric_name(metric_id)] = fields
        for section, items in nested.items():
            changes.setdefault(section, Fields(f"compare.{section}", items))
        if comparison.ranks:
            changes["ranks"] = Fields("compare.ranks", {
                city: Fields(f"compare.ranks[{city!r}]",
                             {_metric_name(rank_id): str(rank) for rank_id, rank in city_ranks.items()})
                for city, city_ranks in comparison.ranks.items()})
        if comparison.by_city:
            changes["cities"] = Fields("compare.cities", {
                city: Fields(f"compare.cities[{city!r}]",
                             {metric_id: _change_fields(change, lang, f"compare.cities[{city!r}][{metric_id!r}]")
                              for metric_id, change in city_changes.items()})
                for city, city_changes in comparison.by_city.items()})
        context["compare"] = Fields("compare", changes)
    return context


# -- the field list (`lawreport fields`) ---------------------------------------------------

def _name(path: str, key: str) -> str:
    if key.isidentifier() and "." not in key:
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def field_list(summary: Summary, comparison: Comparison | None = None, lang: str = "zh") -> list[tuple[str, object]]:
    """(placeholder, value) for every name, in context order; a table loop's value is its list of rows."""
    out: list[tuple[str, object]] = []

    def walk(path: str, value) -> None:
        if isinstance(value, Fields):
            for key in value:
                if path == "compare" and "." not in key and key not in ("ranks", "cities"):
                    continue  # compare.air.so2 repeats compare['air.so2']; list each once
                walk(_name(path, key), value[key])
        elif isinstance(value, list):
            out.append((path, [{key: row[key] for key in row} for row in value]))
        else:
            out.append((path, value))

    for key, value in template_context(summary, comparison, lang).items():
        walk(key, value)
    return out


def fields_json(summary: Summary, comparison: Comparison | None = None, lang: str = "zh") -> str:
    import json

    return json.dumps({"fields": dict(field_list(summary, comparison, lang))}, ensure_ascii=False, indent=2) + "\n"


TABLE_TEXT_MAX = 60  # prose runs long; the JSON has every value whole


def fields_table(summary: Summary, comparison: Comparison | None = None, lang: str = "zh") -> str:
    from tabulate import tabulate

    rows = []
    for name, value in field_list(summary, comparison, lang):
        if isinstance(value, list):
            columns = ", ".join(f"row.{key}" for key in (value[0] if value else {}))
            loop = f"{{%tr for row in {name} %}}"
            value = (f"{len(value)}行 {loop} {columns}" if lang != "en"
                     else f"{len(value)} rows {loop} {columns}")
        text = str(value).replace("\n", " ")
        rows.append([name, text if len(text) <= TABLE_TEXT_MAX else text[:TABLE_TEXT_MAX - 1] + "…"])
    headers = ["占位符", "值"] if lang != "en" else ["Placeholder", "Value"]
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True) + "\n"


# -- filling --------------------------------------------------------------------------------

def _environment():
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    class MissingField(jinja2.StrictUndefined):
        """An unknown name, said as the template wrote it: penalties.finse, compare['air.so3']."""

        @property
        def _undefined_message(self) -> str:
            obj, name = self._undefined_obj, self._undefined_name
            if isinstance(obj, Fields):
                return f"unknown placeholder {obj.child_path(name)}"
            if obj is jinja2.utils.missing and name == "compare":
                return "unknown placeholder compare (it needs --compare-with YEAR)"
            if obj is jinja2.utils.missing and name is not None:
                return f"unknown placeholder {name}"
            return super()._undefined_message

    # Sandboxed: a template is a document someone sent, and plain Jinja would let its tags reach
    # Python's internals ({{ ''.__class__ }} and on to os); figures and loops need none of that.
    return SandboxedEnvironment(undefined=MissingField, autoescape=True)


def output_name(template: Path, summary: Summary) -> str:
    """`<year>-<template stem>.docx`: report.docx for 2023 gives 2023-report.docx."""
    return f"{summary.year}-{Path(template).stem}.docx"


def fill_template(template: Path, summary: Summary, comparison: Comparison | None = None,
                  lang: str = "zh") -> bytes:
    """The template with every placeholder replaced; TemplateError (exit 2) when one cannot be."""
    import jinja2
    import zipfile

    from docxtpl import DocxTemplate

    from .docx import fixed_zip

    template = Path(template)
    label = template.name
    if not template.is_file():
        raise TemplateError(f"template {template}: no such file")
    if not zipfile.is_zipfile(template):
        raise TemplateError(f"template {label}: not a Word .docx document (a .doc must be saved as .docx)")
    try:
        document = DocxTemplate(str(template))
        document.init_docx()
    except Exception as error:  # python-docx's PackageNotFoundError, KeyError for a missing part, lxml errors
        raise TemplateError(f"template {label}: not a readable Word .docx document ({type(error).__name__})") \
            from None
    try:
        document.render(template_context(summary, comparison, lang), _environment(), autoescape=True)
    except jinja2.UndefinedError as error:
        raise TemplateError(f"template {label}: {error} (lawreport fields lists every name)") from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"template {label}: placeholder syntax error: {error.message}") from None
    except jinja2.exceptions.SecurityError as error:
        raise TemplateError(f"template {label}: refused: {error}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"template {label}: {error}") from None
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def export_with_template(summary: Summary, comparison: Comparison | None, out_dir: Path, formats: list[str],
                         template: Path, lang: str = "zh") -> list[Path]:
    """The filled template, plus `formats` if any, written as one set (all or nothing)."""
    from ..export import render_files, write_files

    filled = fill_template(template, summary, comparison, lang)
    files = render_files(summary, comparison, formats, lang) if formats else {}
    name = output_name(template, summary)
    if name in files:
        raise TemplateError(f"template {Path(template).name}: its output {name} is also the name of the "
                            f"--format docx draft; rename the template")
    files[name] = filled
    return write_files(Path(out_dir), files)

