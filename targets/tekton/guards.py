"""Conditions Tekton's `when` cannot say, decided by a guard task.

A pipeline task's `when` list is ANDed and knows only `in` and `notin` (pipelines.md, "Guard Task
execution using when expressions"; `cel:` needs the enable-cel-in-whenexpression feature flag, off
by default). A condition with `||`, a string test (startsWith, endsWith, contains) or a pr_labels
membership test is decided instead by a guard: the pipeline task `<task>-when`, in the pinned helper
image (`helpers`), which receives each operand as a param, reads it through env, evaluates the whole
condition in POSIX sh and writes the result `holds` (true or false). The task then has the `when`
`$(tasks.<task>-when.results.holds) in ["true"]`, and Tekton orders the guard after every task whose
result it reads. Values are never part of the script: literals are env vars too, and `case`
patterns quote them, so `*`, `?` and `[` in a value are plain characters.

A finally task cannot read another finally task's results, and every main task has ended before it
starts, so a condition of a finally task that needs a guard is an SS501.
"""

from __future__ import annotations

import dataclasses
import json

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from .. import kubernetes
from . import checks, helpers

HOLDS = "holds"

_FUNCTIONS = r"""starts() { case $1 in "$2"*) return 0 ;; esac; return 1; }
ends() { case $1 in *"$2") return 0 ;; esac; return 1; }
has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }
member() { case $1 in *[[,]"$2"[],]*) return 0 ;; esac; return 1; }
"""
"""`member`: the JSON text of a list (`["bug","ok"]`, as Triggers' `marshalJSON()` writes it) has the
JSON string `$2` as an element: after `[` or `,` and before `,` or `]`, where no quote of an element
can be (inside a JSON string every `"` is escaped)."""

_TESTS = {ir.CompareOp.STARTS_WITH: "starts", ir.CompareOp.ENDS_WITH: "ends", ir.CompareOp.CONTAINS: "has"}


def needs_guard(cond: ir.Condition) -> bool:
    """`||`, a string test or a membership test anywhere in it (and no matrix axis, which no task
    before the matrix fans out can read: reported with the `when`)."""
    if any(isinstance(r, ir.MatrixRef) for r in ir.condition_refs(cond)):
        return False
    return _needs(cond)


def _needs(cond: ir.Condition) -> bool:
    if isinstance(cond, ir.Compare):
        return cond.op.is_string_test
    if isinstance(cond, ir.Any) and len(cond.items) > 1:
        return True
    return any(_needs(item) for item in cond.items)


def lower(p: ir.Pipeline, diags: list[Diagnostic]) -> ir.Pipeline:
    """The pipeline with a guard task before each main task whose condition needs one."""
    taken = {t.name for t in p.all_tasks}
    tasks: list[ir.Task] = []
    for task in p.tasks:
        if task.when is None or not needs_guard(task.when):
            tasks.append(task)
            continue
        guard = guard_task(task, task.when, kubernetes.unique(f"{task.name}-when", taken), diags)
        holds = ir.Compare(ir.ResultRef(guard.name, HOLDS), ir.CompareOp.EQ, (ir.Literal("true"),), task.when.span)
        tasks += [guard, dataclasses.replace(task, when=holds)]
    finally_tasks: list[ir.Task] = []
    for task in p.finally_tasks:
        if task.when is not None and needs_guard(task.when):
            diags.append(checks.unsupported(
                task.when.span, f"this condition of finally task '{task.name}'",
                "Tekton's `when` has only ANDed in/notin, and a guard task cannot run before a finally task "
                "(finally tasks cannot read each other's results)",
                "decide in a main task and compare its result with == or !="))
            task = dataclasses.replace(task, when=None)  # reported: no documents are written
        finally_tasks.append(task)
    return dataclasses.replace(p, tasks=tuple(tasks), finally_tasks=tuple(finally_tasks))


def guard_task(task: ir.Task, cond: ir.Condition, name: str, diags: list[Diagnostic]) -> ir.Task:
    env: dict[str, ir.EnvVar] = {}
    expression = _expression(cond, env, task, diags)
    script = ("set -u\n# shipspec: the condition of task '" + task.name.replace("\n", " ")
              + "', on the values in env\n" + _FUNCTIONS
              + f"if {expression}; then\n  holds=true\nelse\n  holds=false\nfi\n"
              + f"printf '%s' \"$holds\" > \"${ir.RESULTS_ENV}/{HOLDS}\"\n")
    return ir.Task(name=name, image=helpers.HELPER_IMAGE, script=script, env=tuple(env.values()),
                   results=(ir.Result(HOLDS, f"whether the condition of task '{task.name}' holds"),),
                   span=cond.span, image_span=cond.span)


def _expression(cond: ir.Condition, env: dict[str, ir.EnvVar], task: ir.Task, diags: list[Diagnostic]) -> str:
    if isinstance(cond, ir.Compare):
        return _compare(cond, env, task, diags)
    if len(cond.items) == 1:
        return _expression(cond.items[0], env, task, diags)
    joiner = " || " if isinstance(cond, ir.Any) else " && "
    return "{ " + joiner.join(_expression(item, env, task, diags) for item in cond.items) + "; }"


def _compare(cond: ir.Compare, env: dict[str, ir.EnvVar], task: ir.Task, diags: list[Diagnostic]) -> str:
    left = _operand(cond.left, env)
    if cond.is_membership:
        right = cond.right[0]
        if not isinstance(right, ir.Literal):
            diags.append(checks.unsupported(
                cond.span, "a label test against a value known only at run time",
                "the guard compares run.pr_labels with the JSON text of a label written in the spec",
                "compare with a label written in the spec"))
            return "false"
        test = f"member {left} {_literal(go_json(syntax_text(right.value)), env)}"
    elif cond.op.is_string_test:
        positive = cond.op if cond.op.positive else cond.op.negated
        test = f"{_TESTS[positive]} {left} {_operand(cond.right[0], env)}"
    else:
        tests = [f"[ {left} = {_operand(r, env)} ]" for r in cond.right]
        test = tests[0] if len(tests) == 1 else "{ " + " || ".join(tests) + "; }"
    return test if cond.op.positive else f"! {test}"


def _operand(operand: ir.Operand, env: dict[str, ir.EnvVar]) -> str:
    if isinstance(operand, ir.Literal):
        return _literal(syntax_text(operand.value), env)
    name = ir.env_name(operand)
    env.setdefault(name, ir.EnvVar(name, ir.Template((operand,), operand.span), operand.span))
    return f'"${name}"'


def _literal(text: str, env: dict[str, ir.EnvVar]) -> str:
    for var in env.values():  # one variable per distinct literal
        if var.name.startswith("SHIPSPEC_WHEN_") and isinstance(var.value, ir.Template) \
                and var.value.literal == text and var.value.parts:
            return f'"${var.name}"'
    name = f"SHIPSPEC_WHEN_{sum(v.name.startswith('SHIPSPEC_WHEN_') for v in env.values()) + 1}"
    env[name] = ir.EnvVar(name, ir.Template((text,) if text else ()))
    return f'"${name}"'


def syntax_text(value: ir.Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def go_json(text: str) -> str:
    """A string as Go's encoding/json writes it (what Triggers' CEL `marshalJSON()` gives): like
    Python's, but `<`, `>`, `&`, U+2028 and U+2029 as \\u escapes, and non-ASCII kept."""
    out = json.dumps(text, ensure_ascii=False)
    for c in "<>&\u2028\u2029":
        out = out.replace(c, f"\\u{ord(c):04x}")
    return out
