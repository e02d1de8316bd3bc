"""Schedules: one CronWorkflow per time zone, in the companion file `argo-cron`.

Argo v4 takes a list, `spec.schedules` (the singular `schedule` was removed), but one `timezone`
per CronWorkflow (cron-workflows.md, "CronWorkflow Options"), so schedules in different zones need
one CronWorkflow each: `<pipeline>` when there is one, else `<pipeline>-1`, `<pipeline>-2`… in the
order the zones first appear. A schedule without a zone is UTC, as in the spec (and on GitHub);
Argo would otherwise use the controller's local time, so `timezone: UTC` is written.
`concurrencyPolicy: Allow`: each tick starts a run, as a schedule does on GitHub; the pipeline's
own `concurrency` (a mutex in the Workflow) still serialises them. The run's `event` is
"schedule"; every other run param keeps its by-hand default (a tick has no commit or actor).
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from . import run, submit

Json = dict[str, Any]
MAX_NAME = 52
"""Argo refuses a longer CronWorkflow name, as it appends a timestamp to name each Workflow
(workflow/validate/validate.go `ValidateCronWorkflow`; the tugboat linter's CW001 says the same)."""


def zones(schedules: tuple[ir.Schedule, ...]) -> dict[str, list[ir.Schedule]]:
    """The schedules by time zone, zones in first-seen order (None is UTC)."""
    out: dict[str, list[ir.Schedule]] = {}
    for s in schedules:
        out.setdefault(s.timezone or "UTC", []).append(s)
    return out


def documents(main: Json, pipeline: ir.Pipeline) -> list[Json]:
    """The CronWorkflows of the pipeline's schedules (none without schedules)."""
    grouped = zones(pipeline.triggers.schedules)
    fields = run.declared(pipeline)
    spec = submit.workflow_spec(main, fields, {ir.RunField.EVENT: "schedule"})
    out = []
    for n, (zone, schedules) in enumerate(grouped.items(), start=1):
        name = pipeline.name if len(grouped) == 1 else f"{pipeline.name}-{n}"
        metadata: Json = {"name": name}
        if "namespace" in main["metadata"]:
            metadata["namespace"] = main["metadata"]["namespace"]
        cron_spec: Json = {"schedules": [s.cron for s in schedules], "timezone": zone, "concurrencyPolicy": "Allow"}
        if run_meta := submit.run_metadata(main):
            cron_spec["workflowMetadata"] = run_meta
        out.append({"apiVersion": main["apiVersion"], "kind": "CronWorkflow", "metadata": metadata,
                    "spec": cron_spec | {"workflowSpec": spec}})
    return out


def names(pipeline: ir.Pipeline) -> list[tuple[str, ir.Schedule]]:
    """Each CronWorkflow's name with its first schedule (where a too-long name is reported)."""
    grouped = zones(pipeline.triggers.schedules)
    if len(grouped) == 1:
        return [(pipeline.name, next(iter(grouped.values()))[0])]
    return [(f"{pipeline.name}-{n}", s[0]) for n, s in enumerate(grouped.values(), start=1)]
