"""Tekton Pipelines v1 backend: a self-contained `Pipeline`, and on request a `PipelineRun` of it.

The Pipeline holds every task inline (`taskSpec`), so it needs no Task objects and no resolver:
`kubectl apply -f` it (alone in its file, so GitOps tools can sync it). With `--tekton-run` a
PipelineRun goes to a file of its own (`run`), for `kubectl create -f`. Each IR task is
a pipeline task with one step named after it (plus one small step per list it reads). Mapping:

- values: one taskSpec param per distinct reference, fed by the pipeline task; steps read them
  only through env, command and args (see `inputs`). Results: `SHIPSPEC_RESULTS=/tekton/results`;
  a last step `trim-results` drops one trailing newline from each and writes "" for one the task
  did not write, as Argo and GitHub do. The steps shipspec adds run in one pinned busybox image,
  not the task's, which may have no shell (`helpers`).
- conditions: the `when` list (ANDed; `in`/`notin`). `||`, string tests and pr_labels membership
  are decided by a guard task `<task>-when` in the helper image whose result `holds` the task's
  `when` tests (`guards`; in a finally task: SS501). A task whose results something reads keeps its
  `when` in its main step instead, so that it runs and its results are "" when skipped, as on Argo
  and GitHub (`skips`).
- checkout: the catalog git-clone Task by the git resolver, pinned to its v1.7.0 commit, or with
  `--tekton-checkout inline` a clone step of our own (`checkout`). OIDC: a projected
  service-account token for the audience, mounted read-only (`task`).
- steps: one taskSpec step per step, with its image, env, timeout and `onError: continue`; an
  `always` step runs after a failure through gate steps on the earlier steps' exit codes, and a
  last step fails the task (`steps`); /tmp is an emptyDir shared by the steps. A native step is a
  StepAction by resolver; a task that is a native unit a `taskRef` by resolver (`native`).
- matrix: `matrix.params` (beta, on in a default install); a matrix task's results reach readers
  as an array, turned into JSON text by a step; an axis from a result fans out over it as an
  array result; `include` as is, `exclude` listed exactly as include entries (`matrix`);
  maxParallel has no Tekton form: SS501.
- finally: `finally:`; a task's status is `$(tasks.T.status)` (None, Tekton's word for skipped, is
  Skipped); pipeline.status is `$(tasks.status)` (a `when` on "Succeeded" also accepts
  Tekton's "Completed", on "Failed" also "None": cancelled or timed out); a step turns the value
  a task reads into Succeeded or Failed. A finally task that reads a task result is skipped when
  that task failed before writing it (a warning).
- artifacts: the Pipeline workspace `artifacts`, bound by the PipelineRun to a volumeClaimTemplate;
  each artifact is a sub-directory (`subPath`) mounted at its path.
- caches: a task `volume` on the existing PVC `<pipeline>-cache-<cache>` (created once by the
  platform team; ReadWriteMany if tasks may run on different nodes). Not a workspace: with the
  default affinity assistant (coschedule: workspaces) a TaskRun may bind only one PVC workspace.
- secret files: a `secret` volume, mounted read-only with `subPath: <key>`; owner-only (0400),
  or 0444 for a task that runs as a non-root user (`task.SECRET_MODE_NON_ROOT`).
- scripts: under `set -e`, also after the script's own `#!`. Literal `$(params.…)`-style text is an
  SS501 at its position, but in a shell comment it is written `$\\(…)` (`syntax.defuse_comments`).
- the run's context: run.id, run.name and run.namespace are the PipelineRun's own
  (`$(context.pipelineRun.uid|name|namespace)`); every other field used is a string param the
  Pipeline declares, `shipspec-run-<field>` with its by-hand default, which Tekton Triggers will
  bind from the event (`context`).
- triggers: pushes and pull requests start runs through Tekton Triggers: an EventListener, a
  TriggerBinding per event kind (the run params from the payload) and a TriggerTemplate holding the
  PipelineRun, in a file of their own (`triggers`). Tekton has no cron: a schedule is an SS501.
  Started by hand and called (referenced) a Pipeline always can be: `manual` and `call` need nothing.
- with `--tekton-triggers pac`: instead of Tekton Triggers, Pipelines-as-Code PipelineRuns for the
  repository's `.tekton/` folder (`pac`), with on-event, on-target-branch, on-path-change,
  max-keep-runs and cancel-in-progress annotations.
- concurrency: Tekton has none; with PaC a group of the run's ref that cancels is its
  cancel-in-progress annotation; anything else is an SS501.
- the run's own labels and annotations (`kubernetes.run`) are the PipelineRun's (`run`, the
  TriggerTemplate's, PaC's); deleteAfter and podGC have no Tekton form (SS501), keepRuns only PaC's.
- params of the run: each param without a default needs `-p NAME=VALUE` (an error otherwise, as
  Tekton would fail the run with ParameterMissing); params with a default are left to it, and so
  are the run params (`-p shipspec-run-sha=…` gives one).
- timeouts: only what the spec asks: a task's `timeout`; the spec's pipeline `timeout` as the run's
  `timeouts.pipeline` (a Pipeline has none of its own: a warning without --tekton-run). Where the
  spec sets none, Tekton's cluster default applies (default-timeout-minutes, 60 in a default install).

Keys follow the Go field order of Tekton's API types. What Tekton cannot express is an SS501
(`checks`), never silently dropped.
"""

from __future__ import annotations

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from .. import kubernetes
from ..base import EmitOptions, Emitted
from . import checkout, checks, context, guards, matrix, triggers
from . import pac as pac_companion
from .pipeline import pipeline_document
from .run import pipeline_run_document

NAME = "tekton"
RUN_COMPANION = "tekton-run"
"""Written as `<spec>.tekton-run.yaml` beside `<spec>.tekton.yaml`."""
TRIGGERS_COMPANION = "tekton-triggers"
"""The Tekton Triggers documents (`triggers`), when a push or a pull request starts runs."""
PAC_COMPANION = "tekton-pac"
"""With `--tekton-triggers pac`: the Pipelines-as-Code PipelineRun (`pac`), for the repository's `.tekton/`."""
COMPANIONS = (RUN_COMPANION, TRIGGERS_COMPANION, PAC_COMPANION)


def emit(pipeline: ir.Pipeline, options: EmitOptions) -> Emitted:
    """The Pipeline, alone in its file; with `options.tekton_run` a PipelineRun of it in a file of
    its own (companion `tekton-run`); the Tekton Triggers documents or, with `options.tekton_triggers`
    "pac", the Pipelines-as-Code PipelineRun (companion `tekton-pac`). Diagnostics for what Tekton
    cannot express."""
    pipeline = ir.native_output_names(pipeline, "tekton")  # native outputs under the unit's own names
    pac = options.tekton_triggers == "pac"
    diags: list[Diagnostic] = []
    pipeline = guards.lower(checkout.prepare(pipeline, options.tekton_checkout == "inline", diags), diags)
    pipeline = matrix.prepare(pipeline, diags)
    diags += [*checks.names(pipeline), *context.collisions(pipeline), *checks.literal_text(pipeline),
              *kubernetes.environment_gates(pipeline, NAME), *checks.finally_results(pipeline),
              *checks.pipeline_timeout(pipeline, with_run=options.tekton_run or (pac and pipeline.triggers.events)),
              *checks.concurrency(pipeline, pac=pac), *triggers.schedules(pipeline),
              *checks.run_settings(pipeline, pac=pac)]
    if not pac:
        diags += triggers.listener_name(pipeline)
    documents = [pipeline_document(pipeline, diags)]
    companions = {}
    if options.tekton_run:
        companions[RUN_COMPANION] = [pipeline_run_document(pipeline, options.run_params, diags)]
    if pac:
        if pac_docs := pac_companion.documents(pipeline, diags):
            companions[PAC_COMPANION] = pac_docs
    elif trigger_docs := triggers.documents(pipeline, diags):
        companions[TRIGGERS_COMPANION] = trigger_docs
    return Emitted(documents, list(dict.fromkeys(diags)), companions)  # one report per place
