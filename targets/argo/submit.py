"""The Workflow a trigger submits: the one this backend builds, or a reference to the template.

A CronWorkflow's `workflowSpec` and a Sensor's `argoWorkflow` source both need a Workflow. When the
main document is a Workflow, that is its full spec, inline (there is nothing else on the cluster to
point at). When it is a WorkflowTemplate or ClusterWorkflowTemplate, it is `workflowTemplateRef`
(with `clusterScope` for the cluster kind) and only the arguments the trigger sets: the template is
applied once and every run reads it, so the trigger never carries a stale copy of the pipeline
(Argo's workflow-templates.md, "Create Workflow from WorkflowTemplate Spec"; Argo Events'
examples/sensors/trigger-workflow-template.yaml does the same).
"""

from __future__ import annotations

import copy
from typing import Any

from ...compiler import ir

Json = dict[str, Any]
TEMPLATE_KINDS = ("WorkflowTemplate", "ClusterWorkflowTemplate")


def workflow_spec(main: Json, fields: tuple[ir.RunField, ...], values: dict[ir.RunField, str]) -> Json:
    """The spec of a Workflow like `main`'s: its arguments hold every field in `fields` (the run
    params the pipeline declares), with `values` where given, else the by-hand default `main` declares."""
    declared = {p["name"]: p.get("value", "") for p in main["spec"].get("arguments", {}).get("parameters", [])}
    names = {ir.run_param(f): values.get(f, declared[ir.run_param(f)]) for f in fields}
    if main["kind"] not in TEMPLATE_KINDS:
        spec: Json = copy.deepcopy(main["spec"])
        for param in spec.get("arguments", {}).get("parameters", []):
            if param["name"] in names:
                param["value"] = names[param["name"]]
        return spec
    ref: Json = {"name": main["metadata"]["name"]}
    if main["kind"] == "ClusterWorkflowTemplate":
        ref["clusterScope"] = True
    spec = {"workflowTemplateRef": ref}
    if names:
        spec["arguments"] = {"parameters": [{"name": n, "value": v} for n, v in names.items()]}
    return spec


def workflow(main: Json, fields: tuple[ir.RunField, ...]) -> Json:
    """A whole Workflow document to submit (a Sensor's `source.resource`), named `<pipeline>-…`."""
    name = main["metadata"].get("name") or main["metadata"]["generateName"].removesuffix("-")
    metadata: Json = {"generateName": f"{name}-"}
    if "namespace" in main["metadata"]:
        metadata["namespace"] = main["metadata"]["namespace"]
    if main["kind"] not in TEMPLATE_KINDS:  # a template's runs get its workflowMetadata
        metadata |= {k: main["metadata"][k] for k in ("labels", "annotations") if k in main["metadata"]}
    return {"apiVersion": main["apiVersion"], "kind": "Workflow", "metadata": metadata,
            "spec": workflow_spec(main, fields, {})}


def param_index(spec: Json, field: ir.RunField) -> int:
    """Where a run param is in `spec.arguments.parameters` (a Sensor's `dest` names it by index)."""
    names = [p["name"] for p in spec["arguments"]["parameters"]]
    return names.index(ir.run_param(field))


def run_metadata(main: Json) -> Json:
    """A CronWorkflow's `workflowMetadata` for the runs of an inline Workflow: its labels and
    annotations (a template's runs get the template's own `workflowMetadata`)."""
    if main["kind"] in TEMPLATE_KINDS:
        return {}
    return {k: main["metadata"][k] for k in ("labels", "annotations") if k in main["metadata"]}
