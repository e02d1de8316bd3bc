"""Argo Workflows backend: one Workflow, WorkflowTemplate or ClusterWorkflowTemplate.

Mapping (details in each module):
- pipeline -> `spec.entrypoint: main`, a `dag` template; a Workflow has `generateName: <name>-`
  so every submission is a new run; the description is the annotation the Argo UI shows.
- params -> `spec.arguments.parameters` (text; array params as JSON; required ones without value).
- run context -> `workflow.uid`/`name`/`namespace`; every other `run.*` field read is a param the
  backend declares after the spec's (`shipspec-run-sha`, with its by-hand default), which Argo Events
  Sensors will bind from the event (run.py).
- concurrency -> `spec.synchronization.mutexes`, one mutex named after the group; a newer run waits,
  it cannot cancel the older (concurrency.py).
- task -> a DAG task + a `script` (`sh`, `set -e` first) or `container` template; every reference becomes an
  input parameter the DAG task fills (templates.py, values.py); literal text in env, command and args
  is escaped for the kubelet's `$(VAR)` expansion.
- steps -> a `containerSet` template: a container per step in one pod, each depending on the one
  before; /workspace and /tmp are emptyDirs they share; always / continueOnError / a step timeout
  run the body under a constant `sh` wrapper (a failure marker file, `timeout`) (steps.py).
- native task -> a DAG task with `templateRef` and `arguments` (native.py); a native step runs its
  portable body, or is skipped when its block says so, else SS501.
- results -> files in an emptyDir at /tmp/shipspec/results read by `outputs.parameters` (one trailing
  newline removed; `""` when the task was skipped).
- matrix -> `withItems` (include/exclude expanded here) / `withParam` (an array param or an
  upstream result); `max_parallel` -> a wrapper DAG template with `parallelism`;
  results read later -> a collector DAG template around the wrapper whose outputs are the JSON
  lists of the instances' strings (dag.py).
- finally -> `spec.onExit: exit-handler`, a DAG; their result reads use global outputs (an expression
  tag, "" when the producer exported none); the status is Argo's `workflow.status` with Error
  folded into Failed; `tasks.T.status` is Failed when T is in `workflow.failures`, else Succeeded
  when T's pod ran (its `shipspec-ran` global output), else Skipped (values.py).
- pipeline results -> outputs of `main` (results.py).
- triggers -> schedules: one CronWorkflow per time zone (`argo-cron`, cron.py); pushes and pull
  requests: an Argo Events webhook EventSource and a Sensor whose triggers submit the Workflow with
  the run params bound from the payload (`argo-events`, events.py); manual and call need nothing.
- pipeline timeout -> `spec.activeDeadlineSeconds` (finally tasks run after it: a warning).
- artifacts -> Argo's artifact passing through the cluster's artifact repository (`outputs.artifacts`,
  `inputs.artifacts`, `from:` on the DAG task); with `kubernetes: {artifacts: volume}` one
  `volumeClaimTemplates` claim, a `subPath` per artifact (artifacts.py); caches -> existing
  PVCs `<pipeline>-cache-<cache>`; secret files -> a template's `secret` volumes (0400; 0440 and
  the pod's `fsGroup` for a non-root user).
- checkout -> `git` input artifacts: the checkout's own clone, and each consumer's at the commit the
  checkout reported (`sha`), never the artifact repository (checkout.py).
- oidc -> a projected service-account token with the audience, its path in `SHIPSPEC_OIDC_TOKEN_FILE`.
- run settings -> the Workflow's labels and annotations (`spec.workflowMetadata` for template
  kinds), `ttlStrategy`, `podGC`; keepRuns is an error (`run_settings`).
"""

from __future__ import annotations

import json
from typing import Any

from ...compiler import diagnostics, ir, rules
from .. import kubernetes
from ..base import Document, EmitOptions, Emitted
from . import artifacts, concurrency, cron, dag, events, run, syntax
from .context import ARTIFACTS_VOLUME, ENTRYPOINT, EXIT_HANDLER, Context, build

NAME = "argo"
API_VERSION = "argoproj.io/v1alpha1"
KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate")
DESCRIPTION_ANNOTATION = "workflows.argoproj.io/description"
CRON_COMPANION = "argo-cron"
EVENTS_COMPANION = "argo-events"
MAX_NAME = 63  # Argo's validate.maxCharsInObjectName: the name is also a label value
# (a Workflow's generateName is cut to 58 characters by Kubernetes, so it cannot be too long)

Json = dict[str, Any]


def emit(pipeline: ir.Pipeline, options: EmitOptions) -> Emitted:
    """One document of `options.argo_kind`; what Argo cannot express is in the diagnostics."""
    pipeline = ir.native_output_names(pipeline, "argo")  # native outputs under the unit's own names
    ctx = build(pipeline)
    kind = options.argo_kind
    if kind not in KINDS:
        ctx.unsupported(pipeline.span, f"the Argo kind '{kind}'", f"the backend writes {', '.join(KINDS)}",
                        "choose one of those kinds")
        return Emitted([], diagnostics.sort_unique(ctx.diagnostics))
    artifacts.check(ctx)
    ctx.diagnostics += kubernetes.environment_gates(pipeline, NAME)
    metadata = _metadata(ctx, kind)
    doc: Document = {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": _spec(ctx, kind)}
    companions = _companions(ctx, doc)
    return Emitted([doc], diagnostics.sort_unique(ctx.diagnostics), companions)


def _companions(ctx: Context, doc: Document) -> dict[str, list[Document]]:
    """What starts runs besides `argo submit`: CronWorkflows for schedules (cron.py), an Argo Events
    EventSource and Sensor for pushes and pull requests (events.py). By hand and by a call need
    nothing: a Workflow or WorkflowTemplate can always be submitted."""
    out: dict[str, list[Document]] = {}
    if ctx.pipeline.triggers.schedules:
        for name, schedule in cron.names(ctx.pipeline):
            if len(name) > cron.MAX_NAME:
                ctx.diagnostics.append(diagnostics.error(
                    rules.UNSUPPORTED_ON_TARGET, schedule.span,
                    f"CronWorkflow name '{name}' is {len(name)} characters; Argo allows {cron.MAX_NAME}",
                    "shorten the pipeline name"))
        out[CRON_COMPANION] = cron.documents(doc, ctx.pipeline)
    if ctx.pipeline.triggers.events:
        out[EVENTS_COMPANION] = events.documents(ctx, doc)
    return out


def _metadata(ctx: Context, kind: str) -> Json:
    p = ctx.pipeline
    out: Json = {"generateName": f"{p.name}-"} if kind == "Workflow" else {"name": p.name}
    if kind != "Workflow" and len(p.name) > MAX_NAME:
        ctx.diagnostics.append(diagnostics.error(
            rules.UNSUPPORTED_ON_TARGET, p.span,
            f"pipeline name '{p.name}' is {len(p.name)} characters; Argo allows {MAX_NAME} for a {kind}",
            "shorten the pipeline name"))
    if p.namespace and kind == "ClusterWorkflowTemplate":
        ctx.note(p.span, "namespace is ignored: a ClusterWorkflowTemplate is cluster-scoped",
                 "drop the namespace, or emit a WorkflowTemplate")
    elif p.namespace:
        out["namespace"] = p.namespace
    run_meta = kind == "Workflow"  # a template's runs get theirs from `spec.workflowMetadata`
    labels = dict(p.labels) | (dict(p.run.labels) if run_meta else {})
    if labels:
        out["labels"] = labels
    annotations = ({DESCRIPTION_ANNOTATION: p.description} if p.description else {}) | dict(p.annotations)
    annotations |= dict(p.run.annotations) if run_meta else {}
    if annotations:
        out["annotations"] = annotations
    return out


def _spec(ctx: Context, kind: str) -> Json:
    p = ctx.pipeline
    out: Json = {"entrypoint": ENTRYPOINT}
    parameters = [_param(ctx, param) for param in p.params] + _run_params(ctx)
    if parameters:
        out["arguments"] = {"parameters": parameters}
    out |= run_settings(ctx, kind)
    synchronization = concurrency.synchronization(ctx)
    if synchronization:
        out["synchronization"] = synchronization
    if p.service_account:
        out["serviceAccountName"] = p.service_account
    if p.host_network:
        out["hostNetwork"] = True
    if artifacts.on_volume(ctx):
        out["volumeClaimTemplates"] = [_artifacts_claim(p)]
    volumes = _volumes(ctx)
    if volumes:
        out["volumes"] = volumes
    if p.finally_tasks:
        out["onExit"] = EXIT_HANDLER
    if p.timeout_s is not None:
        out["activeDeadlineSeconds"] = p.timeout_s  # see _DEADLINE
    out["templates"] = _templates(ctx)
    return out


_DEADLINE = """The pipeline's timeout is `spec.activeDeadlineSeconds`: once it has passed since the
workflow started, Argo fails what is still running or pending (workflow/controller/operator.go
`getWorkflowDeadline`, exec_control.go). The exit handler still runs after it and its pods are exempt
from it (workflowpod.go "ignore the workflow deadline for exit handler"): finally tasks run after the
timeout, each within its own, which is what the spec's timeout means."""


def run_settings(ctx: Context, kind: str) -> Json:
    """The run's own metadata and retention. A WorkflowTemplate's runs are other objects: Argo puts
    `spec.workflowMetadata` on each Workflow made from it (a Workflow kind has them in its own
    metadata). `ttlStrategy` deletes the finished Workflow (one `secondsAfterCompletion` when both
    durations are equal), `podGC.strategy` its pods. Argo keeps no count of runs per workflow
    (the controller's retention policy is cluster-wide, for the archive), so keepRuns is an error."""
    r = ctx.pipeline.run
    out: Json = {}
    if kind != "Workflow" and (r.labels or r.annotations):
        meta: Json = {}
        if r.labels:
            meta["labels"] = dict(r.labels)
        if r.annotations:
            meta["annotations"] = dict(r.annotations)
        out["workflowMetadata"] = meta
    success, failure = r.delete_after_success_s, r.delete_after_failure_s
    if success is not None and success == failure:
        out["ttlStrategy"] = {"secondsAfterCompletion": success}
    elif success is not None or failure is not None:
        ttl = {"secondsAfterSuccess": success} if success is not None else {}
        out["ttlStrategy"] = ttl | ({"secondsAfterFailure": failure} if failure is not None else {})
    if r.pod_gc is not None:
        out["podGC"] = {"strategy": r.pod_gc}
    if r.keep_runs is not None:
        ctx.unsupported(r.keep_runs_span, "keepRuns", "Argo keeps no count of runs per workflow (its retention "
                        "is the controller's, for every workflow of the cluster)",
                        "use deleteAfter, which is the Workflow's ttlStrategy")
    return out


def _templates(ctx: Context) -> list[Json]:
    out = [dag.main_template(ctx)]
    if ctx.pipeline.finally_tasks:
        out.append(dag.exit_template(ctx))
    for task in ctx.pipeline.all_tasks:
        out += dag.task_templates(ctx, task)
    return out


def _param(ctx: Context, param: ir.Param) -> Json:
    out: Json = {"name": param.name}
    if param.default is not None:
        out["value"] = ctx.literal(_default_text(param.default), param.span)
    if param.description:
        out["description"] = param.description
    return out


def _run_params(ctx: Context) -> list[Json]:
    """The run params the backend declares (run.py), after the spec's own; a spec param of the same
    name would be one argument for two meanings, so it is refused."""
    fields = run.declared(ctx.pipeline)
    names = {ir.run_param(f): f for f in fields}
    for param in ctx.pipeline.params:
        if param.name in names:
            ctx.unsupported(param.span, f"a param named '{param.name}'",
                            f"the Argo backend declares that param itself for run.{names[param.name].value}",
                            "rename the param")
    return [run.param(ctx.pipeline, f) for f in fields]


def _default_text(value: ir.Scalar | tuple[str, ...]) -> str:
    """An array param's default is compact JSON, `["a","b"]`, the text the other backends give."""
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
    return syntax.scalar(value)


def _artifacts_claim(p: ir.Pipeline) -> Json:
    """The run's own volume: created with the run, deleted with it; artifacts are subPaths."""
    return {"metadata": {"name": ARTIFACTS_VOLUME}, "spec": kubernetes.run_claim_spec(p)}


def _volumes(ctx: Context) -> list[Json]:
    """Cache PVCs, which the platform team creates once, outside the run (secret volumes are the
    templates' own: their mode depends on the task's user, templates.py)."""
    return [kubernetes.cache_volume(v, ctx.pipeline, c) for c, v in ctx.cache_volumes.items()]
