"""Values that look like credentials written into the spec: secrets belong in {secret, key}."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import ir, rules
from ..diagnostics import Diagnostic, warning

RULES = (rules.SECRET_IN_LITERAL,)
ADVISORY = False

_SECRET_NAME = re.compile(r"(^|_)(TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE_KEY|CREDENTIALS?)($|_)")
_NOT_A_VALUE = re.compile(r"^(/|\./|\$)|_(FILE|PATH|DIR)$")  # a path or a variable, not the secret itself


def check(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    for task in pipeline.all_tasks:
        for var in (*task.env, *(v for s in task.sidecars for v in s.env)):
            if _looks_inlined(var):
                yield warning(rules.SECRET_IN_LITERAL, var.span,
                              f"env var '{var.name}' holds a literal value that looks like a secret",
                              f"store it in a secret and write `{var.name}: {{secret: NAME, key: KEY}}`")


def _looks_inlined(var: ir.EnvVar) -> bool:
    if not isinstance(var.value, ir.Template) or not _SECRET_NAME.search(var.name.upper()):
        return False
    text = var.value.literal
    if not text:
        return False
    return not _NOT_A_VALUE.search(text) and not _NOT_A_VALUE.search(var.name.upper())
