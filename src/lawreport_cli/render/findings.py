"""Findings as a terminal listing or the JSON shape of METRICS.md (`validate`)."""
from __future__ import annotations

import json

from wcwidth import wcswidth

from ..findings import Finding, count_by_severity


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - max(wcswidth(text), len(text) if wcswidth(text) < 0 else 0), 0)


def findings_lines(findings: list[Finding], lang: str = "zh") -> list[str]:
    if not findings:
        return []
    locations = [finding.location for finding in findings]
    codes = [finding.code for finding in findings]
    location_width = max(wcswidth(text) for text in locations)
    code_width = max(len(code) for code in codes)
    return [
        f"{_pad(location, location_width)}  {finding.severity:<8} {code:<{code_width}} {finding.message(lang)}"
        for finding, location, code in zip(findings, locations, codes)
    ]


def tally(findings: list[Finding], source: str) -> str:
    errors, warnings = count_by_severity(findings)
    infos = len(findings) - errors - warnings
    noun = "finding" if len(findings) == 1 else "findings"
    error_noun = "error" if errors == 1 else "errors"
    warning_noun = "warning" if warnings == 1 else "warnings"
    info_part = f", {infos} info" if infos else ""
    return f"{len(findings)} {noun} ({errors} {error_noun}, {warnings} {warning_noun}{info_part}) in {source}"


def is_ok(findings: list[Finding], strict: bool) -> bool:
    errors, warnings = count_by_severity(findings)
    return errors == 0 and (not strict or warnings == 0)


def findings_json(findings: list[Finding], strict: bool, lang: str = "zh") -> dict:
    return {"ok": is_ok(findings, strict), "findings": [finding.to_dict(lang) for finding in findings]}


def dumps(document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
