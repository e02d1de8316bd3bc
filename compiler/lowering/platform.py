"""Where a pipeline meets its platform: the repository it builds, and the settings of the run itself
(metadata and retention of the Argo Workflow or Tekton PipelineRun)."""

from __future__ import annotations

from .. import ir, spec
from .context import Context
from .site import Site

_HOSTS = {"github": "https://github.com", "gitlab": "https://gitlab.com"}


def repository(r: spec.Repository | None, site: Site) -> ir.Repository | None:
    if r is None:
        return None
    secret = r.webhook_secret
    return ir.Repository(
        name=r.name,
        provider=r.provider,
        clone_url=r.url or f"{_HOSTS[r.provider]}/{r.name}.git",
        webhook_secret=ir.SecretRef(secret.secret, secret.key, (site / "webhookSecret").span) if secret else None,
        span=(site / "name").span,
    )


def run_settings(ctx: Context, r: spec.RunSettings | None, site: Site) -> ir.RunSettings:
    if r is None:
        return ir.RunSettings()
    after = r.delete_after
    if isinstance(after, spec.TtlAfter):
        success = ctx.seconds(after.succeeded, site / "deleteAfter" / "succeeded")
        failure = ctx.seconds(after.failed, site / "deleteAfter" / "failed")
    else:
        success = failure = ctx.seconds(after, site / "deleteAfter")
    return ir.RunSettings(
        labels=tuple(r.labels.items()),
        annotations=tuple(r.annotations.items()),
        delete_after_success_s=success,
        delete_after_failure_s=failure,
        delete_after_span=(site / "deleteAfter").span,
        keep_runs=r.keep_runs,
        keep_runs_span=(site / "keepRuns").span,
        pod_gc=r.pod_gc,
        pod_gc_span=(site / "podGC").span,
        span=site.span,
    )
