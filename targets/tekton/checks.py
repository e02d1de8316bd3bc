"""What Tekton cannot take as written: names outside its rules, literal `$(…)` text; and what
it runs differently (a finally task that reads a task result).

Every finding is a diagnostic at the IR node's span; the backend never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...compiler import ir, rules, scripts
from ...compiler.diagnostics import UNKNOWN_SPAN, Diagnostic, Span, error, warning
from .. import kubernetes
from . import syntax

TARGET = "tekton"

# pkg/apis/pipeline/v1: pipeline task and step names are DNS-1123 labels (IsDNS1123Label);
# param names follow task_validation.go; result names follow resultref.go ResultNameFormat.
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
_PARAM_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9.-]*")
_RESULT_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_MAX = 63  # DNS-1123 labels, and label values (tekton.dev/pipeline: <name>)
_SUBDOMAIN_MAX = 253

_RULE_TEXT = {
    "label": "lower case letters, digits and '-', starting and ending with a letter or digit",
    "subdomain": "lower case letters, digits, '-' and '.', starting and ending with a letter or digit",
    "param": "letters, digits, '_', '-' and '.', starting with a letter or '_'",
    "result": "letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
}
_PATTERNS = {"label": _DNS_LABEL, "subdomain": _DNS_SUBDOMAIN, "param": _PARAM_NAME, "result": _RESULT_NAME}


def unsupported(span: Span, feature: str, why: str, hint: str) -> Diagnostic:
    return error(rules.UNSUPPORTED_ON_TARGET, span, f"{feature} is not supported on {TARGET}: {why}", hint)


def name(kind: str, text: str, rule: str, span: Span, max_len: int | None = None) -> Iterator[Diagnostic]:
    """A name against one of Tekton's patterns (`rule`), and its length limit if it has one."""
    if not _PATTERNS[rule].fullmatch(text):
        yield unsupported(span, f"{kind} name '{text}'", f"Tekton wants {_RULE_TEXT[rule]}",
                          f"rename the {kind}")
    if max_len is not None and len(text) > max_len:
        yield error(rules.UNSUPPORTED_ON_TARGET, span,
                    f"{kind} name '{text}' has {len(text)} characters; {TARGET} allows {max_len}",
                    f"shorten the {kind} name to {max_len} characters or fewer")


def names(p: ir.Pipeline) -> Iterator[Diagnostic]:
    """Every name the Tekton documents carry as the spec wrote it."""
    yield from name("pipeline", p.name, "subdomain", p.span, _LABEL_MAX)
    for param in p.params:
        yield from name("param", param.name, "param", param.span)
    for result in p.results:
        yield from name("pipeline result", result.name, "result", result.span)
    for cache in p.caches:
        claim = f"{p.name}-cache-{cache.name}"
        yield from name("cache claim", claim, "subdomain", cache.span, _SUBDOMAIN_MAX)
    for task in p.all_tasks:
        yield from _task_names(task)


def _task_names(task: ir.Task) -> Iterator[Diagnostic]:
    yield from name("task", task.name, "label", task.span, _LABEL_MAX)
    for result in task.results:
        yield from name("result", result.name, "result", result.span)
    for sidecar in task.sidecars:
        yield from name("sidecar", sidecar.name, "label", sidecar.span, _LABEL_MAX)
    for step in task.steps:
        yield from name("step", step.name, "label", step.span, _LABEL_MAX)


def literal_text(p: ir.Pipeline) -> Iterator[Diagnostic]:
    """Literal text that Tekton would take for one of its own `$(…)` variables; it has no escape."""
    for task in p.all_tasks:
        for text, span, where in _step_literals(task):
            if (found := syntax.engine_variable(text)) is not None:
                yield _literal_unsupported(found, span, where, _IN_TASK)
        for start, found in syntax.engine_variables(task.script or ""):
            if not task.in_script_comment(start):  # in a comment: defused (`syntax.defuse_comments`)
                yield _literal_unsupported(found, task.script_span(start, len(found)),
                                           f"the run script of task '{task.name}'", _IN_TASK)
        for step in task.steps:
            comments = scripts.comments(step.script or "")
            for start, found in syntax.engine_variables(step.script or ""):
                if not any(a <= start < b for a, b in comments):
                    yield _literal_unsupported(found, step_script_span(step, start, len(found)),
                                               f"the script of step '{step.name}' of task '{task.name}'", _IN_TASK)
        for text, span, where in _pipeline_task_literals(task):
            if (found := syntax.engine_variable(text, pipeline_level=True)) is not None:
                yield _literal_unsupported(found, span, where, "Tekton rejects any `$(…)` that is not one of its "
                                                               "variables in a pipeline task's `when` and matrix")


_IN_TASK = "Tekton substitutes or rejects `$(params.…)`-style text everywhere in a task"


def step_script_span(step: ir.Step, start: int, length: int) -> Span:
    """The spec position of `step.script[start:start + length]` (as `ir.Task.script_span`)."""
    anchor = None
    for candidate in step.script_anchors:
        if candidate.offset > start:
            break
        anchor = candidate
    return step.span if anchor is None else anchor.span.at_offset(start - anchor.offset, length)


def _literal_unsupported(found: str, span: Span, where: str, why: str) -> Diagnostic:
    return unsupported(span, f"the literal text '{found}' in {where}", f"{why}, and has no escape",
                       "build the text at run time, e.g. printf '%s(%s)' '$' 'params.x'")


def _step_literals(task: ir.Task) -> Iterator[tuple[str, Span, str]]:
    """Literal text in the taskSpec: image, workingDir, command, args, env, paths, sidecars (the run
    script is checked by place, each `$(…)` at its own position)."""
    where = f"task '{task.name}'"
    yield task.image, task.image_span, f"the image of {where}"
    if task.working_dir:
        yield task.working_dir, task.span, f"the workingDir of {where}"
    yield from _path_literals(task, where)
    for template in (*task.command, *task.args):
        yield from ((text, template.span, f"the command of {where}") for text in _texts(template))
    for env in (*task.env, *(e for s in task.sidecars for e in s.env)):
        if isinstance(env.value, ir.Template):
            yield from ((text, env.span, f"env {env.name} of {where}") for text in _texts(env.value))
    for sidecar in task.sidecars:
        for text in (sidecar.image, *sidecar.command, *sidecar.args):
            yield text, sidecar.span, f"sidecar '{sidecar.name}' of {where}"
    for step in task.steps:
        at = f"step '{step.name}' of {where}"
        yield step.image, step.image_span if step.image_span != UNKNOWN_SPAN else step.span, f"the image of {at}"
        for template in (*step.command, *step.args):
            yield from ((text, template.span, f"the command of {at}") for text in _texts(template))
        for env in step.env:
            if isinstance(env.value, ir.Template):
                yield from ((text, env.span, f"env {env.name} of {at}") for text in _texts(env.value))
        for param, template in step.native.tekton.params if step.native and step.native.tekton else ():
            yield from ((text, template.span, f"StepAction param {param} of {at}") for text in _texts(template))


def _path_literals(task: ir.Task, where: str) -> Iterator[tuple[str, Span, str]]:
    """Mount paths: workspaces (produces, consumes) and volume mounts (caches, secretFiles)."""
    yield from ((a.path, a.span, f"the produces path '{a.name}' of {where}") for a in task.produces)
    yield from ((a.path, a.span, f"the consumes path '{a.name}' of {where}") for a in task.consumes)
    yield from ((c.path, c.span, f"the caches path '{c.cache}' of {where}") for c in task.caches)
    yield from ((f.path, f.span, f"the secretFiles path of {where}") for f in task.secret_files)


def _pipeline_task_literals(task: ir.Task) -> Iterator[tuple[str, Span, str]]:
    """Literal text the pipeline task itself holds: matrix values and `when` operands."""
    for axis in task.matrix.axes if task.matrix else ():
        if isinstance(axis.values, tuple):
            yield from ((v, axis.span, f"matrix axis '{axis.name}' of task '{task.name}'")
                        for v in axis.values if isinstance(v, str))
    if task.matrix is not None:
        for combination in (*task.matrix.include, *task.matrix.exclude):
            yield from ((v, task.matrix.span, f"the matrix of task '{task.name}'")
                        for _, v in combination if isinstance(v, str))
    if task.native is not None and task.native.tekton is not None:
        for param, template in task.native.tekton.params:
            yield from ((text, template.span, f"param {param} of task '{task.name}'") for text in _texts(template))
    if task.when is not None:
        yield from ((text, span, f"the condition of task '{task.name}'")
                    for text, span in _condition_literals(task.when))
    if task.checkout is not None:  # the catalog git-clone Task's params
        for template in (t for t in (task.checkout.repository, task.checkout.ref) if t is not None):
            yield from ((text, template.span, f"the checkout of task '{task.name}'") for text in _texts(template))


def _condition_literals(cond: ir.Condition) -> Iterator[tuple[str, Span]]:
    if isinstance(cond, ir.Compare):
        operands = (cond.left, *cond.right)
        yield from ((o.value, cond.span) for o in operands if isinstance(o, ir.Literal) and isinstance(o.value, str))
    else:
        for item in cond.items:
            yield from _condition_literals(item)


def _texts(template: ir.Template) -> Iterator[str]:
    return (part for part in template.parts if isinstance(part, str))


def finally_results(p: ir.Pipeline) -> Iterator[Diagnostic]:
    """A finally task that reads a task's result: Tekton skips it when that result is missing
    (pipelines.md, "Consuming Task execution results in finally"), i.e. when the task failed
    before writing it, or never ran because an earlier task failed; Argo and GitHub run it all
    the same. Not when the task was skipped by its `when`: its condition then guards its step,
    and its results are "" (`skips`)."""
    for task in p.finally_tasks:
        refs = [*value_refs(task), *(ir.condition_refs(task.when) if task.when is not None else ())]
        read = dict.fromkeys(r for r in refs if isinstance(r, ir.ResultRef))  # first use of each
        for ref in read:
            yield warning(
                rules.UNSUPPORTED_ON_TARGET, ref.span,
                f"a task result in a finally task is not fully supported on {TARGET}: finally task "
                f"'{task.name}' is skipped if task '{ref.task}' fails before it writes result "
                f"'{ref.result}', or does not run because an earlier task failed",
                f"if '{task.name}' must always run, pass the value in a file of an artifact "
                f"'{ref.task}' produces instead")


def value_refs(task: ir.Task) -> Iterator[ir.Ref]:
    """The references in a task's env, command, args and sidecar env, its steps' env, command, args
    and StepAction params, and its native Task's params, in order, repeats kept."""
    templates = [*(e.value for e in task.env), *task.command, *task.args,
                 *(e.value for s in task.sidecars for e in s.env)]
    for step in task.steps:
        templates += [*(e.value for e in step.env), *step.command, *step.args]
        templates += [t for _, t in step.native.tekton.params] if step.native and step.native.tekton else []
    if task.native is not None and task.native.tekton is not None:
        templates += [t for _, t in task.native.tekton.params]
    return (r for t in templates if isinstance(t, ir.Template) for r in t.refs)


def pipeline_timeout(p: ir.Pipeline, with_run: bool) -> Iterator[Diagnostic]:
    """The spec's timeout of the whole run has no place in a Tekton Pipeline: only a PipelineRun
    has `timeouts` (pipelineruns.md, "Configuring a failure timeout"). Written on the run when
    there is one; without, a warning says where it goes (tkn's own flag for it: tektoncd/cli
    docs/cmd/tkn_pipeline_start.md, `--timeout string  timeout for PipelineRun`)."""
    if p.timeout_s is None or with_run:
        return
    duration = kubernetes.go_duration(p.timeout_s)
    yield warning(rules.UNSUPPORTED_ON_TARGET, p.timeout_span,
                  f"a pipeline timeout is not fully supported on {TARGET}: a Tekton Pipeline has no timeout of "
                  "its own, a PipelineRun has (timeouts.pipeline)",
                  "add --tekton-run to write a run with it, or start runs with "
                  f"`tkn pipeline start --timeout {duration}`")


PAC_GROUP_FIELDS = frozenset({ir.RunField.REF, ir.RunField.REF_NAME, ir.RunField.BRANCH, ir.RunField.PR_NUMBER,
                              ir.RunField.PR_HEAD_REF})
"""Run fields a group may read for Pipelines-as-Code's cancel-in-progress to be the same grouping:
PaC cancels the older runs of the same PipelineRun for the same pull request or branch."""


def concurrency(p: ir.Pipeline, *, pac: bool = False) -> Iterator[Diagnostic]:
    """Tekton Pipelines has no concurrency control of its own: no PipelineRun field waits for or
    cancels another run (tektoncd/pipeline docs: pipelineruns.md knows none; "concurrency" there is
    a matrix's or a resolver's). Pipelines-as-Code has two, for the runs *it* starts from events
    only: the `pipelinesascode.tekton.dev/cancel-in-progress` annotation cancels older runs of the
    same PipelineRun in the same pull request or branch, and the Repository CR's `concurrency_limit`
    queues all the repository's runs (openshift-pipelines/pipelines-as-code docs/content/docs/guides/
    running-pipelines.md "Cancelling in-progress PipelineRuns", repository-crd/concurrency.md); the
    two cannot be combined and neither takes a group of the user's choosing. With `pac`, a group of
    one pipeline per ref or pull request that cancels is exactly the annotation (`pac`)."""
    c = p.concurrency
    if c is None:
        return
    if pac and p.triggers.events and c.cancel_in_progress and pac_group(c):
        return  # the PaC PipelineRuns' cancel-in-progress annotation
    why = ("Tekton Pipelines has no concurrency control; Pipelines-as-Code's cancel-in-progress "
           "annotation and its Repository's concurrency_limit apply only to the runs it starts, "
           "and neither can name a group")
    if pac:
        why = ("Pipelines-as-Code cancels older runs of the same PipelineRun per branch or pull request "
               "(cancel-in-progress) but cannot make runs wait for a group (its Repository's "
               "concurrency_limit queues every run of the repository)")
    yield unsupported(c.span, "concurrency", why,
                      "run the pipeline through Pipelines-as-Code (--tekton-triggers pac) with a group of "
                      "run.ref and cancelInProgress: true, or drop concurrency for this target")


def pac_group(c: ir.Concurrency) -> bool:
    return all(isinstance(r, ir.RunRef) and r.kind in PAC_GROUP_FIELDS for r in c.group.refs) and bool(c.group.refs)


def run_settings(p: ir.Pipeline, *, pac: bool) -> Iterator[Diagnostic]:
    """A PipelineRun's labels and annotations are written on every run; what else the spec asks of
    the run, Tekton Pipelines has no field for: no TTL (runs stay until a pruner deletes them:
    the Tekton Operator's TektonConfig pruner, or Tekton Results), no pod GC (TaskRun pods stay
    until their run is deleted). `keepRuns` is Pipelines-as-Code's max-keep-runs annotation."""
    r = p.run
    if r.delete_after_success_s is not None or r.delete_after_failure_s is not None:
        yield unsupported(r.delete_after_span, "kubernetes.run.deleteAfter",
                          "a Tekton PipelineRun has no TTL; runs are deleted by a pruner of the cluster",
                          "configure the Tekton Operator's pruner (TektonConfig spec.pruner keep/keep-since), "
                          "or remove deleteAfter for this target")
    if r.pod_gc is not None:
        yield unsupported(r.pod_gc_span, "kubernetes.run.podGC",
                          "Tekton keeps a TaskRun's pod until the run is deleted",
                          "remove podGC for this target")
    if r.keep_runs is not None and not (pac and p.triggers.events):
        yield unsupported(r.keep_runs_span, "kubernetes.run.keepRuns",
                          "only Pipelines-as-Code keeps a number of runs (max-keep-runs), for the runs a push "
                          "or pull request starts", "add --tekton-triggers pac (with a push or pull request "
                          "trigger), or configure the Tekton Operator's pruner")
