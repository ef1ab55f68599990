"""`lawreport.toml`: defaults for the options people give every time.

    data_dir = "data"            # where the yearly workbooks are
    output_dir = "reports"       # where `export` writes
    formats = ["xlsx", "txt"]    # export formats
    lang = "zh"                  # zh or en
    through = 11                 # cut every year to 1 January .. end of November

    [sheets]                     # kind -> more sheet names
    penalties = ["案件台账"]
    [columns.penalties]          # column key -> more header names
    fine = ["罚没金额", "处罚金额"]
    [values.penalties.outcome]   # the ledger's word -> an accepted word of the column
    "从轻处罚" = "处罚"

The kinds are the sheet keys of schema.SHEETS (air, inspections, penalties,
compensation, indicators, ...), the column keys their Column.key; `lawreport
inspect` prints both for the file at hand.

The file is `lawreport.toml` in the working directory, or the one given with
`--config` (which must exist). Relative paths are relative to the file's
folder, so a config works from wherever it is called. A key not listed
above, or a value of the wrong type, is a ConfigError naming the key: a typo
must not pass silently as a default.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .words import Vocabulary

CONFIG_NAME = "lawreport.toml"
LANGS = ("zh", "en")
KEYS = ("data_dir", "output_dir", "formats", "lang", "through", "sheets", "columns", "values")


from .errors import ConfigError  # noqa: F401  (its old home; errors.py declares it)


@dataclass(frozen=True)
class Config:
    """Settings from the file; None where the file does not set them."""
    data_dir: Path | None = None
    output_dir: Path | None = None
    formats: tuple[str, ...] | None = None
    lang: str | None = None
    through: int | None = None
    path: Path | None = None  # the file read, if any
    words: Vocabulary = field(default_factory=Vocabulary)  # [sheets], [columns.*], [values.*.*]


def _export_formats() -> tuple[str, ...]:
    from .render import FILE_EXPORTERS  # the renderers are only loaded when a file sets formats
    return tuple(FILE_EXPORTERS)


def _path(value, key: str, base: Path, where: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be a path in quotes, not {value!r}")
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _formats(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: 'formats' must be a list of format names, e.g. [\"xlsx\", \"txt\"]")
    known = _export_formats()
    for item in value:
        if item not in known:
            raise ConfigError(f"{where}: unknown format {item!r} in 'formats' (choose from {', '.join(known)})")
    return tuple(dict.fromkeys(value))


def _lang(value, where: str) -> str:
    if value not in LANGS:
        raise ConfigError(f"{where}: 'lang' must be one of {', '.join(LANGS)}, not {value!r}")
    return value


def _through(value, where: str) -> int:
    # bool is an int in Python; `through = true` is a mistake, not month 1.
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        raise ConfigError(f"{where}: 'through' must be a month number 1-12, not {value!r}")
    return value


def parse_config(text: str, path: Path) -> Config:
    where = str(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    unknown = [key for key in doc if key not in KEYS]
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' (known keys: {', '.join(KEYS)})")
    base = path.parent
    return Config(
        data_dir=_path(doc["data_dir"], "data_dir", base, where) if "data_dir" in doc else None,
        output_dir=_path(doc["output_dir"], "output_dir", base, where) if "output_dir" in doc else None,
        formats=_formats(doc["formats"], where) if "formats" in doc else None,
        lang=_lang(doc["lang"], where) if "lang" in doc else None,
        through=_through(doc["through"], where) if "through" in doc else None,
        path=path,
        words=_vocabulary(doc, where),
    )


def _kinds():
    from .schema import BY_KEY  # the contract as data: a later sheet kind is a config kind too
    return BY_KEY


def _table(value, key: str, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: '{key}' must be a table ([{key}])")
    return value


def _kind(kind: str, key: str, where: str):
    schemas = _kinds()
    if kind not in schemas:
        raise ConfigError(f"{where}: unknown sheet kind '{kind}' in '{key}' (known kinds: {', '.join(schemas)})")
    return schemas[kind]


def _column(schema, column_key: str, key: str, where: str):
    keys = [column.key for column in schema.columns]
    if column_key not in keys:
        raise ConfigError(f"{where}: unknown column '{column_key}' in '{key}' (columns of {schema.key}: {', '.join(keys)})")
    return schema.column(column_key)


def _names(value, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item.strip() for item in value):
        raise ConfigError(f"{where}: '{key}' must be a list of names in quotes, e.g. [\"罚没金额\"]")
    return tuple(value)


def _vocabulary(doc: dict, where: str) -> Vocabulary:
    from .words import accepted_values

    sheets, columns, values = {}, {}, {}
    for kind, names in _table(doc.get("sheets", {}), "sheets", where).items():
        _kind(kind, f"sheets.{kind}", where)
        sheets[kind] = _names(names, f"sheets.{kind}", where)
    for kind, table in _table(doc.get("columns", {}), "columns", where).items():
        schema = _kind(kind, f"columns.{kind}", where)
        for column_key, names in _table(table, f"columns.{kind}", where).items():
            _column(schema, column_key, f"columns.{kind}.{column_key}", where)
            columns.setdefault(kind, {})[column_key] = _names(names, f"columns.{kind}.{column_key}", where)
    for kind, table in _table(doc.get("values", {}), "values", where).items():
        schema = _kind(kind, f"values.{kind}", where)
        for column_key, mapping in _table(table, f"values.{kind}", where).items():
            key = f"values.{kind}.{column_key}"
            column = _column(schema, column_key, key, where)
            accepted = accepted_values(column)
            for word, target in _table(mapping, key, where).items():
                # "" is the bureau's own placeholder: blank where a blank is allowed.
                if not isinstance(target, str) or (target and (accepted is None or target not in accepted)):
                    choices = f"one of {', '.join(accepted)}, or \"\" for blank" if accepted else '"" (blank)'
                    raise ConfigError(f"{where}: '{key}': \"{word}\" = {target!r} is not an accepted value "
                                      f"of {column_key} ({choices})")
                values.setdefault(kind, {}).setdefault(column_key, {})[word] = target
    return Vocabulary(sheets, columns, values)


def load_config(path: Path | None, cwd: Path) -> Config:
    """The config at `path` (must exist), else `lawreport.toml` in `cwd` if there is one, else defaults."""
    if path is None:
        path = Path(cwd) / CONFIG_NAME
        if not path.is_file():
            return Config()
    else:
        path = Path(path)
        if not path.is_absolute():
            path = Path(cwd) / path
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
    try:
        # utf-8-sig: Notepad on Windows saves UTF-8 with a BOM, which tomllib rejects.
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_config(text, path)
