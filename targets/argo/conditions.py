"""`Task.when` as an Argo `when` string, which Argo evaluates with govaluate after substitution.

Every operand is a quoted string, so values compare as text (`'{{…}}' == 'true'`), as the IR
wants; `in` becomes `(a == x || a == y)` and `not in` `(a != x && a != y)`.

Quoting limit: Argo splices a reference's value into the string *before* govaluate parses it,
with no escaping. govaluate ends a string at either `'` or `"` and reads `\\` as an escape, so a
value holding one of those three characters breaks the expression: the task then fails with
"Invalid 'when' expression" (or, with a crafted value, the condition means something else).
Compile-time literals are escaped (`syntax.govaluate_string`); run-time values cannot be. Keep
compared params and results to plain words (true/false, numbers, names). A value that looks
like a date is compared as a time by govaluate, which is still equal for equal text.

`pipeline.status` is the expression tag of `syntax.PIPELINE_STATUS`, which Argo evaluates before
govaluate runs, so it compares as `Succeeded` or `Failed` on either side, as in a task's env.
"""

from __future__ import annotations

from collections.abc import Callable

from ...compiler import ir
from . import syntax
from .context import Context

Render = Callable[[ir.Ref], str]


def when(ctx: Context, cond: ir.Condition, render: Render) -> str:
    """The whole condition, without outer parentheses."""
    if isinstance(cond, ir.Compare):
        return _compare(ctx, cond, render)
    joiner = " && " if isinstance(cond, ir.All) else " || "
    return joiner.join(_grouped(ctx, item, render) for item in cond.items)


def _grouped(ctx: Context, cond: ir.Condition, render: Render) -> str:
    """An item of `&&`/`||`: a nested group gets parentheses (a multi-valued compare has its own)."""
    text = when(ctx, cond, render)
    return text if isinstance(cond, ir.Compare) or len(cond.items) == 1 else f"({text})"


def _compare(ctx: Context, cond: ir.Compare, render: Render) -> str:
    left = _operand(ctx, cond.left, cond, render)
    positive = cond.op in (ir.CompareOp.EQ, ir.CompareOp.IN)
    op, joiner = ("==", " || ") if positive else ("!=", " && ")
    parts = [f"{left} {op} {_operand(ctx, v, cond, render)}" for v in cond.right]
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def _operand(ctx: Context, operand: ir.Operand, cond: ir.Compare, render: Render) -> str:
    if isinstance(operand, ir.Literal):
        return syntax.govaluate_string(ctx.literal(syntax.scalar(operand.value), cond.span))
    return f"'{render(operand)}'"
