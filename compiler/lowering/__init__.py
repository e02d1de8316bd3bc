"""Spec models -> IR: resolve references, rewrite scripts, fill defaults. Knows no target.

One module per concept: `params` (params, pipeline results), `triggers`, `tasks` (a task and its parts),
`shell` (scripts and `sh -c` argv: references through env vars), `matrix`, `limits` (retries);
`context` is what they share and `site` carries each node's position, so every IR node gets the
span of the YAML it came from. Problems are collected, not raised: the user sees all of them.
"""

from __future__ import annotations

from .. import ir, placement, spec
from ..diagnostics import Diagnostic
from ..loader import Document
from ..refs import Scope, TaskInfo
from . import params, platform, tasks, triggers
from .context import Context, producers
from .site import Site


def lower(model: spec.Spec, doc: Document, source: str) -> tuple[ir.Pipeline, list[Diagnostic]]:
    """The IR of a validated spec, and every problem found while resolving it."""
    body = model.spec
    scope = Scope(params={p.name: params.PARAM_TYPES[p.type] for p in body.params}, tasks=_task_infos(body))
    ctx = Context(scope, producers(body), frozenset(c.name for c in body.caches),
                  checkouts=frozenset(t.name for t in body.tasks if t.uses == "checkout"),
                  groups=frozenset(body.groups))
    root = Site(doc, ("spec",))
    k8s = body.kubernetes or spec.PipelineKubernetes()
    storage = k8s.storage or spec.Storage()
    pipeline = ir.Pipeline(
        name=model.metadata.name,
        source=source,
        namespace=model.metadata.namespace,
        labels=tuple(model.metadata.labels.items()),
        annotations=tuple(model.metadata.annotations.items()),
        description=model.metadata.description,
        params=tuple(params.param(ctx, p, root / "params" / i) for i, p in enumerate(body.params)),
        tasks=tuple(tasks.task(ctx, t, root / "tasks" / i, False) for i, t in enumerate(body.tasks)),
        finally_tasks=tuple(tasks.task(ctx, t, root / "finally" / i, True) for i, t in enumerate(body.finally_)),
        results=tuple(params.pipeline_result(ctx, r, root / "results" / i) for i, r in enumerate(body.results)),
        caches=tuple(ir.Cache(c.name, (root / "caches" / i / "name").span) for i, c in enumerate(body.caches)),
        service_account=k8s.service_account,
        host_network=k8s.host_network,
        artifact_store=ir.ArtifactStore(k8s.artifacts),
        storage_size=storage.size,
        storage_class=storage.storage_class,
        storage_access_mode=storage.access_mode,
        repository=platform.repository(body.repository, root / "repository"),
        run=platform.run_settings(ctx, k8s.run, root / "kubernetes" / "run"),
        triggers=triggers.triggers(ctx, body.triggers, root / "triggers"),
        concurrency=params.concurrency(ctx, body.concurrency, root / "concurrency"),
        timeout_s=ctx.seconds(body.timeout, root / "timeout"),
        timeout_span=(root / "timeout").span,
        runs_on=(body.github.runs_on if body.github and body.github.runs_on else ir.DEFAULT_RUNS_ON),
        runs_on_span=(root / "github" / "runsOn").span if body.github and body.github.runs_on else None,
        permissions=tuple(body.github.permissions.items()) if body.github else (),
        permissions_span=(root / "github" / "permissions").span,
        span=Site(doc, ("metadata", "name")).span,
    )
    return pipeline, scope.diagnostics + list(placement.expressions_out_of_place(doc))


def _task_infos(body: spec.PipelineSpec) -> dict[str, TaskInfo]:
    infos: dict[str, TaskInfo] = {}
    for is_finally, group in ((False, body.tasks), (True, body.finally_)):
        for t in group:
            names = tuple(r if isinstance(r, str) else r.name for r in t.results)
            names = ir.CHECKOUT_RESULTS if t.uses == "checkout" else names
            names = tuple(t.uses.outputs) if isinstance(t.uses, spec.Native) else names
            infos.setdefault(t.name, TaskInfo(t.name, names, t.matrix is not None, is_finally))
    return infos
