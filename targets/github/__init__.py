"""GitHub Actions backend: one workflow, one job per task, each running the task's image.

Design choices (each follows from how GitHub differs from a Kubernetes engine):
- Triggers (triggers.py): push, pull_request and schedule as GitHub writes them, `workflow_dispatch`
  (run by hand) when `manual`, and `workflow_call` (publish as a reusable workflow, with the
  pipeline results as its outputs and the secrets it reads declared) when `call`; without
  `triggers`, both of the last two. A run started by an event has no inputs: params then read their
  spec defaults (expr.py `param`). Array params are string inputs holding JSON, read with
  `fromJSON` where a list is needed (a matrix axis).
- `permissions: {}` for the workflow: the artifact and cache actions authenticate with the
  runner's own ACTIONS_RUNTIME_TOKEN for the current run. Each job's token has what the spec's
  `github.permissions` grant (pipeline and task), and a main job `actions: write` for its last
  step, which cancels the run after a failure (failfast.py, permissions.py); a caller of the
  workflow (`workflow_call`) must grant the calling job as much. The platform token is the secret
  `{secret: github, key: token}` (GITHUB_TOKEN), which a called workflow gets without declaring it.
- Skips: a job with `needs` gets `!cancelled() && !failure()`: it runs after its upstream
  succeeded or was skipped by its condition (as on Argo and Tekton), not after a failure anywhere
  upstream (`failure()` looks at every ancestor). Finally jobs need every main job and run
  `always()`. After a failure no new job starts, as on Argo and Tekton, because the failed job
  cancels the run; jobs still running are cancelled too (failfast.py says what else differs).
- Conditions compare text, and GitHub's `==` ignores case (so do `contains`, `startsWith` and
  object keys; no function compares case-sensitively): `'ABC' == 'abc'` holds here but not on Argo
  or Tekton. A condition that must tell case apart belongs in the script.
- Artifacts are tar files in per-run artifacts (modes and dot files survive), named
  `<prefix><pipeline>__<artifact>`. A called workflow shares its caller's run: a caller that calls
  this workflow twice in one run gives each call its own `shipspec-artifact-prefix` input (e.g.
  `a-`, `b-`), or the second call would replace the first's artifacts.
- Caches: actions/cache restore before the task, save after it succeeds, key
  `<pipeline>-<cache>-<os>-<run id>-<attempt>-<task>`, the newest restored by the prefix before the
  run id (a content key is impossible: `hashFiles` reads the host's workspace, not the container's
  paths).
- Run metadata: `run.id` is `<run id>-<attempt>` and `run.name` `<pipeline>-<run id>-<attempt>`:
  a re-run keeps the run id, and each attempt is a run of its own on Argo and Tekton. Every other
  run field comes from the `github` context as an expression in env, `if` and outputs, never in
  `run:` text (expr.py `_RUN` says which and where GitHub differs: `manual` for workflow_dispatch,
  the head branch on a pull request, its merge commit as sha). `run.short_sha` is cut by the job's
  first step (expressions have no substring function), so it exists in step env only.
- Concurrency: the workflow's `concurrency` group, evaluated when a run is queued; without
  cancel-in-progress at most one run waits per group (checks.py warns).
- A `run` script runs in a job container of the task's image (`container:`); the image needs `sh`
  and `tail` (the runner keeps the container alive with it), and `tar` for artifacts (caches need
  GNU tar: steps.py adds it on Alpine, checks.py warns for BusyBox images). An argv (`command`/`args`) runs as an
  argv: its job runs on the runner host, its helper steps there (with the host's GNU tar), and its
  main step is `docker run` of the image (docker.py, layout.py), so images without a shell
  (kaniko, distroless) work, and `args` alone go to the image's entrypoint.
- Containers run as root (`--user 0`) whatever the image's USER: the steps write the runner's
  files ($GITHUB_OUTPUT and the other file commands, the workspace) and create directories at `/`.
- Results: exactly one trailing newline is removed from a result file, as on Argo.
- Sidecars are service containers, reached by their name as host name, not `localhost` (a
  warning when the task mentions localhost).
- A script's steps run in `/__w/<repo>/<repo>` (the workspace) unless the task sets a working dir,
  not in the image's WORKDIR (an argv starts in the image's WORKDIR, as on Kubernetes).
- Checkout (`uses: checkout`, checkout.py): the checkout task's job runs the pinned actions/checkout
  (`persist-credentials: false`) and reports sha/short-sha/ref; each consumer job runs
  actions/checkout itself at `needs.<checkout>.outputs.sha` with the same options and copies the
  files to its path, instead of an artifact: every job builds the commit the checkout resolved.
- OIDC (`oidc`, oidc.py): `id-token: write` on that job only, and a step that writes the token for
  the audience to a 0600 file at $SHIPSPEC_OIDC_TOKEN_FILE (mounted read-only into `docker run`).
- Steps (`steps`, tasksteps.py): the job's own steps, in a job container of the task's image when
  every step GitHub runs is in it; on the runner itself with `github.container: false` (what the
  language blocks set: their setup actions provide the tools, and the working dir is the GitHub
  workspace, where actions resolve relative paths); else each step is a `docker run` of its image
  sharing the task's paths and working dir (a warning). `always` is `if: ${{ !cancelled() }}`,
  `continueOnError` `continue-on-error`, a step timeout `timeout-minutes` rounded up.
- Native units (native.py): an action pinned by commit (`uses: owner/repo@sha # tag`) with its
  inputs in `with:` as expressions; a native task is a job on the runner that restores what it
  consumes and runs the action, its outputs the job's outputs (`steps.native.outputs.X`).
- A dynamic matrix axis is `fromJSON(needs.T.outputs.R)` (the job is skipped for an empty list);
  include/exclude are GitHub's own (exclude matches partially, include adds combinations).
- `tasks.T.status` in a finally job: `needs.T.result`, success -> Succeeded, skipped -> Skipped,
  anything else (failure, cancelled) -> Failed (expr.py `task_status`).
- What GitHub cannot express is reported as SS501 by checks.py.
- Kubernetes-only settings (resources, security context, service account, host network, storage)
  are ignored by design: the spec keeps them under `kubernetes:`.
"""

from __future__ import annotations

import math
from typing import Any

from ...compiler import ir
from ..base import Document, EmitOptions, Emitted
from . import checkout, native, permissions, triggers
from . import expr as gx
from .checks import check, check_size
from .layout import CONTAINER, DOCKER, mode
from .oidc import TOKEN_FILE
from .steps import JobContext, steps
from .triggers import PLATFORM_TOKEN

__all__ = ["NAME", "PLATFORM_TOKEN", "emit", "job_timeout"]

NAME = "github"


def emit(pipeline: ir.Pipeline, options: EmitOptions) -> Emitted:
    """The workflow document and every diagnostic about what GitHub cannot express.

    `pipeline.run` (the spec's `kubernetes.run`: labels, annotations, deleteAfter, keepRuns, podGC of
    the Argo Workflow or Tekton PipelineRun) is Kubernetes-only and writes nothing here: a workflow
    run has no labels, and GitHub keeps runs by the repository's retention setting. So is the
    repository's `webhookSecret` (GitHub signs its own events); a GitLab repository is an SS501.
    GitHub writes no by-hand defaults of run fields (`pipeline.run_default`): a run by hand has the
    `github` context too.
    """
    pipeline = ir.native_output_names(pipeline, "github")  # native outputs under the unit's own names
    diagnostics = check(pipeline) + triggers.check(pipeline)
    scope = triggers.scope(pipeline)
    checkouts = {t.name: t.checkout for t in pipeline.all_tasks if t.checkout is not None}
    ctx = JobContext(pipeline.name, frozenset(t.name for t in pipeline.all_tasks if t.matrix), scope, checkouts,
                     called=pipeline.triggers.call)
    jobs = {t.name: _job(t, pipeline, ctx, scope) for t in pipeline.all_tasks}
    doc: Document = {"name": pipeline.name, "on": triggers.on(pipeline, scope), "permissions": {}}
    if pipeline.concurrency is not None:
        doc["concurrency"] = _concurrency(pipeline.concurrency, scope)
    doc["jobs"] = jobs
    return Emitted([doc], diagnostics + check_size(doc, pipeline.span))


def _concurrency(c: ir.Concurrency, scope: gx.Scope) -> dict[str, Any]:
    """The workflow's `concurrency`: its group is evaluated when a run is queued, from the `github`
    and `inputs` contexts (the only ones of the three allowed there, with `vars`, that params and
    the run's context need). GitHub's groups are the repository's, across its workflows, and their
    names ignore case. Without `cancel-in-progress` at most one run waits: a newer one cancels the
    waiting run (checks.py warns). A called workflow's group is evaluated with its caller's `github`
    context; a caller with the same group would wait for itself, which GitHub cancels as a deadlock
    ("Canceling since a deadlock for concurrency group ... was detected", rhysd/actionlint#538).
    """
    return {"group": gx.template(c.group, scope), "cancel-in-progress": c.cancel_in_progress}


# --- jobs ---------------------------------------------------------------------------------------


def _job(task: ir.Task, p: ir.Pipeline, ctx: JobContext, scope: gx.Scope) -> dict[str, Any]:
    job: dict[str, Any] = {"name": task.name}
    needs = [t.name for t in p.tasks] if task.is_finally else list(task.depends_on)
    if needs:
        job["needs"] = needs
    condition = _if(task, bool(needs), scope)
    if condition:
        job["if"] = condition
    unit = task.native.github if task.native is not None else None
    if unit is not None and native.is_reusable_workflow(unit):  # a pipeline calling a pipeline
        if granted := permissions.job_permissions(task, p, fail_fast=False):
            job["permissions"] = granted  # the callee's token is at most this (nothing unless granted)
        return job | native.calling_job(unit, scope)
    job["runs-on"] = gx.escape(task.runs_on or p.runs_on)
    if task.environment is not None:
        job["environment"] = permissions.environment(task.environment)
    if granted := permissions.job_permissions(task, p):
        job["permissions"] = granted
    if timeout := job_timeout(task, p):
        job["timeout-minutes"] = math.ceil(timeout / 60)
    if task.matrix:
        job["strategy"] = _strategy(task.matrix, scope)
    if mode(task) == CONTAINER:  # else on the host: `docker run` of each image, or the runner itself
        job["container"] = _container(task)
    if task.sidecars:
        job["services"] = {s.name: _service(s, scope) for s in task.sidecars}
    if task.checkout is not None:
        job["outputs"] = checkout.job_outputs(task, scope)
    elif task.native is not None:
        if task.results and not task.matrix:
            job["outputs"] = native.job_outputs(task)
    elif task.results and not task.matrix:
        job["outputs"] = {r.name: gx.wrap(gx.prop("steps.results.outputs", r.name)) for r in task.results}
    env = {ir.RESULTS_ENV: ir.RESULTS_DIR} if task.results and task.checkout is None and task.native is None else {}
    env |= {s.host_env: s.name for s in task.sidecars}  # services are reached by name
    if env and mode(task) != DOCKER:  # for `docker run`, the steps that need them set them (steps.py)
        job["env"] = env
    job["steps"] = steps(task, ctx, _step_env(task, scope))
    return job


def job_timeout(task: ir.Task, p: ir.Pipeline) -> int | None:
    """The job's limit in seconds: its own, and for a main job at most the pipeline's. GitHub has no
    limit on a whole run (checks.py warns), so the pipeline's timeout bounds each main job instead;
    finally jobs run after it within their own, as on Argo and Tekton."""
    limits = [s for s in (task.timeout_s, None if task.is_finally else p.timeout_s) if s]
    return min(limits) if limits else None


def _if(task: ir.Task, has_needs: bool, scope: gx.Scope) -> str | None:
    """The job condition: the task's `when`, plus the skip semantics of Argo and Tekton."""
    parts = []
    if task.is_finally:
        parts.append("always()")
    elif has_needs:
        parts += ["!cancelled()", "!failure()"]
    if task.matrix:  # an empty list would fail the job; Argo skips such a task
        parts += [_nonempty(a.values, scope) for a in task.matrix.axes
                  if isinstance(a.values, ir.ParamRef | ir.ResultRef)]
    if task.when is not None:
        parts.append(gx.group(task.when, scope) if parts else gx.condition(task.when, scope))
    return gx.wrap(" && ".join(parts)) if parts else None


def _nonempty(values: ir.ParamRef | ir.ResultRef, scope: gx.Scope) -> str:
    """Does the axis's JSON list have an item? By its text: `fromJSON(x)[0] != null` would call a
    first item '0' or '' empty (`!=` with null compares numbers). A result never written (its task
    was skipped) is '', which fromJSON refuses, so it is tested first."""
    text = gx.ref(values, scope)
    test = f"toJSON(fromJSON({text})) != '[]'"
    return f"{text} != '' && {test}" if isinstance(values, ir.ResultRef) else test


def _strategy(m: ir.Matrix, scope: gx.Scope) -> dict[str, Any]:
    """Every instance runs to the end (no fail-fast), as on Kubernetes engines."""
    axes: dict[str, Any] = {}
    for a in m.axes:
        if isinstance(a.values, ir.ParamRef | ir.ResultRef):
            axes[a.name] = gx.wrap(f"fromJSON({gx.ref(a.values, scope)})")
        else:
            axes[a.name] = [_matrix_value(v) for v in a.values]
    if m.exclude:
        axes["exclude"] = [{axis: _matrix_value(v) for axis, v in c} for c in m.exclude]
    if m.include:
        axes["include"] = [{axis: _matrix_value(v) for axis, v in c} for c in m.include]
    strategy: dict[str, Any] = {"matrix": axes, "fail-fast": False}
    if m.max_parallel:
        strategy["max-parallel"] = m.max_parallel
    return strategy


def _matrix_value(v: ir.Scalar) -> ir.Scalar:
    return gx.escape(v) if isinstance(v, str) else v


def _container(task: ir.Task) -> dict[str, Any]:
    """The job's container, as root whatever the image's USER (`--user 0`; `docker exec` then runs
    every step as root too). The runner's files need it: the workspace and the file-command files
    ($GITHUB_OUTPUT, $GITHUB_ENV…) belong to the runner's user or root, and the steps create
    directories at `/` (results, artifacts). An image with a non-root USER, e.g.
    moby/buildkit:rootless (USER 1000), could write none of them: download-artifact and the results
    step would fail. `task.security` is the pod's security context, a Kubernetes setting (the spec
    keeps it under `kubernetes:`), and is not applied here."""
    return {"image": gx.escape(task.image), "options": "--user 0"}


def _service(s: ir.Sidecar, scope: gx.Scope) -> dict[str, Any]:
    service: dict[str, Any] = {"image": gx.escape(s.image)}
    if s.env:
        service["env"] = {e.name: _env_value(e.value, scope) for e in s.env}
    if s.privileged:
        service["options"] = "--privileged"
    return service


def _step_env(task: ir.Task, scope: gx.Scope) -> dict[str, str]:
    """The task's env, plus one var per reference in command/args (argv reads them as "${VAR}")."""
    env = {e.name: _env_value(e.value, scope) for e in task.env}
    if task.oidc is not None:
        env[ir.OIDC_TOKEN_ENV] = TOKEN_FILE
    for t in (*task.command, *task.args):
        for r in t.refs:
            env.setdefault(ir.env_name(r), gx.template(ir.Template((r,)), scope))
    return env


def _env_value(value: ir.Template | ir.SecretRef, scope: gx.Scope) -> str:
    if isinstance(value, ir.SecretRef):
        return gx.wrap(gx.prop("secrets", value.github_name))
    return gx.template(value, scope)
