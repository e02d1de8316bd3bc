"""Task defaults (`spec.defaults`, `spec.groups`): said once, merged into each task before validation.

The merge works on the loaded document, positions included: a value a task takes from a default keeps
the position it has under `defaults` (or its group), so an error in it points there, once. A task's own
value wins; `env` merges by name, `caches` by name and `consumes` by artifact (the task's first), and
`kubernetes`/`github` key by key. `uses:` tasks take none (they run no container of their own).
"""

from __future__ import annotations

import copy
from typing import Any

from .loader import Document, Loc

_BY_KEY = {"caches": "name", "consumes": "artifact", "secretFiles": "path"}
_NESTED = ("kubernetes", "github")


def apply(doc: Document) -> None:
    body = doc.data.get("spec") if isinstance(doc.data, dict) else None
    if not isinstance(body, dict):
        return
    defaults, groups = body.get("defaults"), body.get("groups")
    for section in ("tasks", "finally"):
        tasks = body.get(section)
        for i, task in enumerate(tasks if isinstance(tasks, list) else ()):
            if not isinstance(task, dict) or "uses" in task:
                continue
            loc: Loc = ("spec", section, i)
            group = task.get("group")
            if isinstance(groups, dict) and isinstance(group, str) and isinstance(groups.get(group), dict):
                _merge(doc, task, loc, groups[group], ("spec", "groups", group))
            if isinstance(defaults, dict):
                _merge(doc, task, loc, defaults, ("spec", "defaults"))


def _merge(doc: Document, into: dict[str, Any], at: Loc, layer: dict[str, Any], source: Loc,
           deep: bool = False) -> None:
    """Fill `into` (at `at`) from `layer` (at `source`) where `into` says nothing; `deep`: inside
    `kubernetes`/`github`, where mappings merge all the way down."""
    for key, value in layer.items():
        mine = into.get(key)
        if key not in into:
            into[key] = copy.deepcopy(value)
            doc.copy_positions((*source, key), (*at, key))
        elif key == "env" and isinstance(mine, dict) and isinstance(value, dict):
            for name, item in value.items():
                if name not in mine:
                    mine[name] = copy.deepcopy(item)
                    doc.copy_positions((*source, key, name), (*at, key, name))
        elif key in _BY_KEY and isinstance(mine, list) and isinstance(value, list):
            have = {entry.get(_BY_KEY[key]) for entry in mine if isinstance(entry, dict)}
            for j, entry in enumerate(value):
                if isinstance(entry, dict) and entry.get(_BY_KEY[key]) not in have:
                    doc.copy_positions((*source, key, j), (*at, key, len(mine)))
                    mine.append(copy.deepcopy(entry))
        elif (deep or key in _NESTED) and isinstance(mine, dict) and isinstance(value, dict):
            _merge(doc, mine, (*at, key), value, (*source, key), deep=True)

