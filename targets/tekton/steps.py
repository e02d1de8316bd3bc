"""A task with `steps`: the taskSpec's steps, one per step, in one pod, in order. They share
/workspace, the artifacts' workspaces, the caches, /tmp (an emptyDir of the task, `shares_tmp`) and
$HOME (Tekton's /tekton/home, `SHARED_HOME`); what a step installs elsewhere (its image's /usr)
stays in its own container.

Each step has its own image, the task's env then its own (a name in both: the step's), the task's
workingDir, mounts and securityContext, its `timeout`, and `onError: continue` for
continueOnError (tasks.md, "Specifying onError for a step"). The task's resources: its requests
on the first step (a pod's request is the sum of its containers', tasks run one step at a time)
and its limits on each.

`always` (run even after an earlier step failed): Tekton skips every step after a failed one
unless that one has `onError: continue`. So each step that has an `always` step after it gets
`onError: continue`; Tekton's entrypoint leaves its exit code in
`$(steps.step-<name>.exitCode.path)` ("0" when skipped). Right after it, when a step that is not
`always` follows, a gate step in the helper image writes the step result `passed` (did every such
step so far exit 0?), and each later step that is not `always` has the step `when`
`$(steps.<gate>.results.passed) in ["true"]` (tasks.md, "Guarding Step execution using when
expressions": step results as the input). The last step, after trim-results, fails the task
when one of them failed, naming it. A step with a `timeout` is the exception Tekton imposes: a
step that times out stops the task even with `onError: continue` (pkg/entrypoint/entrypointer.go
writes its .err post file, and every later step bails), so a step with a timeout and
continueOnError or an `always` step after it is reported as a warning.

A step with a native unit for Tekton is a StepAction step: `ref: {resolver, params}` and the
step's `params` (stepactions.md, "Specifying Remote StepActions"; stable, on in a default
install: enable-step-actions "true", resolvers in steps need enable-api-fields "beta", the
default). Such a step may not have env, volumeMounts, workingDir or image of its own
(container_validation.go), and Tekton replaces its securityContext by the StepAction's: the
task's env, mounts and securityContext do not reach it (a warning when the task has them). A step
without a native unit for Tekton runs its portable body; with neither it is an SS501, unless its
unit is marked skip-elsewhere (the language blocks' setup actions, which GitHub's runners need):
then Tekton has no such step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...compiler import ir, rules, scripts
from ...compiler.diagnostics import Diagnostic, warning
from .. import kubernetes
from . import checks, helpers, inputs, syntax

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Common:
    """What every step of the task gets from the task."""

    env: list[Doc]  # before the step's own: SHIPSPEC_RESULTS and the task's env
    extra_env: list[Doc]  # after it: sidecar hosts, the OIDC token file
    working_dir: str | None
    resources: Doc | None
    mounts: list[Doc]
    security: Doc | None
    when: list[Doc]  # the task's condition, for a task whose results are read (`skips`)


TMP_VOLUME = "shipspec-tmp"
"""An emptyDir mounted at /tmp in each step of a task with several steps."""


def shares_tmp(task: ir.Task) -> bool:
    """Steps are containers of one pod: they share /workspace and /tekton/home (Tekton's own
    emptyDirs, pkg/pod/pod.go `implicitVolumeMounts`), the workspaces and the task's volumes, but
    not the rest of their filesystems. /tmp is where scripts leave files for the next step (the
    blocks' coverage file), so it is an emptyDir of the task too, as in GitHub's one job."""
    containers = [s for s in task.steps if s.native is None or s.native.tekton is None]
    return len([s for s in containers if s.script is not None or s.command]) > 1


SHARED_HOME = "/tekton/home"
"""HOME of each step of a task with several steps: Tekton's own emptyDir shared by the steps
(pkg/pod/pod.go `implicitVolumeMounts`; Tekton set HOME to it itself before v0.24), so what one
step leaves in $HOME (a registry login's ~/.docker/config.json, tools, caches) the next one sees,
as in GitHub's one job. A HOME the task sets stays."""


def tmp_mounts(task: ir.Task) -> list[Doc]:
    return [{"name": TMP_VOLUME, "mountPath": "/tmp"}] if shares_tmp(task) else []


def runnable(task: ir.Task, diags: list[Diagnostic]) -> list[ir.Step]:
    """The steps Tekton runs: without those skipped here; a step with nothing to run is an SS501."""
    out = []
    for step in task.steps:
        native = step.native.tekton if step.native is not None else None
        if native is None and step.script is None and not step.command:
            if step.native is None or not step.native.skip_elsewhere:
                diags.append(checks.unsupported(
                    step.native.span if step.native is not None else step.span,
                    f"step '{step.name}' of task '{task.name}'",
                    "it has no native unit for tekton and no portable body (`run` or `command`)",
                    "add `tekton: {resolver: …}` to its `uses`, or a `run` script"))
            continue
        out.append(step)
    return out


def task_steps(task: ir.Task, found: inputs.Inputs, common: Common, taken: set[str],
               diags: list[Diagnostic]) -> tuple[list[Doc], list[Doc]]:
    """(the user's steps with their gates, the steps that go after trim-results)."""
    steps = runnable(task, diags)
    skipped_here = all(s.native is not None and s.native.skip_elsewhere and s.native.tekton is None
                       and s.script is None and not s.command for s in task.steps)
    if not steps and skipped_here:
        diags.append(checks.unsupported(task.span, f"task '{task.name}'",
                                        "every one of its steps is skipped here, and a Tekton Task needs a step",
                                        "give one step a `run` script for the Kubernetes engines"))
    forced = {i for i, s in enumerate(steps)
              if not s.continue_on_error and any(later.always for later in steps[i + 1:])}
    taken |= {s.name for s in steps}
    docs: list[Doc] = []
    checked: list[str] = []  # the forced steps so far
    gate: str | None = None
    for i, step in enumerate(steps):
        when = list(common.when)
        if gate is not None and not step.always:
            when.append({"input": syntax.step_result(gate, syntax.PASSED_RESULT), "operator": "in",
                         "values": ["true"]})
        continues = step.continue_on_error or i in forced
        if step.timeout_s is not None and continues:
            diags.append(_timeout_warning(task, step, steps[i + 1:]))
        docs.append(_step(task, step, found, common, i == 0, continues, when, diags))
        if i in forced:
            checked.append(step.name)
            if any(not later.always for later in steps[i + 1:]):
                wanted = f"{step.name}-passed"
                gate = kubernetes.unique(wanted if kubernetes.is_dns_label(wanted) else f"passed-{i + 1}", taken)
                docs.append(helpers.helper_step(gate, [syntax.exit_code_path(s) for s in checked],
                                                syntax.GATE_SCRIPT, common.security,
                                                results=(syntax.PASSED_RESULT,)))
    closing = []
    if checked:
        args = [arg for s in checked for arg in (s, syntax.exit_code_path(s))]
        closing.append(helpers.helper_step(kubernetes.unique("steps-failed", taken), args,
                                           syntax.STEPS_FAILED_SCRIPT, common.security))
    return docs, closing


def _timeout_warning(task: ir.Task, step: ir.Step, later: list[ir.Step]) -> Diagnostic:
    after = next((s.name for s in later if s.always), None)
    what = f"always step '{after}' does not run" if after and not step.continue_on_error else \
        "the task fails and no later step runs"
    return warning(rules.UNSUPPORTED_ON_TARGET, step.span,
                   f"a step timeout is not fully supported on {checks.TARGET} with continueOnError or a later "
                   f"always step: when step '{step.name}' of task '{task.name}' times out, Tekton stops the "
                   f"task even with onError: continue, so {what}",
                   "give the task the timeout instead, or let the command time out itself (e.g. `timeout 10m …`)")


def _step(task: ir.Task, step: ir.Step, found: inputs.Inputs, common: Common, first: bool, continues: bool,
          when: list[Doc], diags: list[Diagnostic]) -> Doc:
    native = step.native.tekton if step.native is not None else None
    if native is not None:
        return _step_action(task, step, native, found, common, continues, when, diags)
    out: Doc = {"name": step.name, "image": step.image}
    if step.command:
        out["command"] = [inputs.render(t, found) for t in step.command]
    if step.args:
        out["args"] = [inputs.render(t, found) for t in step.args]
    if common.working_dir:
        out["workingDir"] = common.working_dir
    own = [_env(var, found) for var in step.env]
    names = {var["name"] for var in own}
    if env := [var for var in common.env if var["name"] not in names] + own + common.extra_env:
        out["env"] = env
    if common.resources:
        resources = {k: v for k, v in common.resources.items() if k != "requests" or first}
        if resources:
            out["computeResources"] = resources
    if common.mounts:
        out["volumeMounts"] = common.mounts
    if common.security:
        out["securityContext"] = common.security
    if step.script is not None:
        comments = scripts.comments(step.script)
        out["script"] = syntax.script(syntax.defuse_comments(
            step.script, lambda offset: any(a <= offset < b for a, b in comments)))
    if step.timeout_s is not None:
        out["timeout"] = kubernetes.go_duration(step.timeout_s)
    if continues:
        out["onError"] = "continue"
    if when:
        out["when"] = when
    return out


def _step_action(task: ir.Task, step: ir.Step, native: ir.TektonRef, found: inputs.Inputs, common: Common,
                 continues: bool, when: list[Doc], diags: list[Diagnostic]) -> Doc:
    """A step that references a StepAction by resolver (keys in the Go field order of Step)."""
    if native.workspace is not None:
        diags.append(checks.unsupported(
            native.span, f"a workspace for StepAction step '{step.name}'",
            "a StepAction has no workspaces to bind; it sees the task's, mounted in every step",
            "remove `workspace` and pass the path as a param"))
    if task.env or common.mounts or common.security or task.oidc is not None or task.sidecars:
        diags.append(warning(
            rules.UNSUPPORTED_ON_TARGET, native.span,
            f"the task's env, mounts and securityContext are not fully supported on {checks.TARGET} for a "
            f"StepAction step: step '{step.name}' of task '{task.name}' does not get them (a step with `ref` "
            "may have no env or volumeMounts, and takes the StepAction's securityContext)",
            "pass what the StepAction needs as its params"))
    out: Doc = {"name": step.name}
    if step.timeout_s is not None:
        out["timeout"] = kubernetes.go_duration(step.timeout_s)
    if continues:
        out["onError"] = "continue"
    out["ref"] = {"resolver": native.resolver,
                  "params": [{"name": name, "value": value} for name, value in native.resource]}
    if native.params:
        out["params"] = [{"name": name, "value": inputs.render(t, found)} for name, t in native.params]
    if when:
        out["when"] = when
    return out


def _env(var: ir.EnvVar, found: inputs.Inputs) -> Doc:
    if isinstance(var.value, ir.SecretRef):
        return kubernetes.secret_env(var.name, var.value)
    return {"name": var.name, "value": inputs.render(var.value, found)}
