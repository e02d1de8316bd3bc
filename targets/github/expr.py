"""GitHub Actions expression syntax: the only module that writes `${{ … }}`.

Rules it keeps (docs.github.com, "Evaluate expressions in workflows and actions"):
- Every string field of a workflow that takes a context is a template: a literal `${{` in our text
  would start an expression, so literal text goes through `escape`, which turns it into the
  expression `${{ '${{' }}` whose value is the two characters again. `run:` is such a field too.
- Values are typed: `inputs.flag` of a boolean input is `true`, not `'true'`, and `==` between a
  boolean and a string converts both to numbers (so `true == 'true'` is false). Conditions therefore
  compare text: typed operands go through `format('{0}', x)` and literals are written as strings.
  String `==` on GitHub ignores case; no function compares case-sensitively.
- Property access `a.b-c` is allowed for names matching `[A-Za-z_][A-Za-z0-9_-]*` (so job ids with
  `-` need no brackets); anything else uses `a['…']`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping

from ...compiler import ir

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")

_FAILED = "contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled')"
STATUS = f"(({_FAILED}) && 'Failed' || 'Succeeded')"
"""`pipeline.status` in a finally job, whose `needs` are all main jobs: skipped counts as success."""


@dataclasses.dataclass(frozen=True, slots=True)
class Scope:
    """What a reference needs besides itself: the pipeline's name (run.name), and the params whose
    input may be missing, with their defaults. A run started by a push, a pull request or a schedule
    has no inputs (`inputs.x` is null there; only workflow_dispatch and workflow_call fill them, with
    their defaults), so there a param reads its spec default (`param`)."""

    pipeline: str
    fallbacks: Mapping[str, ir.Param] = dataclasses.field(default_factory=dict)


def param(name: str, fallback: ir.Param | None) -> str:
    """`inputs.<name>`, or its default when the run has no inputs, right for falsy values too.

    A falsy default ('', false, 0) cannot hide a given value, so `inputs.x || default` is enough.
    Otherwise `inputs.x || 'd'` would replace a given '' or false by the default, and `inputs.x !=
    null` cannot tell them from null either: `==` between a string or boolean and null compares
    numbers, and '', false and null are all 0 (@actions/expressions). `toJSON` can: it is `null`
    for null only (a string 'null' is `"null"`), and never empty, so `&&`/`||` choose by it alone;
    `fromJSON` gives the typed value back (a boolean stays a boolean, an array param its JSON text).
    Checked with @actions/expressions for a dispatch, a call and a push (tests/test_target_github.py).
    """
    given = prop("inputs", name)
    if fallback is None or fallback.default is None:
        return given
    default = fallback.default
    value: object = json.dumps(list(default), separators=(",", ":")) if isinstance(default, tuple) else default
    literal = json.dumps(value)
    if not value:
        return f"({given} || {_literal(value)})"
    return f"fromJSON(toJSON({given}) != 'null' && toJSON({given}) || {quote(literal)})"


def _literal(value: object) -> str:
    """A falsy default as an expression literal of its type."""
    if isinstance(value, bool):
        return "false"
    return quote(value) if isinstance(value, str) else str(value)


def is_identifier(name: str) -> bool:
    """Can `name` be a job id, an input or an output id (and use dot access)?"""
    return bool(_IDENT.match(name))


def prop(base: str, name: str) -> str:
    """`base.name`, or `base['name']` when the name is not an identifier."""
    return f"{base}.{name}" if is_identifier(name) else f"{base}[{quote(name)}]"


def quote(text: str) -> str:
    """A string literal inside an expression: single quotes, doubled to escape."""
    return "'" + text.replace("'", "''") + "'"


def wrap(expression: str) -> str:
    return "${{ " + expression + " }}"


def escape(text: str) -> str:
    """Literal text for a templated field: each `${{` becomes an expression that yields it."""
    return text.replace("${{", wrap(quote("${{")))


def ref(r: ir.Ref, scope: Scope, results_from: str = "needs") -> str:
    """The expression for a reference; job results come from `needs` (jobs) or `jobs` (workflow outputs)."""
    if isinstance(r, ir.ParamRef):
        return param(r.name, scope.fallbacks.get(r.name))
    if isinstance(r, ir.ResultRef):
        return prop(prop(results_from, r.task) + ".outputs", r.result)
    if isinstance(r, ir.MatrixRef):
        return prop("matrix", r.axis)
    if isinstance(r, ir.RunRef):
        return _run(r.kind, scope)
    return STATUS if r.task is None else task_status(r.task)


def task_status(task: str) -> str:
    """`tasks.T.status` in a finally job (whose `needs` hold every main job): Succeeded, Skipped
    (its condition was false, or it never started because a task before it failed), else Failed
    (`failure`, or `cancelled`: a job cancelled while it ran, or never started because the run was
    cancelled after a failure elsewhere; GitHub's results do not tell those apart)."""
    result = prop(prop("needs", task), "result")
    return f"({result} == 'success' && 'Succeeded' || {result} == 'skipped' && 'Skipped' || 'Failed')"


RUN_ATTEMPT = "format('{0}-{1}', github.run_id, github.run_attempt)"
"""This attempt of this run: a re-run keeps `github.run_id` and counts `github.run_attempt` up
(docs.github.com, "Contexts reference", `github` context), so the id alone would repeat."""

SHORT_SHA_STEP = "run-context"
"""The id of the step that computes `run.short_sha` (steps.py): expressions have no substring function."""

SHORT_SHA = f"steps.{SHORT_SHA_STEP}.outputs.short-sha"
"""`run.short_sha` where a step's env reads it; a job's `if`, a workflow output and the concurrency
group come before any step, so there it is refused (checks.py)."""

RUN_SHA = "github.event.pull_request.head.sha || github.sha"
"""`run.sha`: a pull request's head commit, else the commit GitHub's event names."""

_RUN: dict[ir.RunField, str] = {
    ir.RunField.ATTEMPT: "github.run_attempt",
    ir.RunField.URL: "format('{0}/{1}/actions/runs/{2}/attempts/{3}', github.server_url, github.repository, "
                     "github.run_id, github.run_attempt)",
    ir.RunField.NAMESPACE: "''",
    ir.RunField.EVENT: "github.event_name == 'workflow_dispatch' && 'manual' || github.event_name",
    ir.RunField.REF: "github.event.pull_request.number && format('refs/pull/{0}/head', "
                     "github.event.pull_request.number) || github.ref",
    ir.RunField.REF_TYPE: "github.ref_type",
    ir.RunField.REF_NAME: "github.head_ref || github.ref_name",
    ir.RunField.BRANCH: "github.head_ref || (github.ref_type == 'branch' && github.ref_name || '')",
    ir.RunField.SHA: RUN_SHA,
    ir.RunField.SHORT_SHA: SHORT_SHA,
    ir.RunField.REPOSITORY: "github.repository",
    ir.RunField.OWNER: "github.repository_owner",
    ir.RunField.CLONE_URL: "format('{0}/{1}.git', github.server_url, github.repository)",
    ir.RunField.ACTOR: "github.actor",
    ir.RunField.PR_NUMBER: "format('{0}', github.event.pull_request.number || '')",
    ir.RunField.PR_BASE_REF: "github.base_ref",
    ir.RunField.PR_HEAD_REF: "github.head_ref",
    ir.RunField.PR_LABELS: "toJSON(github.event.pull_request.labels.*.name)",
}
"""The run's context from GitHub's `github` context (actions/runner src/Runner.Worker/GitHubContext.cs
lists its keys; docs.github.com "Contexts reference"). Only in expressions, never in `run:` text.

- event: GitHub's event name, `workflow_dispatch` reported as `manual` (push, pull_request,
  schedule… as GitHub names them). A called workflow (`workflow_call`) has its caller's `github`
  context (docs.github.com "Reuse workflows"): the caller's event, `manual` when the caller was
  started by hand.
- ref_name and branch: on a pull request its head branch (`github.head_ref`; `github.ref_name` is
  `7/merge` there), else `github.ref_name`; branch is '' for a tag.
- ref and sha: on a pull request the head (`refs/pull/N/head`, the head commit), as the Kubernetes
  engines' triggers give them (GitHub's own `github.sha` is the merge commit it computes, which a
  webhook payload may not hold yet).
- url: this attempt's page, `<server>/<owner>/<repo>/actions/runs/<id>/attempts/<n>` (the form
  docker/actions-toolkit#346 writes for provenance; the run's URL alone shows its latest attempt).
- pr_number: text, '' when the run is no pull request (`format` of the event's number).
- pr_base_ref and pr_head_ref: `github.base_ref` and `github.head_ref`, '' when not a pull request.
- namespace: '' (GitHub has no namespace).
- pr_labels: `toJSON` of the label names, which GitHub indents (`[\n  "bug",\n  "ok"\n]`, `[]` when
  not a pull request): the same JSON as `["bug","ok"]` to a JSON parser, not the same text.
  `contains(run.pr_labels, x)` in a condition tests the names themselves (`_compare`).
"""

_COMPOUND = frozenset({ir.RunField.EVENT, ir.RunField.REF, ir.RunField.REF_NAME, ir.RunField.BRANCH,
                       ir.RunField.SHA})
"""Fields whose expression has `&&` or `||`: in parentheses as an operand of `==`, which binds tighter."""


def _run(field: ir.RunField, scope: Scope) -> str:
    """Run metadata: ID and NAME are unique per attempt, as an Argo workflow's uid and name are
    (a re-run on Argo or Tekton is a new object); NAME is the pipeline name and that id."""
    if field is ir.RunField.ID:
        return RUN_ATTEMPT
    if field is ir.RunField.NAME:
        return f"format('{{0}}-{{1}}-{{2}}', {quote(scope.pipeline)}, github.run_id, github.run_attempt)"
    return _RUN[field]


def template(t: ir.Template, scope: Scope, results_from: str = "needs") -> str:
    """A templated string field: escaped literal text and `${{ ref }}` pieces."""
    out: list[str] = []
    text = ""
    for part in t.parts:
        if isinstance(part, str):
            text += part  # join neighbours first: `$` + `{{` must be escaped too
            continue
        if isinstance(part, ir.RunRef) and part.kind is ir.RunField.NAMESPACE:
            continue  # '' on GitHub: no `${{ '' }}` in the text
        out.append(escape(text) + wrap(ref(part, scope, results_from)))
        text = ""
    return "".join(out) + escape(text)


def _operand(o: ir.Operand, scope: Scope) -> str:
    """An operand as a string-valued expression, so comparisons are on text as the IR requires."""
    if isinstance(o, ir.Literal):
        if isinstance(o.value, bool):
            return quote("true" if o.value else "false")
        return quote(str(o.value))
    expression = ref(o, scope)
    if isinstance(o, ir.RunRef) and o.kind in _COMPOUND:
        return f"({expression})"
    typed = isinstance(o, ir.MatrixRef) or (
        isinstance(o, ir.ParamRef) and o.type in (ir.ParamType.BOOL, ir.ParamType.INT))
    return f"format('{{0}}', {expression})" if typed else expression


def condition(c: ir.Condition, scope: Scope) -> str:
    """A `when` tree as one expression, outermost level bare; `==` binds tighter than `&&`, `||`."""
    if isinstance(c, ir.Compare):
        return _compare(c, scope)
    joiner = " && " if isinstance(c, ir.All) else " || "
    return joiner.join(group(i, scope) for i in c.items)


def group(c: ir.Condition, scope: Scope) -> str:
    """`condition`, in parentheses unless it is one comparison."""
    text = condition(c, scope)
    single = isinstance(c, ir.Compare) and len(c.right) == 1
    return text if single else f"({text})"


_STRING_TESTS = {ir.CompareOp.STARTS_WITH: "startsWith", ir.CompareOp.ENDS_WITH: "endsWith",
                 ir.CompareOp.CONTAINS: "contains"}
"""GitHub's own string functions (docs.github.com "Evaluate expressions": they ignore case, as `==` does)."""

LABELS = "github.event.pull_request.labels.*.name"
"""The pull request's label names as an array (an object filter): `contains` of an array tests membership."""


def _compare(c: ir.Compare, scope: Scope) -> str:
    rights = [_operand(r, scope) for r in c.right]
    if c.op.is_string_test:
        # `contains(run.pr_labels, x)` is membership: `contains` of the label array, whose items it
        # compares whole (`==`), not a substring of the labels' JSON text.
        left = LABELS if c.is_membership else _operand(c.left, scope)
        test = f"{_STRING_TESTS[c.op if c.op.positive else c.op.negated]}({left}, {rights[0]})"
        return test if c.op.positive else "!" + test
    left = _operand(c.left, scope)
    if c.op is ir.CompareOp.EQ:
        return f"{left} == {rights[0]}"
    if c.op is ir.CompareOp.NE:
        return f"{left} != {rights[0]}"
    if c.op is ir.CompareOp.IN:
        return " || ".join(f"{left} == {r}" for r in rights)
    return " && ".join(f"{left} != {r}" for r in rights)
