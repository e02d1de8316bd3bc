"""Argo's own syntax, and only here: `{{…}}` tags, expr-lang expressions and literals.

Kept in tiny helpers (as kubeflow's argocompiler does) so no other module spells a tag.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

# `pipeline.status` in the exit handler. Argo's `workflow.status` is Succeeded, Failed or Error (a
# pod the cluster could not run); the spec promises Succeeded or Failed, so an expression tag folds
# Error into Failed. Argo sets `workflow.status` before it runs onExit and resolves expression tags
# in a DAG task's arguments and `when` (as in its e2e test `workflow-hook-parameter.yaml`).
PIPELINE_STATUS = '{{=workflow.status == "Succeeded" ? "Succeeded" : "Failed"}}'
# The same inside another expression tag (a `when`): tags do not nest.
EXPR_PIPELINE_STATUS = "(workflow.status == 'Succeeded' ? 'Succeeded' : 'Failed')"
ITEM = "{{item}}"

# Roots of every variable Argo substitutes (util/variables/keys, common.GlobalVarValidWorkflowVariablePrefix).
_ARGO_ROOTS = frozenset({
    "workflow", "inputs", "outputs", "tasks", "steps", "item", "pod", "node", "retries", "lastRetry",
    "cronworkflow", "status", "exitCode", "duration", "resourcesDuration",
})
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def tag(variable: str) -> str:
    return "{{" + variable + "}}"


def workflow_param(name: str) -> str:
    return tag(f"workflow.parameters.{name}")


def task_output(task: str, result: str) -> str:
    return tag(f"tasks.{task}.outputs.parameters.{result}")


def task_outputs(task: str) -> str:
    """A loop task's outputs: a JSON list of one map of output strings per instance."""
    return tag(f"tasks.{task}.outputs.parameters")


def task_artifact(task: str, artifact: str) -> str:
    return tag(f"tasks.{task}.outputs.artifacts.{artifact}")


def global_artifact(name: str) -> str:
    """An artifact a main task exported (`globalName`), in the exit handler."""
    return tag(f"workflow.outputs.artifacts.{name}")


def input_artifact(name: str) -> str:
    return tag(f"inputs.artifacts.{name}")


INSTANCES = "shipspec-instances"
"""The matrix wrapper's output that holds `task_outputs` (a name no result can clash with there)."""


def global_output(name: str) -> str:
    """A main task's exported result in the exit handler, as a DAG task's argument: an expression
    tag, not `{{workflow.outputs.parameters.<name>}}`: a task that was skipped, or did not run or
    finish, exported nothing, and Argo writes an unresolved simple tag back as is (only `tasks.`
    and `steps.` tags must resolve, workflow/controller/dag.go `resolveDependencyReferences`), so
    the pod would receive the tag's own text. The expression yields `""` then (`expr_global_output`),
    as a skipped producer does in the main DAG and on GitHub; Argo resolves it in the same pass and
    with the same variables as the task's `when` (util/template `expressionReplaceStrict`, whose
    missing-variable check honours `?.` and `??`)."""
    return expression_tag(_global_output_or_empty(name))


def input_param(name: str) -> str:
    return tag(f"inputs.parameters.{name}")


def item(axis: str | None) -> str:
    """`{{item}}` for a one-axis matrix (plain items), `{{item.axis}}` for objects."""
    return ITEM if axis is None else tag(f"item.{axis}")


def run_field(field: str) -> str:
    return tag(f"workflow.{field}")


# --- expr (valueFrom.expression): strings and map access in expr-lang syntax -------------------


def expr_string(text: str) -> str:
    """An expr-lang string literal: JSON's escapes are a subset of expr's."""
    return json.dumps(text, ensure_ascii=False)


def expr_task_output(task: str, result: str) -> str:
    return f"tasks[{expr_string(task)}].outputs.parameters[{expr_string(result)}]"


def expr_input(name: str) -> str:
    return f"inputs.parameters[{expr_string(name)}]"


# --- expression tags (`{{=…}}`): `when` -------------------------------------------------------
#
# Argo evaluates an expression tag with expr-lang over its variables as *values* (util/template
# expression_template.go: `expr.Run(program, env)`, env = the dotted variable names expanded into
# nested maps, util/expand), so a value is never parsed as expression text. Before that, the tag
# is found by fasttemplate in the JSON text of the task (first `}}` ends it) and JSON-unescaped
# after util/json.Fix has turned `\u003c`, `\u003e`, `\u0026` into `<`, `>`, `&`. Literals are
# written so that neither step can change them (`expr_literal`).

_EXPR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# expr-lang's word operators and literals: written as `['in']` rather than `.in`, to be safe
_EXPR_WORDS = frozenset({
    "in", "not", "and", "or", "matches", "contains", "startsWith", "endsWith", "let", "if", "else",
    "nil", "true", "false",
})
# `\` as `\x5c`: a `\` followed by `u003c` would be undone by json.Fix; braces as `\x7b`/`\x7d`:
# `}}` would end the tag, and no `{{` of user text reaches Argo.
_EXPR_ESCAPES = {"\\": r"\x5c", "'": r"\'", "{": r"\x7b", "}": r"\x7d"}


def expression_tag(expression: str) -> str:
    """`{{=expression}}`: Argo reads a tag as an expression only when `=` follows `{{` at once."""
    return "{{=" + expression + "}}"


def expr_literal(text: str) -> str:
    """A single-quoted expr-lang string literal that survives Argo's tag handling unchanged:
    `\\`, `'`, `{`, `}` and every non-printable character (expr-lang would read a raw CR as LF)
    are escapes, so the text holds no `}}`, no `\\u` and no line break. The escapes are Go's
    `\\xhh`, `\\uhhhh`, `\\Uhhhhhhhh` (expr-lang parser/lexer/utils.go `unescapeChar`)."""
    out = []
    for ch in text:
        if ch in _EXPR_ESCAPES:
            out.append(_EXPR_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "'" + "".join(out) + "'"


def expr_member(base: str, name: str, *, optional: bool = False) -> str:
    """`base.name`, or `base['name']` for a name expr-lang would not read as one (`my-param`), as
    Argo's docs say for hyphenated names (docs/variables.md, Expression). `optional`: `?.`, nil
    instead of an error when `base` is nil."""
    dot = "?." if optional else "."
    if _EXPR_NAME.fullmatch(name) and name not in _EXPR_WORDS:
        return f"{base}{dot}{name}"
    return f"{base}{dot if optional else ''}[{expr_literal(name)}]"


def expr_param(name: str) -> str:
    return expr_member("workflow.parameters", name)


def expr_task_result(task: str, result: str) -> str:
    return expr_member(expr_member("tasks", task) + ".outputs.parameters", result)


def expr_collected(task: str, result: str) -> str:
    """The JSON list of one result's strings, from the wrapper's list of the instances' outputs:
    expr-lang's `fromJSON` (as Argo's e2e test steps-when-expr-filter.yaml uses it) and `map`, then
    sprig's `toRawJson` (sprig v3 GenericFuncMap, which Argo binds as `sprig`), compact and without
    the HTML escaping (`\u003c`) of Argo's `toJson` (docs/variables.md, "Expression"). Go's encoder
    writes invalid UTF-8 as U+FFFD."""
    instances = expr_task_result(task, INSTANCES)
    return f"sprig.toRawJson(map(fromJSON({instances}), {expr_member('#', result)}))"


def kubelet_safe_input(name: str) -> str:
    """An input's value for a container's env, command or args, with each `$` doubled: the kubelet
    expands `$(VAR)` and turns `$$` into `$` in those fields after Argo has put the value in (the
    Kubernetes API's EnvVar and Container docs), so a value `pa$$word` would arrive as `pa$word`
    and `$(TOKEN)` as another env var's value. Doubled, it arrives as it was, as on GitHub.
    sprig's `replace old new src` (Argo binds sprig in expressions: docs/variables.md)."""
    dollar = expr_literal("$")
    return expression_tag(f"sprig.replace({dollar}, {expr_literal('$$')}, {expr_input_param(name)})")


def expr_input_param(name: str) -> str:
    return expr_member("inputs.parameters", name)


def expr_global_output(name: str) -> str:
    """A global output in the exit handler, `""` when it was never exported: a skipped task has no
    outputs to export (its `default` only reaches tasks in its own DAG), nor has a task that did
    not run. Argo's env then has no such key, and `?.`/`??` turn the missing map entries into `""`
    rather than an error that would leave the tag unresolved."""
    return f"({_global_output_or_empty(name)})"


def _global_output_or_empty(name: str) -> str:
    outputs = expr_member(expr_member("workflow", "outputs"), "parameters", optional=True)
    return f"{expr_member(outputs, name, optional=True)} ?? {expr_literal('')}"


def expr_item(axis: str | None) -> str:
    """`item` for plain items; `item.axis` for objects (operator.go `processItem` binds `item.<key>`)."""
    return "item" if axis is None else expr_member("item", axis)


def expr_run_field(field: str) -> str:
    return expr_member("workflow", field)


# --- literal text ---------------------------------------------------------------------------------


def unsafe_brace(text: str) -> str | None:
    """Why Argo would not pass `text` through unchanged, or None when it would.

    Argo substitutes `{{…}}` tags in a template several times (util/template: fasttemplate, once
    for globals, once for inputs, once more on the pod) and has no escape that survives every pass:
    `{{='{{'}}` yields `{{`, which the next pass reads again. A tag it cannot resolve is written back
    as is, so literal `{{…}}` survives when (1) every `{{` is closed by `}}` (else the template does
    not parse), (2) it is not an expression (`{{=…}}`), and (3) it does not name one of Argo's
    variables (`{{workflow.name}}`). Go templates such as `{{.Id}}` or `{{ end }}` pass.
    """
    return next((why for _, _, why in unsafe_braces(text)), None)


def unsafe_braces(text: str) -> Iterator[tuple[int, int, str]]:
    """Every tag of `text` that Argo would substitute or reject (see `unsafe_brace`), as
    `(start, end, why)`: the tag is `text[start:end]`. Nothing after a `{{` that is never closed."""
    start = text.find("{{")
    while start != -1:
        end = text.find("}}", start + 2)
        if end == -1:
            yield start, start + 2, "'{{' without a closing '}}' makes Argo reject the template"
            return
        body = text[start + 2 : end]
        inner = body.rfind("{{")
        candidates = [(start, body.strip())] + ([(start + 2 + inner, body[inner + 2 :].strip())] if inner >= 0 else [])
        for at, candidate in candidates:
            why = _argo_tag(candidate, body)
            if why:
                yield at, end + 2, why
                break
        start = text.find("{{", end + 2)


def _argo_tag(candidate: str, body: str) -> str | None:
    if candidate.startswith("="):
        return f"'{{{{{body}}}}}' is an Argo expression"
    root = _IDENT.match(candidate)
    if root and root.group() in _ARGO_ROOTS:
        return f"'{{{{{body}}}}}' names the Argo variable '{root.group()}'"
    return None


def defuse_braces(text: str, inert: Callable[[int], bool]) -> tuple[str, list[int]]:
    """`text` with each `{{` that starts where `inert` says the text never runs (a shell comment)
    written `{ {`: Argo then sees no tag there, so it neither substitutes nor rejects anything, and
    the comment means the same to its reader. Also the offsets (in the result) of the inserted
    spaces, to map a position back (`original_offset`)."""
    out: list[str] = []
    inserted: list[int] = []
    for i, ch in enumerate(text):
        out.append(ch)
        if ch == "{" and text.startswith("{", i + 1) and inert(i):
            inserted.append(i + 1 + len(inserted))
            out.append(" ")
    return "".join(out), inserted


def original_offset(offset: int, inserted: list[int]) -> int:
    """An offset of `defuse_braces`' result as an offset of the text it was given."""
    return offset - sum(1 for at in inserted if at < offset)


# --- values -------------------------------------------------------------------------------------


def scalar(value: str | bool | int) -> str:
    """Text form of a spec scalar, as every engine compares it: `true`, `false`, `42`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


