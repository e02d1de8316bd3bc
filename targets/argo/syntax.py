"""Argo's own syntax, and only here: `{{…}}` tags, govaluate literals, durations, k8s names.

Kept in tiny helpers (as kubeflow's argocompiler does) so no other module spells a tag.
"""

from __future__ import annotations

import json
import re

# `pipeline.status` in the exit handler. Argo's `workflow.status` is Succeeded, Failed or Error (a
# pod the cluster could not run); the spec promises Succeeded or Failed, so an expression tag folds
# Error into Failed. Argo sets `workflow.status` before it runs onExit and resolves expression tags
# in a DAG task's arguments and `when` (as in its e2e test `workflow-hook-parameter.yaml`).
PIPELINE_STATUS = '{{=workflow.status == "Succeeded" ? "Succeeded" : "Failed"}}'
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


def global_output(name: str) -> str:
    return tag(f"workflow.outputs.parameters.{name}")


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


# --- govaluate (`when`) -------------------------------------------------------------------------


def govaluate_string(text: str) -> str:
    """A govaluate string literal. Its lexer ends a string at either quote and lets `\\` escape
    any character, so those three are escaped. This only protects text known at compile time:
    see `conditions.py` for values Argo splices in at run time."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')
    return f"'{escaped}'"


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
    start = text.find("{{")
    while start != -1:
        end = text.find("}}", start + 2)
        if end == -1:
            return "'{{' without a closing '}}' makes Argo reject the template"
        body = text[start + 2 : end]
        for candidate in (body.strip(), body[body.rfind("{{") + 2 :].strip() if "{{" in body else ""):
            if candidate.startswith("="):
                return f"'{{{{{body}}}}}' is an Argo expression"
            root = _IDENT.match(candidate)
            if root and root.group() in _ARGO_ROOTS:
                return f"'{{{{{body}}}}}' names the Argo variable '{root.group()}'"
        start = text.find("{{", end + 2)
    return None


# --- values -------------------------------------------------------------------------------------


def scalar(value: str | bool | int) -> str:
    """Text form of a spec scalar, as every engine compares it: `true`, `false`, `42`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


