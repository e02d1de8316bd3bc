"""`shipspec graph`: the task DAG as Mermaid or Graphviz dot, with what shapes a task's run: its
condition, matrix, steps, checkout or native unit, and the finally tasks after everything."""

from __future__ import annotations

from . import ir


def describe(task: ir.Task) -> list[str]:
    """The short notes under a task's name."""
    notes = []
    if task.checkout is not None:
        notes.append("checkout")
    if task.native is not None:
        notes.append("native: " + ", ".join(e for e, u in (("github", task.native.github),
                                                               ("tekton", task.native.tekton),
                                                               ("argo", task.native.argo)) if u))
    if task.steps:
        notes.append(f"{len(task.steps)} steps: " + ", ".join(s.name for s in task.steps))
    if task.matrix is not None:
        notes.append("matrix: " + " × ".join(a.name for a in task.matrix.axes))
    if task.when is not None:
        notes.append("when: " + condition(task.when))
    return notes


def condition(c: ir.Condition) -> str:
    if isinstance(c, ir.Compare):
        right = ", ".join(_operand(o) for o in c.right)
        return f"{_operand(c.left)} {c.op.value} {right if len(c.right) == 1 else '[' + right + ']'}"
    joiner = " && " if isinstance(c, ir.All) else " || "
    return joiner.join(condition(i) if isinstance(i, ir.Compare) else f"({condition(i)})" for i in c.items)


def _operand(o: ir.Operand) -> str:
    return repr(o.value) if isinstance(o, ir.Literal) else ir.ref_text(o)


def mermaid(p: ir.Pipeline) -> str:
    lines = ["flowchart TD"]
    lines += [f"  {_id(t.name)}[\"{_label(t, '<br/>')}\"]" for t in p.tasks]
    lines += [f"  {_id(d)} --> {_id(t.name)}" for t in p.tasks for d in t.depends_on]
    if p.finally_tasks:
        lines.append("  subgraph finally")
        lines += [f"    {_id(t.name)}[\"{_label(t, '<br/>')}\"]" for t in p.finally_tasks]
        lines.append("  end")
        lines += [f"  {_id(t.name)} -.-> finally" for t in p.tasks if not _has_dependents(p, t.name)]
    return "\n".join(lines) + "\n"


def dot(p: ir.Pipeline) -> str:
    lines = [f'digraph "{p.name}" {{', "  rankdir=TB;", "  node [shape=box];"]
    lines += [f'  "{t.name}" [label="{_label(t, chr(92) + "n")}"];' for t in p.tasks]
    lines += [f'  "{d}" -> "{t.name}";' for t in p.tasks for d in t.depends_on]
    if p.finally_tasks:
        lines.append('  subgraph cluster_finally { label="finally"; style=dashed;')
        lines += [f'    "{t.name}" [label="{_label(t, chr(92) + "n")}"];' for t in p.finally_tasks]
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _has_dependents(p: ir.Pipeline, name: str) -> bool:
    return any(name in t.depends_on for t in p.tasks)


def _id(name: str) -> str:
    return name.replace("-", "_")


def _label(task: ir.Task, newline: str) -> str:
    text = newline.join([task.name, *describe(task)])
    return text.replace('"', "'")
