"""Pipeline templates: a platform team's `kind: PipelineTemplate` spec, which a service's spec uses
with `template: {ref, with, remove}` and its own tasks (added, or replacing the template's task of
that name). Merged on the loaded documents before validation, positions kept: an error points at
the line of whichever file (template or service) wrote the value.

The template's params are its inputs: `with:` gives them values (the merged pipeline's defaults);
an unknown input is an error. The service's `metadata` is the pipeline's; each other key of the
service's `spec` replaces the template's. References resolve from a local path, relative to the
service's spec, an installed package or a pinned git revision (`template_refs`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from . import rules
from .diagnostics import Diagnostic, SpecError, error
from .loader import Document, Loc, load
from .refs import did_you_mean

KIND = "PipelineTemplate"
_TASK_LISTS = ("tasks", "finally")


def apply(doc: Document, base: Path) -> None:
    """Merge the template the service names into `doc`; raise SpecError on any problem."""
    use = doc.data.get("template") if isinstance(doc.data, dict) else None
    if use is None:
        return
    if not isinstance(use, dict) or not isinstance(use.get("ref"), str):
        raise SpecError([error(rules.WRONG_TYPE, doc.span(("template",)), "`template` is {ref, with, remove}",
                               "name the template's file: `template: {ref: ../templates/ci.yaml}`")])
    unknown = sorted(set(use) - {"ref", "with", "remove"})
    if unknown:
        raise SpecError([error(rules.UNKNOWN_FIELD, doc.key_span(("template", unknown[0])),
                               f"unknown field '{unknown[0]}'", "template takes ref, with and remove")])
    template = _load(doc, base, use["ref"])
    problems = _merge(doc, template, use)
    if problems:
        raise SpecError(problems)


def _load(doc: Document, base: Path, ref: str) -> Document:
    from .template_refs import RefError, resolve

    try:
        path = resolve(ref, base)
    except RefError as exc:
        raise SpecError([error(rules.UNKNOWN_REFERENCE, doc.span(("template", "ref")), exc.message,
                               exc.hint)]) from None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError([error(rules.UNKNOWN_REFERENCE, doc.span(("template", "ref")),
                               f"cannot read the template {ref}: {exc.strerror}",
                               "give a path relative to this spec")]) from None
    template = load(raw, _display(path))
    if not isinstance(template.data, dict) or template.data.get("kind") != KIND:
        raise SpecError([error(rules.WRONG_HEADER, doc.span(("template", "ref")),
                               f"{ref} is not a template (kind: {KIND})", "point at a template spec")])
    return template


def _display(path: Path) -> str:
    """The template's path as messages show it: relative to the working directory, as the spec's is."""
    import os

    return Path(os.path.relpath(path)).as_posix()


Positions = tuple[dict[Loc, Any], dict[Loc, Any]]
"""A document's value and key positions (loc -> Scalar, loc -> Span)."""


def _take(doc: Document, prefix: Loc) -> Positions:
    """Remove and return every position under `prefix`."""
    n = len(prefix)
    values = {loc: doc.values.pop(loc) for loc in [loc for loc in doc.values if loc[:n] == prefix]}
    keys = {loc: doc.keys.pop(loc) for loc in [loc for loc in doc.keys if loc[:n] == prefix]}
    return values, keys


def _put(doc: Document, positions: Positions, source: Loc, target: Loc) -> None:
    """Positions under `source` placed under `target` (replacing what was there)."""
    _take(doc, target)
    n = len(source)
    for table, taken in ((doc.values, positions[0]), (doc.keys, positions[1])):
        for loc, where in taken.items():
            if loc[:n] == source:
                table[(*target, *loc[n:])] = where


def _merge(doc: Document, template: Document, use: dict[str, Any]) -> list[Diagnostic]:
    mine = doc.data.get("spec") if isinstance(doc.data.get("spec"), dict) else {}
    merged = template.data.get("spec") if isinstance(template.data.get("spec"), dict) else {}
    problems = _remove(doc, template, merged, use.get("remove") or [])
    own = _take(doc, ("spec",))
    theirs = _take(template, ("spec",))
    _put(doc, theirs, ("spec",), ("spec",))
    problems += _inputs(doc, merged, use.get("with") or {})
    for key, value in mine.items():
        if key in _TASK_LISTS and isinstance(value, list) and isinstance(merged.get(key), list):
            _tasks(doc, own, merged[key], value, key)
        else:
            merged[key] = value
            _put(doc, own, ("spec", key), ("spec", key))
    doc.data["spec"] = merged
    doc.data["kind"] = "Pipeline"
    del doc.data["template"]
    return problems


def _inputs(doc: Document, spec: dict[str, Any], given: Any) -> list[Diagnostic]:
    """`with:` values become the template's params' defaults."""
    found = spec.get("params")
    params: list[Any] = found if isinstance(found, list) else []
    index = {p.get("name"): i for i, p in enumerate(params) if isinstance(p, dict)}
    problems = []
    for name, value in given.items() if isinstance(given, dict) else ():
        if name not in index:
            problems.append(error(rules.UNKNOWN_REFERENCE, doc.key_span(("template", "with", name)),
                                  f"the template has no input '{name}'",
                                  did_you_mean(name, [str(k) for k in index]) or
                                  "inputs: " + ", ".join(map(str, index))))
            continue
        i = index[name]
        params[i]["default"] = copy.deepcopy(value)
        doc.copy_positions(("template", "with", name), ("spec", "params", i, "default"))
    return problems


def _remove(doc: Document, template: Document, spec: dict[str, Any], names: Any) -> list[Diagnostic]:
    """Drop the template's tasks the service removes (in the template's data, positions following)."""
    problems = []
    for j, name in enumerate(names if isinstance(names, list) else []):
        found = False
        for section in _TASK_LISTS:
            tasks = spec.get(section)
            if not isinstance(tasks, list):
                continue
            kept = [t for t in tasks if not (isinstance(t, dict) and t.get("name") == name)]
            if len(kept) < len(tasks):
                found = True
                old = _take(template, ("spec", section))
                for new_index, task in enumerate(kept):
                    _put(template, old, ("spec", section, tasks.index(task)), ("spec", section, new_index))
                spec[section] = kept
        if not found:
            problems.append(error(rules.UNKNOWN_REFERENCE, doc.span(("template", "remove", j)),
                                  f"the template has no task '{name}' to remove"))
    return problems


def _tasks(doc: Document, own: Positions, tasks: list[Any], mine: list[Any], section: str) -> None:
    """The service's tasks: one named like a template task replaces it, others are added."""
    names = {t.get("name"): i for i, t in enumerate(tasks) if isinstance(t, dict)}
    for j, task in enumerate(mine):
        name = task.get("name") if isinstance(task, dict) else None
        i = names.get(name, len(tasks))
        if i == len(tasks):
            tasks.append(task)
        else:
            tasks[i] = task
        _put(doc, own, ("spec", section, j), ("spec", section, i))
