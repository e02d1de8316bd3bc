"""`pipeline.triggers` on Tekton: Tekton Triggers (triggers.tekton.dev/v1beta1) documents, a file
of their own (companion `tekton-triggers`), written when a push or a pull request starts runs.

- An EventListener `<pipeline>` with one trigger per event kind. Each trigger runs the `github`
  ClusterInterceptor first (it checks the webhook's HMAC with the repository's `webhookSecret`, or
  else the Secret `<pipeline>-webhook`, key `secret`, which the platform team creates, and keeps
  only that X-GitHub-Event; for a GitLab repository the `gitlab` interceptor checks the token and
  keeps "Push Hook" and "Tag Push Hook", or "Merge Request Hook"), then `cel`, whose
  `filter` keeps the spec's branches, tags, types and paths and whose `overlays` compute what a
  binding cannot take verbatim from the payload (`$(extensions.<key>)`). With path filters the
  github interceptor adds `extensions.changed_files`, a comma-separated list (pkg/interceptors/
  github/github.go `AddChangedFiles`: from the push's commits, or for a pull request from GitHub's
  API, unauthenticated: a private repository needs the platform team to add `personalAccessToken`).
  The listener creates runs as the ServiceAccount `<pipeline>-triggers` (platform-made, bound to
  Triggers' eventlistener roles; docs/eventlisteners.md: "You must specify a Kubernetes service
  account").
- A TriggerBinding per event kind: each run param the Pipeline declares (`context.declared`) from
  the payload (GitHub webhook payloads: push `ref`, `after`, `deleted`; pull_request `action`,
  `number`, `pull_request.head.sha|ref`, `pull_request.base.ref`; both `repository.full_name`,
  `repository.owner.login`, `repository.clone_url`, `sender.login`). A pull request builds its head
  commit, so its ref is `refs/pull/N/head` (GitHub's `merge_commit_sha` is null until it has computed
  mergeability); its labels are `body.pull_request.labels.map(l, l.name).marshalJSON()`, the compact
  JSON list (Triggers' CEL `marshalJSON`, docs/cel_expressions.md). GitLab: the payload's own fields
  (`GITLAB_PUSH_VALUES`, `GITLAB_MERGE_REQUEST_VALUES`); a merge request's changed files are not in
  its payload, so its path filters are an SS501. run.url and run.attempt have no payload source:
  their defaults stay (`ir.Pipeline.run_default`: the repository's own name and clone URL).
- A TriggerTemplate `<pipeline>` whose PipelineRun is `run.pipeline_run_document` with each bound
  param as `$(tt.params.<name>)` (pkg/template/event.go: a missing payload field falls back to the
  template param's default, the field's by-hand value).

GitHub's filter rules are kept: only branch filters means tag pushes do not start runs and vice
versa; path filters are not evaluated for tag pushes; a deleted branch or tag starts nothing.
A pull request from a fork starts nothing: GitHub runs one without secrets, Tekton cannot withhold
the pipeline's service account and secrets from code it did not review.

Values from the event are untrusted: they only ever reach params, which steps read through env.
Tekton has no cron: a schedule is an SS501.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...compiler import ir, rules
from ...compiler.diagnostics import Diagnostic, error
from . import checks, context, run

Doc = dict[str, Any]
Globs = tuple[str, ...]
API_VERSION = "triggers.tekton.dev/v1beta1"
WEBHOOK_SECRET_KEY = "secret"
_HEADS, _TAGS = "refs/heads/", "refs/tags/"
_FILES = "extensions.changed_files.split(',')"
_REF_NAME = "body.ref.split('/', 3)[2]"  # refs/heads/feature/x -> feature/x (cel-go ext.Strings)

_REPOSITORY = {ir.RunField.REPOSITORY: "$(body.repository.full_name)",
               ir.RunField.OWNER: "$(body.repository.owner.login)",
               ir.RunField.CLONE_URL: "$(body.repository.clone_url)",
               ir.RunField.ACTOR: "$(body.sender.login)"}
PUSH_VALUES: dict[ir.RunField, str] = {
    ir.RunField.EVENT: "push", ir.RunField.REF: "$(body.ref)", ir.RunField.REF_TYPE: "$(extensions.ref_type)",
    ir.RunField.REF_NAME: "$(extensions.ref_name)", ir.RunField.BRANCH: "$(extensions.branch)",
    ir.RunField.SHA: "$(body.after)", ir.RunField.SHORT_SHA: "$(extensions.short_sha)", **_REPOSITORY}
PULL_REQUEST_VALUES: dict[ir.RunField, str] = {
    ir.RunField.EVENT: "pull_request", ir.RunField.REF: "refs/pull/$(body.number)/head",
    ir.RunField.REF_TYPE: "branch", ir.RunField.REF_NAME: "$(body.pull_request.head.ref)",
    ir.RunField.BRANCH: "$(body.pull_request.head.ref)", ir.RunField.SHA: "$(body.pull_request.head.sha)",
    ir.RunField.SHORT_SHA: "$(extensions.short_sha)", **_REPOSITORY,
    ir.RunField.PR_NUMBER: "$(body.number)", ir.RunField.PR_BASE_REF: "$(body.pull_request.base.ref)",
    ir.RunField.PR_HEAD_REF: "$(body.pull_request.head.ref)"}
PUSH_OVERLAYS = {ir.RunField.REF_TYPE: f"body.ref.startsWith('{_TAGS}') ? 'tag' : 'branch'",
                 ir.RunField.REF_NAME: _REF_NAME,
                 ir.RunField.BRANCH: f"body.ref.startsWith('{_HEADS}') ? {_REF_NAME} : ''",
                 ir.RunField.SHORT_SHA: "body.after.truncate(7)"}
PULL_REQUEST_VALUES[ir.RunField.PR_LABELS] = "$(extensions.pr_labels)"
PULL_REQUEST_OVERLAYS = {ir.RunField.SHORT_SHA: "body.pull_request.head.sha.truncate(7)",
                         ir.RunField.PR_LABELS: "body.pull_request.labels.map(l, l.name).marshalJSON()"}

# GitLab webhook payloads (docs.gitlab.com, "Webhook events"): a push or tag push (`ref`,
# `checkout_sha`: for a tag the commit it points to, `project.*`, `user_username`) and a merge
# request (`object_attributes.iid|source_branch|target_branch|last_commit.id|action`, `labels`,
# `user.username`). A merge request's head is `refs/merge-requests/<iid>/head`.
_GITLAB_PATH = "body.project.path_with_namespace"
_GITLAB_REPOSITORY = {ir.RunField.REPOSITORY: f"$({_GITLAB_PATH})", ir.RunField.OWNER: "$(extensions.owner)",
                      ir.RunField.CLONE_URL: "$(body.project.git_http_url)"}
GITLAB_PUSH_VALUES: dict[ir.RunField, str] = {
    **PUSH_VALUES, ir.RunField.SHA: "$(body.checkout_sha)", **_GITLAB_REPOSITORY,
    ir.RunField.ACTOR: "$(body.user_username)"}
GITLAB_MERGE_REQUEST_VALUES: dict[ir.RunField, str] = {
    ir.RunField.EVENT: "pull_request", ir.RunField.REF: "refs/merge-requests/$(body.object_attributes.iid)/head",
    ir.RunField.REF_TYPE: "branch", ir.RunField.REF_NAME: "$(body.object_attributes.source_branch)",
    ir.RunField.BRANCH: "$(body.object_attributes.source_branch)",
    ir.RunField.SHA: "$(body.object_attributes.last_commit.id)", ir.RunField.SHORT_SHA: "$(extensions.short_sha)",
    **_GITLAB_REPOSITORY, ir.RunField.ACTOR: "$(body.user.username)",
    ir.RunField.PR_NUMBER: "$(body.object_attributes.iid)",
    ir.RunField.PR_BASE_REF: "$(body.object_attributes.target_branch)",
    ir.RunField.PR_HEAD_REF: "$(body.object_attributes.source_branch)",
    ir.RunField.PR_LABELS: "$(extensions.pr_labels)"}
_GITLAB_OWNER = f"{_GITLAB_PATH}.substring(0, {_GITLAB_PATH}.lastIndexOf('/'))"
GITLAB_PUSH_OVERLAYS = {**PUSH_OVERLAYS, ir.RunField.SHORT_SHA: "body.checkout_sha.truncate(7)",
                        ir.RunField.OWNER: _GITLAB_OWNER}
GITLAB_MERGE_REQUEST_OVERLAYS = {ir.RunField.SHORT_SHA: "body.object_attributes.last_commit.id.truncate(7)",
                                 ir.RunField.OWNER: _GITLAB_OWNER,
                                 ir.RunField.PR_LABELS: "body.labels.map(l, l.title).marshalJSON()"}
_GITLAB_ACTIONS = {"opened": "body.object_attributes.action == 'open'",
                   "reopened": "body.object_attributes.action == 'reopen'",
                   "synchronize": "(body.object_attributes.action == 'update' && has(body.object_attributes.oldrev))",
                   "closed": "body.object_attributes.action in ['close', 'merge']"}
"""GitHub's pull request types as GitLab merge request actions; an update with `oldrev` has new commits."""
_NO_COMMIT = "0" * 40


def schedules(p: ir.Pipeline) -> Iterator[Diagnostic]:
    """Tekton has no cron: each schedule is an SS501 at its place."""
    for schedule in p.triggers.schedules:
        yield checks.unsupported(schedule.span, "a schedule", "Tekton has no cron",
                                 "run a Kubernetes CronJob that posts to the EventListener, "
                                 "or schedule the run from Argo or GitHub")


LISTENER_NAME_MAX = 60
"""Triggers prefixes the listener's Service with `el-` and so rejects longer names
(pkg/apis/triggers/v1beta1/event_listener_validation.go)."""


def listener_name(p: ir.Pipeline) -> Iterator[Diagnostic]:
    """The EventListener is named after the pipeline, which Tekton otherwise allows 63 characters."""
    if p.triggers.events and len(p.name) > LISTENER_NAME_MAX:
        yield error(rules.UNSUPPORTED_ON_TARGET, p.triggers.span,
                    f"EventListener name '{p.name}' has {len(p.name)} characters; {checks.TARGET} allows "
                    f"{LISTENER_NAME_MAX}", f"shorten the pipeline name to {LISTENER_NAME_MAX} characters or fewer")


def documents(p: ir.Pipeline, diags: list[Diagnostic]) -> list[Doc]:
    """The EventListener, a TriggerBinding per event kind, and the TriggerTemplate; [] without events."""
    kinds = _kinds(p)
    if not kinds:
        return []
    if gitlab(p):
        diags += _gitlab_unsupported(p)
    bound = _bound(p, kinds)
    listener_spec: Doc = {"serviceAccountName": f"{p.name}-triggers",
                          "triggers": [_trigger(p, kind, trigger, bound) for kind, trigger, _, _ in kinds]}
    docs = [_doc("EventListener", p.name, p, listener_spec)]
    for kind, _, values, _ in kinds:
        params = [{"name": ir.run_param(f), "value": values[f]} for f in bound if f in values]
        docs.append(_doc("TriggerBinding", f"{p.name}-{kind}", p, {"params": params}))
    docs.append(_doc("TriggerTemplate", p.name, p, _template_spec(p, bound, diags)))
    return docs


Kind = tuple[str, ir.PushTrigger | ir.PullRequestTrigger, dict[ir.RunField, str], dict[ir.RunField, str]]


def gitlab(p: ir.Pipeline) -> bool:
    return p.repository is not None and p.repository.provider == "gitlab"


def _kinds(p: ir.Pipeline) -> list[Kind]:
    """(name, trigger, binding values, overlays) for each event kind the spec has, push first."""
    out: list[Kind] = []
    lab = gitlab(p)
    if p.triggers.push is not None:
        out.append(("push", p.triggers.push, GITLAB_PUSH_VALUES if lab else PUSH_VALUES,
                    GITLAB_PUSH_OVERLAYS if lab else PUSH_OVERLAYS))
    if p.triggers.pull_request is not None:
        out.append(("pull-request", p.triggers.pull_request,
                    GITLAB_MERGE_REQUEST_VALUES if lab else PULL_REQUEST_VALUES,
                    GITLAB_MERGE_REQUEST_OVERLAYS if lab else PULL_REQUEST_OVERLAYS))
    return out


def _gitlab_unsupported(p: ir.Pipeline) -> Iterator[Diagnostic]:
    pr = p.triggers.pull_request
    if pr is None:
        return
    if pr.paths or pr.paths_ignore:
        yield checks.unsupported(pr.span, "path filters of a GitLab merge request",
                                 "a GitLab merge request event does not list the files it changes, and Tekton "
                                 "Triggers' gitlab interceptor does not fetch them",
                                 "remove the pull request's paths, or test the changed files in a first task")
    if other := [t for t in pr.types if t not in _GITLAB_ACTIONS]:
        yield checks.unsupported(pr.span, f"pull request types {other} for GitLab",
                                 f"shipspec maps only {', '.join(_GITLAB_ACTIONS)} to GitLab merge request actions",
                                 "remove those types")


def webhook_secret(p: ir.Pipeline) -> Doc:
    """The repository's webhook secret, or `<pipeline>-webhook` key `secret` by default."""
    ref = p.repository.webhook_secret if p.repository else None
    if ref is not None:
        return {"secretName": ref.secret, "secretKey": ref.key}
    return {"secretName": f"{p.name}-webhook", "secretKey": WEBHOOK_SECRET_KEY}


def _bound(p: ir.Pipeline, kinds: list[Kind]) -> tuple[ir.RunField, ...]:
    """The declared run fields some event kind binds, in `ir.RunField` order."""
    return tuple(f for f in context.declared(p) if any(f in values for _, _, values, _ in kinds))


def _doc(kind: str, name: str, p: ir.Pipeline, spec: Doc) -> Doc:
    metadata: Doc = {"name": name}
    if p.namespace:
        metadata["namespace"] = p.namespace
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def _trigger(p: ir.Pipeline, kind: str, trigger: ir.PushTrigger | ir.PullRequestTrigger,
             bound: tuple[ir.RunField, ...]) -> Doc:
    """github or gitlab (webhook secret, event type, changed files) then cel (filter, overlays); the
    binding and template."""
    lab = gitlab(p)
    if lab:
        types = ["Push Hook", "Tag Push Hook"] if kind == "push" else ["Merge Request Hook"]
    else:
        types = ["push" if kind == "push" else "pull_request"]
    provider: list[Doc] = [{"name": "secretRef", "value": webhook_secret(p)}, {"name": "eventTypes", "value": types}]
    if (trigger.paths or trigger.paths_ignore) and not lab:
        provider.append({"name": "addChangedFiles", "value": {"enabled": True}})
    interceptors: list[Doc] = [{"ref": {"name": "gitlab" if lab else "github", "kind": "ClusterInterceptor"},
                                "params": provider}]
    overlays = next(o for k, _, _, o in _kinds(p) if k == kind)
    cel: list[Doc] = [{"name": "filter", "value": _filter(trigger, lab)}]
    if keys := [{"key": f.value, "expression": overlays[f]} for f in bound if f in overlays]:
        cel.append({"name": "overlays", "value": keys})
    interceptors.append({"ref": {"name": "cel", "kind": "ClusterInterceptor"}, "params": cel})
    return {"name": kind, "interceptors": interceptors, "bindings": [{"ref": f"{p.name}-{kind}"}],
            "template": {"ref": p.name}}


def _filter(trigger: ir.PushTrigger | ir.PullRequestTrigger, lab: bool = False) -> str:
    if isinstance(trigger, ir.PushTrigger):
        return push_filter(trigger, lab)
    if lab:
        return merge_request_filter(trigger)
    return pull_request_filter(trigger)


def merge_request_filter(t: ir.PullRequestTrigger) -> str:
    """The actions of the types, the target branch, and only merge requests from the project itself."""
    actions = [_GITLAB_ACTIONS[kind] for kind in t.types if kind in _GITLAB_ACTIONS] or ["false"]
    parts = [_either(actions) if len(actions) > 1 else actions[0],
             "body.object_attributes.source_project_id == body.object_attributes.target_project_id",
             *_globs("body.object_attributes.target_branch", t.branches, t.branches_ignore, "")]
    return " && ".join(parts)


def push_filter(t: ir.PushTrigger, lab: bool = False) -> str:
    """GitHub's push rules as CEL: branch filters alone keep tags out and tag filters alone keep
    branches out; paths apply to branch pushes only ("Path filters are not evaluated for pushes
    of tags"); a deletion (`deleted`, `after` all zeros) has nothing to build."""
    branch_filter, tag_filter = bool(t.branches or t.branches_ignore), bool(t.tags or t.tags_ignore)
    alternatives: list[str] = []
    if branch_filter or not tag_filter:
        branch = [f"body.ref.startsWith('{_HEADS}')", *_globs("body.ref", t.branches, t.branches_ignore, _HEADS),
                  *_paths(t.paths, t.paths_ignore, lab)]
        alternatives.append(" && ".join(branch))
    if tag_filter or not branch_filter:
        alternatives.append(" && ".join([f"body.ref.startsWith('{_TAGS}')",
                                         *_globs("body.ref", t.tags, t.tags_ignore, _TAGS)]))
    live = f"body.after != '{_NO_COMMIT}'" if lab else "!body.deleted"
    if not (branch_filter or tag_filter or t.paths or t.paths_ignore):
        return live
    return f"{live} && " + _either(alternatives)


def pull_request_filter(t: ir.PullRequestTrigger) -> str:
    """The activity types, the target branch (`base.ref`, a branch name), the paths; only pull
    requests whose head is in the repository itself (see the module docstring)."""
    types = ", ".join(_cel_string(kind) for kind in t.types)
    parts = [f"body.action in [{types}]", "body.pull_request.head.repo.full_name == body.repository.full_name",
             *_globs("body.pull_request.base.ref", t.branches, t.branches_ignore, ""),
             *_paths(t.paths, t.paths_ignore)]
    return " && ".join(parts)


def _either(alternatives: list[str]) -> str:
    if len(alternatives) == 1:
        return alternatives[0]
    return "(" + " || ".join(f"({a})" for a in alternatives) + ")"  # && binds tighter than ||


def _globs(subject: str, keep: Globs, ignore: Globs, prefix: str) -> list[str]:
    out = [f"{subject}.matches({_cel_string(_regex(keep, prefix))})"] if keep else []
    if ignore:
        out.append(f"!{subject}.matches({_cel_string(_regex(ignore, prefix))})")
    return out


def _paths(keep: Globs, ignore: Globs, lab: bool = False) -> list[str]:
    """Some changed file matches a path glob and is not ignored (GitHub: with paths-ignore alone,
    a run starts unless every changed file is ignored). GitLab: the files each commit of the push
    added, modified or removed (a push event lists at most 20 commits)."""
    if not (keep or ignore):
        return []
    file = " && ".join([*_globs("f", keep, (), ""), *_globs("f", (), ignore, "")])
    if lab:
        return [f"body.commits.exists(c, (c.added + c.modified + c.removed).exists(f, {file}))"]
    return [f"{_FILES}.exists(f, {file})"]


def _regex(globs: Globs, prefix: str) -> str:
    """One anchored RE2 alternation of `ir.glob_regex` bodies, after the literal ref prefix."""
    bodies = [ir.glob_regex(g)[1:-1] for g in globs]
    inner = bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")"
    return f"^{prefix}{inner}$"


def _cel_string(text: str) -> str:
    """A CEL string literal: backslashes and quotes escaped (a regex's `\\.` is not a CEL escape)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _template_spec(p: ir.Pipeline, bound: tuple[ir.RunField, ...], diags: list[Diagnostic]) -> Doc:
    """The bound params, each with its by-hand default, and the PipelineRun that passes them on."""
    for param in p.params:
        if param.required:
            diags.append(error(rules.MISSING_FIELD, param.span,
                               f"param {param.name} has no default: a run started by an event cannot give it",
                               "give the param a default"))
    given = tuple((ir.run_param(f), f"$(tt.params.{ir.run_param(f)})") for f in bound)
    pipeline_run = run.pipeline_run_document(p, given, [])  # required params: reported above
    params = [{"name": ir.run_param(f), "description": ir.RUN_FIELDS[f][0], "default": p.run_default(f)}
              for f in bound]
    spec: Doc = {"params": params} if params else {}
    spec["resourcetemplates"] = [pipeline_run]
    return spec
