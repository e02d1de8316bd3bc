"""Diagnostics as one SARIF 2.1.0 log, which GitHub code scanning takes (`upload-sarif`): a run of the
tool `shipspec`, a rule per code that occurs (with its summary and a link to docs/rules.md), and a
result per diagnostic with its region. Unlike the other formats, one document for the whole command."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .diagnostics import Diagnostic

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
RULES_DOC = "https://github.com/shipspec/shipspec/blob/main/docs/rules.md"


def document(diagnostics: Sequence[Diagnostic], version: str) -> str:
    codes = sorted({d.rule.code: d.rule for d in diagnostics}.items())
    index = {code: i for i, (code, _) in enumerate(codes)}
    rules = [{"id": code, "name": rule.name, "shortDescription": {"text": rule.summary},
              "fullDescription": {"text": rule.summary},
              "help": {"text": f"{rule.summary}. See {RULES_DOC}#{code.lower()}",
                       "markdown": f"{rule.summary}. See [{code}]({RULES_DOC}#{code.lower()})."},
              "helpUri": f"{RULES_DOC}#{code.lower()}"} for code, rule in codes]
    results = [_result(d, index[d.rule.code]) for d in diagnostics]
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "shipspec", "version": version, "informationUri": RULES_DOC.rsplit("/blob", 1)[0],
                            "rules": rules}},
        "results": results,
    }]}
    return json.dumps(log, indent=2) + "\n"


def _result(d: Diagnostic, rule_index: int) -> dict[str, object]:
    s = d.span
    text = d.message + (f" ({d.hint})" if d.hint else "")
    return {
        "ruleId": d.rule.code, "ruleIndex": rule_index,
        "level": "error" if d.severity.value == "error" else "warning",
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": s.file},
            "region": {"startLine": max(1, s.line), "startColumn": max(1, s.col),
                       "endLine": max(s.line, s.end_line, 1), "endColumn": max(1, s.end_col)},
        }}],
    }
