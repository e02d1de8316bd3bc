"""The task graph: duplicate task names, dependencies on unknown tasks, cycles."""

from __future__ import annotations

from collections.abc import Iterator

from .. import ir, rules
from ..diagnostics import Diagnostic, error
from ..refs import did_you_mean

RULES = (rules.DUPLICATE_NAME, rules.UNKNOWN_DEPENDENCY, rules.DEPENDENCY_CYCLE)

ADVISORY = False  # skipped once an error is known


def check(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    yield from _duplicates(pipeline)
    yield from _unknown(pipeline)
    yield from _cycles(pipeline)


def _duplicates(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    seen: dict[str, ir.Task] = {}
    for task in pipeline.all_tasks:
        first = seen.setdefault(task.name, task)
        if first is not task:
            yield error(rules.DUPLICATE_NAME, task.span,
                        f"task name '{task.name}' is already used at line {first.span.line}",
                        "give each task a unique name")


def _unknown(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    main = {t.name for t in pipeline.tasks}
    finally_names = {t.name for t in pipeline.finally_tasks}
    for task in pipeline.tasks:
        for dep in task.depends:
            if dep.task in finally_names:
                yield error(rules.UNKNOWN_DEPENDENCY, dep.span,
                            f"task '{task.name}' depends on finally task '{dep.task}', which runs last")
            elif dep.task not in main:
                yield error(rules.UNKNOWN_DEPENDENCY, dep.span,
                            f"task '{task.name}' depends on '{dep.task}', which is not a task",
                            did_you_mean(dep.task, main))
            elif dep.task == task.name:
                yield error(rules.DEPENDENCY_CYCLE, dep.span, f"task '{task.name}' depends on itself")


def _cycles(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    """Each cycle once, reported at the first task of it in file order, showing the whole loop."""
    tasks = {t.name: t for t in pipeline.tasks}
    edges = {t.name: [d for d in t.depends_on if d in tasks and d != t.name] for t in pipeline.tasks}
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    reported: set[frozenset[str]] = set()
    for start in tasks:
        for cycle in _walk(start, edges, state):
            key = frozenset(cycle)
            if key in reported:
                continue
            reported.add(key)
            first = min(cycle, key=lambda n: tasks[n].span.line)
            i = cycle.index(first)
            loop = cycle[i:] + cycle[:i] + [first]
            yield error(rules.DEPENDENCY_CYCLE, tasks[first].span,
                        "dependency cycle: " + " -> ".join(loop),
                        "remove one of these dependencies (results and artifacts count as dependencies)")


def _walk(start: str, edges: dict[str, list[str]], state: dict[str, int]) -> Iterator[list[str]]:
    """Depth-first, with an explicit stack: a 10,000-task chain must not hit Python's recursion limit."""
    if state.get(start) == 2:
        return
    path: list[str] = [start]
    pending: list[Iterator[str]] = [iter(edges[start])]
    state[start] = 1
    while pending:
        nxt = next(pending[-1], None)
        if nxt is None:
            state[path.pop()] = 2
            pending.pop()
        elif state.get(nxt) == 1:
            yield path[path.index(nxt):]
        elif state.get(nxt) != 2:
            state[nxt] = 1
            path.append(nxt)
            pending.append(iter(edges[nxt]))
