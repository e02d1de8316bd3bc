"""What every part of the Argo backend shares: the pipeline, the names decided up front, and
the diagnostics collected on the way (one per build, never module state)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...compiler import ir, rules
from ...compiler.diagnostics import Diagnostic, Span, error, warning
from .. import kubernetes
from . import syntax

ENTRYPOINT = "main"
EXIT_HANDLER = "exit-handler"
RESULTS_VOLUME = "shipspec-results"
ARTIFACTS_VOLUME = "shipspec-artifacts"
RAN = "shipspec-ran"
"""An output of a task whose status a finally task reads: set (to its default) once its pod ran, so
the exit handler tells a task that ran from one that was skipped (result names have no such form)."""
RAN_PATH = "/tmp/shipspec/ran"  # never written: the output is its default


class Scope(enum.Enum):
    """Where a DAG task runs, which decides how it reads another task's result."""

    MAIN = "main"  # the entrypoint DAG: `{{tasks.t.outputs.parameters.r}}`
    EXIT = "exit"  # the onExit DAG: main tasks are out of scope, so results travel as global outputs
    WRAPPED = "wrapped"  # inside a matrix wrapper: results arrive as the wrapper's inputs


@dataclass
class Context:
    pipeline: ir.Pipeline
    leaf_names: dict[str, str]  # task -> its script/container template
    wrapper_names: dict[str, str]  # matrix task -> the DAG template that runs its instances (dag.py)
    collector_names: dict[str, str]  # matrix task with results -> the DAG template that lists them
    global_names: dict[tuple[str, str], str]  # (task, result) a finally task reads -> globalName
    secret_volumes: dict[str, str]  # secret -> volume name
    cache_volumes: dict[str, str]  # cache -> volume name
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def unsupported(self, span: Span, feature: str, why: str, hint: str) -> None:
        self.diagnostics.append(
            error(rules.UNSUPPORTED_ON_TARGET, span, f"{feature} is not supported on argo: {why}", hint)
        )

    def note(self, span: Span, message: str, hint: str) -> None:
        self.diagnostics.append(warning(rules.UNSUPPORTED_ON_TARGET, span, message, hint))

    def literal(self, text: str, span: Span) -> str:
        """User text as Argo must receive it; reports what Argo would rewrite."""
        why = syntax.unsafe_brace(text)
        if why:
            self._brace(span, why)
        return text

    def script(self, task: ir.Task, script: str) -> str:
        """A task's script as Argo must receive it. Argo syntax in a shell comment is no error: the
        comment never runs, so its `{{` is written `{ {` (syntax.defuse_braces), which Argo neither
        substitutes nor rejects and which changes nothing for the shell. Anywhere else each tag Argo
        would rewrite is reported at its own place in the spec (`Task.script_span`)."""
        text, inserted = syntax.defuse_braces(script, task.in_script_comment)
        for start, end, why in syntax.unsafe_braces(text):
            first, last = syntax.original_offset(start, inserted), syntax.original_offset(end, inserted)
            line_end = script.find("\n", first)
            length = min(last, line_end if line_end != -1 else last) - first
            self._brace(task.script_span(first, length), why)
        return text

    def _brace(self, span: Span, why: str) -> None:
        self.unsupported(
            span, "a literal '{{'", f"{why}, and Argo has no escape for it",
            "build the text at run time, e.g. in sh: o='{'; echo \"${o}{workflow.name}}\"",
        )


def build(pipeline: ir.Pipeline) -> Context:
    """Decide every name before emitting, so templates can refer to each other in any order."""
    taken = {ENTRYPOINT, EXIT_HANDLER}
    global_names = _finally_reads(pipeline)
    leaf_names: dict[str, str] = {}
    wrapper_names: dict[str, str] = {}
    collector_names: dict[str, str] = {}
    for task in pipeline.all_tasks:
        if task.matrix and task.results:
            collector_names[task.name] = kubernetes.unique(f"{task.name}-results", taken)
        if task.matrix and (task.results or task.matrix.max_parallel is not None):
            wrapper_names[task.name] = kubernetes.unique(f"{task.name}-matrix", taken)
        leaf_names[task.name] = kubernetes.unique(task.name, taken)
    return Context(
        pipeline, leaf_names, wrapper_names, collector_names, global_names,
        _volume_names("secret", (f.secret.secret for t in pipeline.all_tasks for f in t.secret_files)),
        _volume_names("cache", (c.cache for t in pipeline.all_tasks for c in t.caches)),
    )


def _finally_reads(pipeline: ir.Pipeline) -> dict[tuple[str, str], str]:
    """Main-task results read by finally tasks: exported as global outputs `<task>_<result>`
    (task names have no `_`, so the name is unique)."""
    reads: dict[tuple[str, str], str] = {}
    for task in pipeline.finally_tasks:
        for ref in (*task_refs(task), *(ir.condition_refs(task.when) if task.when else ()), *matrix_refs(task)):
            if isinstance(ref, ir.ResultRef):
                reads.setdefault((ref.task, ref.result), f"{ref.task}_{ref.result}")
            elif isinstance(ref, ir.StatusRef) and ref.task is not None:
                reads.setdefault((ref.task, RAN), f"{ref.task}_{RAN}")
        for art in task.consumes:  # a consumer of a checkout clones the commit it resolved
            if pipeline.checkout_of(art) is not None:
                reads.setdefault((art.producer, "sha"), f"{art.producer}_sha")
    return reads


def _volume_names(prefix: str, names: Iterable[str]) -> dict[str, str]:
    return {name: kubernetes.dns_label(prefix, name) for name in dict.fromkeys(names)}


# --- references ---------------------------------------------------------------------------------


def input_name(ref: ir.Ref) -> str:
    """The input parameter that carries `ref` into a template. Prefixes keep kinds apart, and
    task names have no `_`, so `tasks_<task>_<result>` cannot collide."""
    if isinstance(ref, ir.ParamRef):
        return f"params_{ref.name}"
    if isinstance(ref, ir.ResultRef):
        return f"tasks_{ref.task}_{ref.result}"
    if isinstance(ref, ir.MatrixRef):
        return f"matrix_{ref.axis}"
    if isinstance(ref, ir.RunRef):
        return f"run_{ref.kind.value}"
    if ref.task is not None:
        return f"tasks_{ref.task}_status"
    return "pipeline_status"


def _template_refs(template: ir.Template | ir.SecretRef) -> tuple[ir.Ref, ...]:
    return template.refs if isinstance(template, ir.Template) else ()


def checkout_ref(co: ir.Checkout) -> ir.Template:
    """The ref a checkout reports (its `ref` result): the one asked for, else the run's ref."""
    return co.ref if co.ref is not None else ir.Template((ir.RunRef(ir.RunField.REF),))


def matrix_refs(task: ir.Task) -> tuple[ir.Ref, ...]:
    """The results a dynamic matrix expands (`withParam`)."""
    if task.matrix is None:
        return ()
    return tuple(a.values for a in task.matrix.axes if isinstance(a.values, ir.ResultRef))


def task_refs(task: ir.Task) -> tuple[ir.Ref, ...]:
    """Distinct references used inside the task's pod (env, command, args, sidecars; a checkout's
    ref), in order."""
    found: list[ir.Ref] = list(checkout_ref(task.checkout).refs) if task.checkout else []
    found += [r for var in task.env for r in _template_refs(var.value)]
    found += [r for part in (*task.command, *task.args) for r in part.refs]
    found += [r for sidecar in task.sidecars for var in sidecar.env for r in _template_refs(var.value)]
    found += [r for step in task.steps for var in step.env for r in _template_refs(var.value)]
    found += [r for step in task.steps for part in (*step.command, *step.args) for r in part.refs]
    return tuple(dict.fromkeys(found))
