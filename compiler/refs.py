"""Resolving `~{ … }` references and `when` conditions against what the pipeline declares.

The scope knows every param, task, result and matrix axis, so each reference becomes a typed IR
ref, or a positioned diagnostic (unknown name with a "did you mean", a result that cannot exist
yet, a type that does not fit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import expr, ir, rules
from .diagnostics import Diagnostic, Rule, Span, error


@dataclass(frozen=True, slots=True)
class TaskInfo:
    name: str
    results: tuple[str, ...]
    is_matrix: bool
    is_finally: bool


@dataclass(slots=True)
class Scope:
    """Everything a reference can name; `task` and `axes` describe the task being lowered."""

    params: dict[str, ir.ParamType]
    tasks: dict[str, TaskInfo]
    task: TaskInfo | None = None
    axes: tuple[str, ...] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(self, rule: Rule, span: Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(error(rule, span, message, hint))


SpanAt = Callable[[int, int], Span]
"""Maps offsets [start, end) in the expression's string to a span in the file."""

_RUN_FIELDS = {f.value: f for f in ir.RunField}


def resolve(scope: Scope, raw: expr.RawRef, span: Span) -> ir.Ref | None:
    """The IR ref for a reference as written, or None after reporting why it has none."""
    root, rest = raw.path[0], raw.path[1:]
    if root == "params" and len(rest) == 1:
        return _param(scope, rest[0], span)
    if root == "tasks" and len(rest) == 3 and rest[1] in ("results", "outputs"):  # outputs: a native unit's
        return _result(scope, rest[0], rest[2], span)
    if root == "tasks" and len(rest) == 2 and rest[1] == "status":
        return _task_status(scope, rest[0], span)
    if root == "matrix" and len(rest) == 1:
        return _matrix(scope, rest[0], span)
    if root == "run" and len(rest) == 1 and rest[0] in _RUN_FIELDS:
        return ir.RunRef(_RUN_FIELDS[rest[0]], span)
    if root == "run" and len(rest) == 1:
        scope.report(rules.UNKNOWN_REFERENCE, span, f"the run has no field '{rest[0]}'",
                     did_you_mean(rest[0], _RUN_FIELDS) or "fields: " + ", ".join(_RUN_FIELDS))
        return None
    if root == "sidecars":
        scope.report(rules.UNKNOWN_REFERENCE, span, f"'{raw.text}' can only be used in a `run` script",
                     "read the host in the script, e.g. export DOCKER_HOST=\"tcp://~{ sidecars.dind.host }:2375\"")
        return None
    if raw.path == ("pipeline", "status"):
        if scope.task is not None and not scope.task.is_finally:
            scope.report(rules.STATUS_OUTSIDE_FINALLY, span,
                         "pipeline.status is only known to finally tasks",
                         "move this task under `finally:`")
            return None
        return ir.StatusRef(span)
    scope.report(rules.UNKNOWN_REFERENCE, span, f"'{raw.text}' is not a reference",
                 "references are params.NAME, tasks.NAME.results.NAME, matrix.NAME, "
                 "run.FIELD (id, sha, ref_name, event…), pipeline.status and sidecars.NAME.host")
    return None


def _param(scope: Scope, name: str, span: Span) -> ir.Ref | None:
    if name not in scope.params:
        scope.report(rules.UNKNOWN_REFERENCE, span, f"param '{name}' is not defined",
                     did_you_mean(name, scope.params) or "declare it under spec.params")
        return None
    return ir.ParamRef(name, scope.params[name], span)


def _result(scope: Scope, task: str, result: str, span: Span) -> ir.Ref | None:
    info = scope.tasks.get(task)
    if info is None:
        scope.report(rules.UNKNOWN_REFERENCE, span, f"task '{task}' is not defined",
                     did_you_mean(task, scope.tasks))
        return None
    if result not in info.results:
        scope.report(rules.UNKNOWN_REFERENCE, span, f"task '{task}' has no result '{result}'",
                     did_you_mean(result, info.results) or f"declare it in the `results` of '{task}'")
        return None
    current = scope.task
    if current is not None and task == current.name:
        scope.report(rules.RESULT_NOT_UPSTREAM, span,
                     f"task '{task}' reads its own result '{result}', which does not exist before it runs",
                     "read the file $SHIPSPEC_RESULTS/" + result + " inside the script instead")
        return None
    if info.is_finally and current is not None and not current.is_finally:
        scope.report(rules.RESULT_NOT_UPSTREAM, span,
                     f"finally task '{task}' runs after every main task, so '{current.name}' cannot read its result",
                     "read results of main tasks only")
        return None
    if info.is_finally and (current is None or current.is_finally):
        scope.report(rules.RESULT_NOT_UPSTREAM, span,
                     f"result '{result}' of finally task '{task}' cannot be read: finally tasks run in "
                     "parallel, after every other task", "produce the value in a main task")
        return None
    return ir.ResultRef(task, result, info.is_matrix, span)


def _task_status(scope: Scope, task: str, span: Span) -> ir.Ref | None:
    info = scope.tasks.get(task)
    if info is None:
        scope.report(rules.UNKNOWN_REFERENCE, span, f"task '{task}' is not defined", did_you_mean(task, scope.tasks))
        return None
    if scope.task is not None and not scope.task.is_finally:
        scope.report(rules.STATUS_OUTSIDE_FINALLY, span, f"tasks.{task}.status is only known to finally tasks",
                     "move this task under `finally:`")
        return None
    if info.is_finally:
        scope.report(rules.RESULT_NOT_UPSTREAM, span, f"'{task}' is a finally task: finally tasks run together, "
                     "so none knows another's status", "read the status of a main task")
        return None
    return ir.StatusRef(span, task)


def _matrix(scope: Scope, axis: str, span: Span) -> ir.Ref | None:
    if axis not in scope.axes:
        where = "this task has no matrix" if not scope.axes else f"this task's matrix has no axis '{axis}'"
        scope.report(rules.UNKNOWN_REFERENCE, span, f"matrix.{axis}: {where}",
                     did_you_mean(axis, scope.axes))
        return None
    return ir.MatrixRef(axis, span)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    import difflib  # only when there is something to suggest: 13 ms of import

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


# --- conditions -----------------------------------------------------------------------------

_TEXT_REFS = (ir.ResultRef, ir.RunRef, ir.StatusRef, ir.MatrixRef)


def lower_condition(scope: Scope, text: str, at: SpanAt) -> ir.Condition | None:
    """Parse, resolve and type-check a `when`; return it in negation normal form."""
    try:
        tree = expr.parse_condition(text)
    except expr.ExprError as exc:
        scope.report(rules.EXPRESSION_SYNTAX, at(exc.start, exc.end), exc.message, exc.hint)
        return None
    before = len(scope.diagnostics)
    cond = _lower(scope, tree, at, negate=False)
    return cond if len(scope.diagnostics) == before else None


def _lower(scope: Scope, node: expr.Cond, at: SpanAt, negate: bool) -> ir.Condition | None:
    if isinstance(node, expr.Not):
        return _lower(scope, node.item, at, not negate)
    if isinstance(node, expr.BoolOp):
        items = tuple(c for c in (_lower(scope, i, at, negate) for i in node.items) if c)
        is_and = (node.op == "&&") != negate
        return ir.All(items, at(node.start, node.end)) if is_and else ir.Any(items, at(node.start, node.end))
    if isinstance(node, expr.Cmp):
        return _compare(scope, node, at, negate)
    if isinstance(node, expr.Lit):
        constant = str(node.value).lower() if isinstance(node.value, bool) else repr(node.value)
        scope.report(rules.TYPE_MISMATCH, at(node.start, node.end),
                     f"the condition is the constant {constant}", "compare a reference with a value")
        return None
    ref = resolve(scope, node, at(node.start, node.end))
    if ref is None:
        return None
    if not (isinstance(ref, ir.ParamRef) and ref.type is ir.ParamType.BOOL):
        scope.report(rules.TYPE_MISMATCH, ref.span, f"'{node.text}' is not a bool param, so it cannot "
                     "stand alone as a condition", f"compare it: {node.text} == 'value'")
        return None
    return ir.Compare(ref, ir.CompareOp.EQ, (ir.Literal(not negate),), ref.span)


_OPS = {"==": ir.CompareOp.EQ, "!=": ir.CompareOp.NE, "in": ir.CompareOp.IN, "notin": ir.CompareOp.NOT_IN,
        "startsWith": ir.CompareOp.STARTS_WITH, "endsWith": ir.CompareOp.ENDS_WITH,
        "contains": ir.CompareOp.CONTAINS}


def _compare(scope: Scope, node: expr.Cmp, at: SpanAt, negate: bool) -> ir.Condition | None:
    left = _operand(scope, node.left, at)
    found = [_operand(scope, r, at) for r in node.right]
    right = tuple(r for r in found if r is not None)
    if left is None or len(right) < len(found):
        return None
    operands = [left, *right]
    kinds = {k for k in (_kind(o) for o in operands) if k}
    if len(kinds) > 1:
        scope.report(rules.TYPE_MISMATCH, at(node.start, node.end),
                     f"compares {' and '.join(sorted(kinds))} values", _compare_hint(kinds))
        return None
    if isinstance(left, ir.StatusRef) and not _status_words_ok(scope, left, right, at(node.start, node.end)):
        return None
    op = _OPS[node.op]
    if not op.is_string_test and any(ir.is_list_field(o) for o in operands):
        scope.report(rules.TYPE_MISMATCH, at(node.start, node.end), "run.pr_labels is a list of names, "
                     "so it is not compared as text", "test one label: contains(run.pr_labels, 'deploy')")
        return None
    if op.is_string_test and not _string_test_ok(scope, node.op, operands, at(node.start, node.end)):
        return None
    return ir.Compare(left, op.negated if negate else op, right, at(node.start, node.end))


def _string_test_ok(scope: Scope, name: str, operands: list[ir.Operand], span: Span) -> bool:
    """startsWith/endsWith/contains take text; only `contains` takes the list field pr_labels, first."""
    kinds = {k for k in (_kind(o) for o in operands) if k not in (None, "string")}
    if kinds:
        scope.report(rules.TYPE_MISMATCH, span, f"{name}() tests text, not {' or '.join(sorted(kinds))} values",
                     "compare bool and int params with == instead")
        return False
    lists = [o for o in operands if ir.is_list_field(o)]
    if lists and (name != "contains" or operands[1] in lists):
        scope.report(rules.TYPE_MISMATCH, span, "run.pr_labels is a list: only contains(run.pr_labels, 'name') "
                     "tests it", "write contains(run.pr_labels, 'label')")
        return False
    return True


def _operand(scope: Scope, node: expr.RawRef | expr.Lit, at: SpanAt) -> ir.Operand | None:
    if isinstance(node, expr.Lit):
        return ir.Literal(node.value)
    ref = resolve(scope, node, at(node.start, node.end))
    if isinstance(ref, ir.ParamRef) and ref.type is ir.ParamType.ARRAY:
        scope.report(rules.TYPE_MISMATCH, ref.span, f"param '{ref.name}' is an array; conditions compare "
                     "single values", "use it as a matrix axis instead")
        return None
    if isinstance(ref, ir.ResultRef) and ref.as_list:
        scope.report(rules.TYPE_MISMATCH, ref.span, f"'{ref.task}' runs as a matrix, so its result "
                     f"'{ref.result}' is a list", "read the list in a task's env instead")
        return None
    return ref


def _kind(operand: ir.Operand) -> str | None:
    """The type of an operand: 'string', 'bool' or 'int'; None for matrix values (any)."""
    if isinstance(operand, ir.Literal):
        return {bool: "bool", int: "int", str: "string"}[type(operand.value)]
    if isinstance(operand, ir.ParamRef):
        return operand.type.value
    if isinstance(operand, ir.MatrixRef):
        return None
    return "string"


STATUS_WORDS = ("Succeeded", "Failed")
TASK_STATUS_WORDS = ("Succeeded", "Failed", "Skipped")


def _status_words_ok(scope: Scope, left: ir.StatusRef, right: tuple[ir.Operand, ...], span: Span) -> bool:
    """pipeline.status is `Succeeded` or `Failed` on every engine, a task's may also be `Skipped`;
    any other word never matches."""
    words = STATUS_WORDS if left.task is None else TASK_STATUS_WORDS
    for operand in right:
        if isinstance(operand, ir.Literal) and operand.value not in words:
            scope.report(rules.TYPE_MISMATCH, span, f"{ir.ref_text(left)} is never {operand.value!r}; "
                         f"it is {' or '.join(repr(w) for w in words)}",
                         did_you_mean(str(operand.value), words) or f"compare with {', '.join(words)}")
            return False
    return True


def _compare_hint(kinds: set[str]) -> str:
    if "bool" in kinds:
        return "compare a bool param with true or false, and text with a quoted string"
    if "int" in kinds:
        return "compare an int param with a number (== 3), and text with a quoted string (== '3')"
    return "compare text with a quoted string"
