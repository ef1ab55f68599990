"""`lawreport.toml`: defaults for the options people give every time.

    data_dir = "data"            # where the yearly workbooks are
    output_dir = "reports"       # where `export` writes
    formats = ["xlsx", "txt"]    # export formats
    lang = "zh"                  # zh or en
    through = 11                 # cut every year to 1 January .. end of November

The file is `lawreport.toml` in the working directory, or the one given with
`--config` (which must exist). Relative paths are relative to the file's
folder, so a config works from wherever it is called. A key not listed
above, or a value of the wrong type, is a ConfigError naming the key: a typo
must not pass silently as a default.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "lawreport.toml"
LANGS = ("zh", "en")
KEYS = ("data_dir", "output_dir", "formats", "lang", "through")


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
    )


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
