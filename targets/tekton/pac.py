"""`--tekton-triggers pac`: the spec's pushes and pull requests as Pipelines-as-Code PipelineRuns
(companion `tekton-pac`, a file for the repository's `.tekton/` folder), instead of Tekton Triggers.

One PipelineRun per event kind, `<pipeline>-push` and `<pipeline>-pull-request`, each with the
Pipeline inline (`pipelineSpec`, as PaC users write it: its resolver bundles the run as one) and the
matching annotations of PaC (docs/content/docs/guide/matchingevents.md):
`pipelinesascode.tekton.dev/on-event` ("[push]" or "[pull_request]"), `on-target-branch` (branch
globs as written, tags as `refs/tags/<glob>`; for a pull request its target branches),
`on-path-change` and `on-path-change-ignore`; `max-keep-runs` from `kubernetes.run.keepRuns`
(guide/cleanups.md) and `cancel-in-progress` from a concurrency group of the run's ref that cancels
(guide/running.md, "Cancelling in-progress PipelineRuns"). PaC matches globs with gobwas/glob, whose
`*` also crosses `/` (GitHub's does not): a warning says so where a glob has one.

The run params the Pipeline declares are bound from PaC's dynamic variables (guide/authoringprs.md:
`{{ revision }}`, `{{ source_branch }}`, `{{ target_branch }}`, `{{ sender }}`,
`{{ pull_request_number }}`; `{{ body.<field> }}` reads the event's payload). PaC's source_branch of
a push is the branch name (pkg/formatting SanitizeBranch drops `refs/heads/`) but keeps `refs/tags/`
for a tag, and PaC has no short sha and no JSON list of labels (`{{ pull_request_labels }}` is one
label per line): those are SS501s where the pipeline reads them. PaC replaces `{{ var }}` anywhere in
the file, so text of the pipeline that PaC would replace is an SS501 too (values are never spliced).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ...compiler import ir, rules
from ...compiler.diagnostics import Diagnostic, error, warning
from . import checks, context, run
from .pipeline import pipeline_document

Doc = dict[str, Any]
PREFIX = "pipelinesascode.tekton.dev/"

_PUSH = {ir.RunField.EVENT: "push", ir.RunField.REF: "{{ body.ref }}", ir.RunField.SHA: "{{ revision }}",
         ir.RunField.ACTOR: "{{ sender }}"}
_PULL_REQUEST = {ir.RunField.EVENT: "pull_request", ir.RunField.REF: "refs/pull/{{ pull_request_number }}/head",
                 ir.RunField.REF_TYPE: "branch", ir.RunField.REF_NAME: "{{ source_branch }}",
                 ir.RunField.BRANCH: "{{ source_branch }}", ir.RunField.SHA: "{{ revision }}",
                 ir.RunField.ACTOR: "{{ sender }}", ir.RunField.PR_NUMBER: "{{ pull_request_number }}",
                 ir.RunField.PR_BASE_REF: "{{ target_branch }}", ir.RunField.PR_HEAD_REF: "{{ source_branch }}"}
_REPOSITORY = {"github": {ir.RunField.REPOSITORY: "{{ body.repository.full_name }}",
                          ir.RunField.OWNER: "{{ body.repository.owner.login }}",
                          ir.RunField.CLONE_URL: "{{ body.repository.clone_url }}"},
               "gitlab": {ir.RunField.REPOSITORY: "{{ body.project.path_with_namespace }}",
                          ir.RunField.CLONE_URL: "{{ body.project.git_http_url }}"}}
_REPLACED = re.compile(r"\{\{\s*(?:revision|repo_url|repo_owner|repo_name|source_branch|target_branch|sender|"
                       r"pull_request_number|git_auth_secret|event_type|trigger_comment|pull_request_labels|"
                       r"source_url|target_namespace|git_tag|body|headers|files)\b[^}]*}}")


def documents(p: ir.Pipeline, diags: list[Diagnostic]) -> list[Doc]:
    """A PipelineRun per event kind; [] when no push or pull request starts runs."""
    kinds: list[tuple[str, ir.PushTrigger | ir.PullRequestTrigger]] = []
    if p.triggers.push is not None:
        kinds.append(("push", p.triggers.push))
    if p.triggers.pull_request is not None:
        kinds.append(("pull-request", p.triggers.pull_request))
    if not kinds:
        return []
    for param in p.params:
        if param.required:
            diags.append(error(rules.MISSING_FIELD, param.span,
                               f"param {param.name} has no default: a run started by an event cannot give it",
                               "give the param a default"))
    spec = pipeline_document(p, [])["spec"]
    if found := _REPLACED.search(json.dumps(spec, ensure_ascii=False)):
        diags.append(checks.unsupported(p.span, f"the text '{found.group(0)}' in the pipeline",
                                        "Pipelines-as-Code replaces it in the whole PipelineRun file, and has no "
                                        "escape", "build the text at run time, e.g. printf '{%s' '{ revision }}'"))
    return [_run(p, name, trigger, spec, diags) for name, trigger in kinds]


def _run(p: ir.Pipeline, kind: str, trigger: ir.PushTrigger | ir.PullRequestTrigger, spec: Doc,
         diags: list[Diagnostic]) -> Doc:
    values = _values(p, trigger, diags)
    given = tuple((ir.run_param(f), values[f]) for f in context.declared(p) if f in values)
    doc = run.pipeline_run_document(p, given, [])
    metadata = {"name": f"{p.name}-{kind}", **{k: v for k, v in doc["metadata"].items() if k != "generateName"}}
    metadata["annotations"] = {**metadata.get("annotations", {}), **_annotations(p, trigger, diags)}
    run_spec = {("pipelineSpec" if k == "pipelineRef" else k): (spec if k == "pipelineRef" else v)
                for k, v in doc["spec"].items()}
    return {**doc, "metadata": metadata, "spec": run_spec}


def _values(p: ir.Pipeline, trigger: ir.PushTrigger | ir.PullRequestTrigger, diags: list[Diagnostic]) -> dict[
        ir.RunField, str]:
    provider = p.repository.provider if p.repository else "github"
    push = isinstance(trigger, ir.PushTrigger)
    values = {**(_PUSH if push else _PULL_REQUEST), **_REPOSITORY[provider]}
    if push and isinstance(trigger, ir.PushTrigger) and not (trigger.tags or trigger.tags_ignore) and (
            trigger.branches or trigger.branches_ignore):
        values |= {ir.RunField.REF_TYPE: "branch", ir.RunField.REF_NAME: "{{ source_branch }}",
                   ir.RunField.BRANCH: "{{ source_branch }}"}
    used = {r.kind: r for r in p.refs() if isinstance(r, ir.RunRef)}
    for field in context.declared(p):
        if field in values or field in (ir.RunField.ATTEMPT, ir.RunField.URL):
            continue
        if field in (ir.RunField.PR_NUMBER, ir.RunField.PR_BASE_REF, ir.RunField.PR_HEAD_REF) and push:
            continue  # '' on a push, as on every engine
        why = {ir.RunField.SHORT_SHA: "Pipelines-as-Code has no short sha",
               ir.RunField.PR_LABELS: "Pipelines-as-Code gives the labels one per line, not as a JSON list",
               ir.RunField.OWNER: "a GitLab payload names the project's group only inside path_with_namespace, "
                                  "and PaC's repo_owner is lowercased"}.get(
            field, "Pipelines-as-Code's source_branch keeps refs/tags/ for a tag push")
        span = used[field].span if field in used else p.span
        diags.append(checks.unsupported(span, f"run.{field.value} with Pipelines-as-Code", why,
                                        "derive it from run.sha or run.ref in the script, or use Tekton "
                                        "Triggers (--tekton-triggers triggers)"))
    return values


def _annotations(p: ir.Pipeline, trigger: ir.PushTrigger | ir.PullRequestTrigger, diags: list[Diagnostic]) -> Doc:
    out: Doc = {}
    if isinstance(trigger, ir.PushTrigger):
        out[PREFIX + "on-event"] = "[push]"
        if trigger.branches_ignore or trigger.tags_ignore:
            diags.append(checks.unsupported(trigger.span, "branches-ignore and tags-ignore with Pipelines-as-Code",
                                            "on-target-branch has no negation", "list the branches and tags to run on"))
        heads = list(trigger.branches) or (["*"] if not trigger.tags else [])
        tags = [f"refs/tags/{t}" for t in trigger.tags] or (["refs/tags/*"] if not trigger.branches else [])
        targets = heads + tags
    else:
        out[PREFIX + "on-event"] = "[pull_request]"
        if trigger.branches_ignore:
            diags.append(checks.unsupported(trigger.span, "branches-ignore with Pipelines-as-Code",
                                            "on-target-branch has no negation", "list the target branches"))
        if set(trigger.types) != set(ir.DEFAULT_PR_TYPES):
            diags.append(checks.unsupported(trigger.span, f"pull request types {list(trigger.types)} with "
                                            "Pipelines-as-Code", "PaC runs a pull_request PipelineRun when the "
                                            "pull request is opened, updated or reopened",
                                            "remove types, or use Tekton Triggers (--tekton-triggers triggers)"))
        targets = list(trigger.branches) or ["*"]
    out[PREFIX + "on-target-branch"] = _list(targets)
    if trigger.paths:
        out[PREFIX + "on-path-change"] = _list(list(trigger.paths))
    if trigger.paths_ignore:
        out[PREFIX + "on-path-change-ignore"] = _list(list(trigger.paths_ignore))
    for glob in (*targets, *trigger.paths, *trigger.paths_ignore):
        if re.search(r"(?<!\*)\*(?!\*)", glob) and glob not in ("*", "refs/tags/*"):
            diags.append(warning(rules.UNSUPPORTED_ON_TARGET, trigger.span,
                                 f"the glob '{glob}' is approximated on {checks.TARGET}: Pipelines-as-Code's `*` "
                                 "also matches '/'", "write the glob without `*` if names with '/' must not match"))
    if p.run.keep_runs is not None:
        out[PREFIX + "max-keep-runs"] = str(p.run.keep_runs)
    if p.concurrency is not None and p.concurrency.cancel_in_progress and checks.pac_group(p.concurrency):
        out[PREFIX + "cancel-in-progress"] = "true"
    return out


def _list(items: list[str]) -> str:
    """PaC's list syntax: `[a, b]`; a comma in an item is written `&#44;` (matchingevents.md)."""
    return "[" + ", ".join(i.replace(",", "&#44;") for i in items) + "]"
