"""`shipspec explain SPEC -t T`: what each task of the spec became on the target, and what the target
approximated or could not say. It reads the emitted documents themselves (the only truth of what an
engine gets): every place where a task's name (or a name derived from it, `<task>-when`) names a
node, with the path of that node, and the diagnostics of that target in the spec's words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import ir
from .diagnostics import Diagnostic


def places(documents: dict[str, list[dict[str, Any]]], task: str) -> list[str]:
    """`file: Kind/name path` of every node named after `task`."""
    found = []
    for file, docs in documents.items():
        for doc in docs:
            kind = f"{doc.get('kind', 'workflow')}/{_name(doc)}"
            for path, node in _walk(doc, ""):
                name = node.get("name") if isinstance(node, dict) else None
                if isinstance(name, str) and (name == task or name.startswith(f"{task}-")) and path:
                    found.append(f"{file}: {kind} {path}" + ("" if name == task else f" ({name})"))
            jobs = doc.get("jobs")
            if isinstance(jobs, dict):
                found += [f"{file}: workflow jobs.{job}" for job in jobs if job == task or job.startswith(f"{task}-")]
    return found


def _name(doc: dict[str, Any]) -> str:
    found = doc.get("metadata")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    return str(meta.get("name") or meta.get("generateName") or doc.get("name") or "")


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key not in ("env", "params", "parameters", "arguments", "inputs", "outputs", "results"):
                yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")


def report(pipeline: ir.Pipeline, target: str, documents: dict[str, list[dict[str, Any]]],
           diagnostics: list[Diagnostic]) -> str:
    from .graph import describe

    lines = [f"{pipeline.name} on {target}: " + ", ".join(f"{f} ({len(d)} document{'s' * (len(d) != 1)})"
                                                          for f, d in documents.items())]
    for task in pipeline.all_tasks:
        notes = describe(task)
        lines.append(f"\ntask {task.name}" + (f" [{'; '.join(notes)}]" if notes else "")
                     + (" (finally)" if task.is_finally else ""))
        lines += [f"  -> {p}" for p in places(documents, task.name)] or ["  -> (nothing of its own)"]
        lines += [f"  {d.severity.value}: {d.message} [{d.rule.code}]" for d in _of(task, diagnostics)]
    rest = [d for d in diagnostics if not any(d in _of(t, diagnostics) for t in pipeline.all_tasks)]
    if rest:
        lines.append("\npipeline")
        lines += [f"  {d.severity.value} (line {d.span.line}): {d.message} [{d.rule.code}]" for d in rest]
    return "\n".join(lines) + "\n"


def _of(task: ir.Task, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics inside the task's own lines (its name to the next task's)."""
    start = task.span.line
    return [d for d in diagnostics if d.span.file == task.span.file and start <= d.span.line < start + _height(task)]


def _height(task: ir.Task) -> int:
    ends = [a.span.line for a in task.script_anchors] + [e.span.line for e in task.env] + [task.image_span.end_line]
    return max([task.span.line, *ends]) - task.span.line + 2
