"""`docs/blocks.md`, generated from the blocks' own definitions (their docstrings, inputs and results),
so the reference cannot drift from the code (tests/test_blocks.py compares them)."""

from __future__ import annotations

import inspect
import sys
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from . import BLOCKS

HEADER = """\
# Blocks

`uses: <block>` with its inputs under `with:`; the task may also set `name`, `depends`, `when`,
`consumes`, `env`, `caches`, `timeout`, `retries`, `kubernetes` and `github`. Generated from
`compiler/blocks/` by `python -m pytest tests/test_blocks.py --update-goldens`: do not edit by hand.
"""


def render() -> str:
    parts = [HEADER]
    for name in sorted(BLOCKS):
        block = BLOCKS[name]
        module = sys.modules[block.expand.__module__]
        parts.append(f"\n## `{name}`\n\n{inspect.cleandoc(module.__doc__ or block.summary)}\n")
        parts.append("\n| input | type | default | what it is |\n|---|---|---|---|\n")
        props = block.inputs.model_json_schema(by_alias=True).get("properties", {})
        parts += [_row(key, f, props.get(key, {})) for key, f in _fields(block.inputs)]
        if block.results:
            parts.append("\nResults: " + ", ".join(f"`{r}` ({meaning})" for r, meaning in block.results) + ".\n")
    return "".join(parts)


def _fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    return [(f.alias or key, f) for key, f in model.model_fields.items()]


def _row(key: str, f: FieldInfo, prop: dict[str, Any]) -> str:
    default = "required" if f.is_required() else f"`{_text(f.default)}`"
    return f"| `{key}` | {_kind(prop)} | {default} | {(f.description or '').replace('|', '/')} |\n"


def _kind(prop: dict[str, Any]) -> str:
    """A JSON Schema property in words: `string`, `integer (0-100)`, `auto / tag`, `{secret, key}`."""
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    if "anyOf" in prop:
        kinds = [_kind(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(kinds) + (" or null" if len(kinds) < len(prop["anyOf"]) else "")
    if "$ref" in prop:
        return "`{secret, key}`" if prop["$ref"].endswith("SecretInput") else "object"
    kind = str(prop.get("type", "any"))
    if "minimum" in prop or "maximum" in prop:
        kind += f" ({prop.get('minimum', '')}-{prop.get('maximum', '')})"
    if "pattern" in prop:
        kind += " matching `" + prop["pattern"].replace("|", "\\|") + "`"
    return kind


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)
