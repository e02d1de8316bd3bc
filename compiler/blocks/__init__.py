"""Building blocks (`uses: <block>`), one module each; `expand` turns each block task into the spec's
own fields before validation, keeping positions (errors in an input point at the user's line)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .. import rules
from ..diagnostics import Diagnostic, error
from ..loader import Document, Loc
from ..refs import did_you_mean

if TYPE_CHECKING:
    from .base import Block

MODULES = {"go": "golang", "node": "node", "python": "python", "java": "java", "image": "image", "scan": "scan",
           "sign": "sign", "helm": "helm", "publish": "publish", "version": "version", "notify": "notify"}
"""Block name -> its module, imported only when a spec uses the block (their models cost ~150 ms)."""


def block(name: str) -> Block | None:
    from importlib import import_module

    module = MODULES.get(name)
    if module is None:
        return None
    found: Block = import_module(f"{__name__}.{module}").BLOCK
    return found


def __getattr__(attr: str) -> dict[str, Block]:
    """`BLOCKS`, every block by name: imports them all (the reference, the schema, tests)."""
    if attr == "BLOCKS":
        return {name: b for name in MODULES if (b := block(name)) is not None}
    raise AttributeError(attr)


BUILT_IN = ("checkout",)  # `uses:` names the compiler itself lowers (ir.Checkout)
_OWN = ("image", "run", "command", "args", "steps", "results", "produces")
"""Fields a block makes: a block task that also writes one would have two meanings for it."""


def expand(doc: Document) -> list[Diagnostic]:
    body = doc.data.get("spec") if isinstance(doc.data, dict) else None
    found: list[Diagnostic] = []
    for section in ("tasks", "finally"):
        tasks = body.get(section) if isinstance(body, dict) else None
        for i, task in enumerate(tasks if isinstance(tasks, list) else ()):
            if isinstance(task, dict) and isinstance(task.get("uses"), str) and task["uses"] not in BUILT_IN:
                found += _expand_one(doc, task, ("spec", section, i))
    return found


def _expand_one(doc: Document, task: dict[str, Any], loc: Loc) -> list[Diagnostic]:
    from ..parse import validate_at
    from .base import Call

    name = task["uses"]
    found = block(name)
    if found is None:
        return [error(rules.UNKNOWN_REFERENCE, doc.span((*loc, "uses")), f"there is no block '{name}'",
                      did_you_mean(name, [*MODULES, *BUILT_IN]) or "blocks: " + ", ".join(sorted(MODULES)))]
    inputs, problems = validate_at(doc, found.inputs, (*loc, "with"))
    clashes = [error(rules.WRONG_TYPE, doc.key_span((*loc, key)), f"a `uses: {name}` task has no `{key}`: the "
                     "block makes it", "remove it, or write the task without the block")
               for key in _OWN if key in task]
    if inputs is None or clashes:
        return problems + clashes
    written = task.get("with")
    call = Call(str(task.get("name", "")), dict(written) if isinstance(written, dict) else {})
    made = found.expand(inputs, call)
    uses_at = doc.values.get((*loc, "uses"))
    del task["uses"]
    task.pop("with", None)
    for key, value in made.items():
        _place(doc, task, loc, key, value, uses_at)
    for source, target in call.copies:
        doc.copy_positions((*loc, *source), (*loc, *target))
    return []


def _place(doc: Document, task: dict[str, Any], loc: Loc, key: str, value: Any, uses_at: Any) -> None:
    """Merge a block-made field into the task: mappings key by key (the user's win), the rest as is;
    what the block made points at its `uses:` line."""
    mine = task.get(key)
    if isinstance(mine, dict) and isinstance(value, dict):
        for k, v in value.items():
            if k not in mine:
                mine[k] = copy.deepcopy(v)
                _mark(doc, (*loc, key, k), v, uses_at)
        return
    if isinstance(mine, list) and isinstance(value, list):
        for v in value:
            _mark(doc, (*loc, key, len(mine)), v, uses_at)
            mine.append(copy.deepcopy(v))
        return
    task[key] = copy.deepcopy(value)
    _mark(doc, (*loc, key), value, uses_at)


def _mark(doc: Document, loc: Loc, value: Any, uses_at: Any) -> None:
    if uses_at is None:
        return
    doc.values.setdefault(loc, uses_at)
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in children:
        _mark(doc, (*loc, k), v, uses_at)

