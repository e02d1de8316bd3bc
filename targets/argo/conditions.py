"""`Task.when` as an Argo `when`: one expression tag, `{{=<expr-lang condition>}}`.

Why not govaluate text: Argo substitutes a simple tag's value into the `when` text and only then
parses it with govaluate, so in `'{{workflow.parameters.p}}' == 'x'` a value with a quote ends the
string early: `it's` breaks the condition and `x' || 'a' == 'a` rewrites it. An expression tag
is evaluated by expr-lang with every variable bound as a value (Argo's docs/variables.md,
"Expression"; docs/walk-through/conditionals.md, "Nested Quotes", recommends exactly this), so no
value is ever read as expression text. Argo evaluates the tag, writes its result (`true` or
`false`) into the `when`, and govaluate evaluates that word (workflow/controller/dag.go
`resolveDependencyReferences`, steps.go `shouldExecute`; e2e test `dag-when-expr-skip.yaml`).

- operands: params, results (`tasks.t.outputs.parameters.r`; a matrix wrapper's inputs; the exit
  handler's global outputs), matrix items (`item`, `item.axis`), the run's context
  (`workflow.uid`, `workflow.parameters['shipspec-run-event']`: run.py) and the pipeline status are
  all variables of the tag (values.py `expression_value`);
  hyphenated names are indexed, `tasks['unit-test']`.
- literals are expr-lang strings of their text form (`'true'`, `'42'`): every Argo variable is a
  string, and the IR compares text; they are escaped so that Argo's tag handling (`}}`, JSON,
  `\\u003c`) cannot alter them (`syntax.expr_literal`).
- `==`, `!=`, `in [..]`, `not in [..]`, `&&`, `||`, nested groups in parentheses.
- string tests: expr-lang's `startsWith`, `endsWith` and `contains` operators (case-sensitive),
  negated as `not (…)`. Membership in `run.pr_labels` (its value is the JSON list of the labels'
  names, `["bug","ok"]`, `[]` by hand): the text contains the JSON string of the label,
  `"ok"` with its quotes, so `contains(run.pr_labels, 'o')` does not hold for a label `ok`.

Where Argo evaluates it: a tag naming only params and run fields is resolved with the template's
globals; one naming `tasks.…` waits until those outputs exist (Argo requeues); one naming `item`
is resolved per item when the task is expanded (operator.go `processItem`, with every other
variable in scope); `workflow.status` is only set for the exit handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ...compiler import ir
from . import syntax

Render = Callable[[ir.Ref], str]
"""A reference as an expr-lang operand (values.py `expression_value`)."""

_OPERATORS = {ir.CompareOp.EQ: "==", ir.CompareOp.NE: "!="}
_STRING_TESTS = {ir.CompareOp.STARTS_WITH: "startsWith", ir.CompareOp.ENDS_WITH: "endsWith",
                 ir.CompareOp.CONTAINS: "contains"}


def when(cond: ir.Condition, render: Render) -> str:
    """The `when` text: one expression tag around the whole condition."""
    return syntax.expression_tag(_condition(cond, render))


def _condition(cond: ir.Condition, render: Render) -> str:
    if isinstance(cond, ir.Compare):
        return _compare(cond, render)
    if not cond.items:  # an empty All holds, an empty Any does not
        return "true" if isinstance(cond, ir.All) else "false"
    joiner = " && " if isinstance(cond, ir.All) else " || "
    return joiner.join(_grouped(item, render) for item in cond.items)


def _grouped(cond: ir.Condition, render: Render) -> str:
    """An item of `&&`/`||`: a nested group of several items gets parentheses."""
    text = _condition(cond, render)
    return text if isinstance(cond, ir.Compare) or len(cond.items) < 2 else f"({text})"


def _compare(cond: ir.Compare, render: Render) -> str:
    if cond.op.is_string_test:
        return _string_test(cond, render)
    left = _operand(cond.left, render)
    right = [_operand(v, render) for v in cond.right]
    if cond.op in _OPERATORS and len(right) == 1:
        return f"{left} {_OPERATORS[cond.op]} {right[0]}"
    positive = cond.op in (ir.CompareOp.EQ, ir.CompareOp.IN)
    return f"{left} {'in' if positive else 'not in'} [{', '.join(right)}]"


def _string_test(cond: ir.Compare, render: Render) -> str:
    """`a startsWith b`, `not (a contains b)`; membership tests the JSON list's text for the label's
    JSON string (a literal label becomes a literal, encoded as GitHub's payload writes it: UTF-8,
    `"` and `\\` escaped; a label from a reference is encoded at run time with expr-lang's `toJSON`,
    which also writes `<`, `>`, `&` as `\\u003c`…, so such a label from a reference never matches)."""
    op = cond.op if cond.op.positive else cond.op.negated
    left = _operand(cond.left, render)
    (right_operand,) = cond.right
    if cond.is_membership and isinstance(right_operand, ir.Literal):
        label = json.dumps(syntax.scalar(right_operand.value), ensure_ascii=False)
        right = syntax.expr_literal(label)
    elif cond.is_membership:
        right = f"toJSON({_operand(right_operand, render)})"
    else:
        right = _operand(right_operand, render)
    text = f"{left} {_STRING_TESTS[op]} {right}"
    return text if cond.op.positive else f"not ({text})"


def _operand(operand: ir.Operand, render: Render) -> str:
    if isinstance(operand, ir.Literal):
        return syntax.expr_literal(syntax.scalar(operand.value))
    return render(operand)
