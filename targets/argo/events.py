"""Pushes and pull requests: an Argo Events EventSource and Sensor, in the companion `argo-events`.

EventSource `<pipeline>`: for a spec that names no repository, a `webhook` source (event `github`)
that GitHub's repository webhook posts to. Argo Events' own `github` source verifies GitHub's
signature with a `webhookSecret`, but it refuses to start without `repositories` or
`organizations` (pkg/eventsources/sources/github/validate.go); so without a repository the generic
webhook source is used, and the trigger warns that it checks no signature. Its event data is
`{header, body}` (pkg/eventsources/events/event-data.go `WebhookEventData`), headers in Go's
canonical case: the event kind is `header.X-Github-Event.0`.

Sensor `<pipeline>`: one dependency per event kind (`push`, `pull-request`), each with data filters
(pkg/sensors/dependencies/filter.go `filterData`: filters are ANDed, the values of one filter
ORed, a string value is a regular expression, comparator `!=` inverts it), and one trigger per
dependency (`conditions` names it, so each binds from its own payload) that submits the Workflow
(`argoWorkflow`, operation `submit`) with the run params bound from the payload
(pkg/sensors/triggers/params.go `ResolveParamValue`: `dataKey` is a gjson path, `dataTemplate` a
Go template with sprig over `.Input`, `value` a literal). Payload fields are GitHub's push and
pull_request webhook payloads. A push's path filters are a Lua `script` filter over the changed
files its commits list (paths.py); a pull request's payload lists no files, so its path filters
are an error (SS501).

With a named repository (`spec.repository`) the EventSource is Argo Events' own `github` source,
which checks each delivery's signature with the webhook secret, or its `gitlab` source, which
checks GitLab's secret token (gitlab.py); the generic webhook source is only for a spec that names
no repository, with a warning that it checks nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...compiler import ir
from . import filters, gitlab, paths, run, submit
from .context import Context
from .filters import match, ref_filters

Json = dict[str, Any]
Globs = tuple[str, ...]
EVENT = "github"
PORT = 12000  # Argo Events' examples' port for webhook sources
ENDPOINT = "/github"
EVENT_HEADER = "header.X-Github-Event.0"
API_VERSION = "argoproj.io/v1alpha1"
SERVICE_ACCOUNT = "operate-workflow-sa"
"""The Sensor's account, allowed to submit Workflows: the name in Argo Events' examples/rbac/sensor-rbac.yaml."""


PUSH_FIELDS: dict[ir.RunField, Json] = {
    ir.RunField.EVENT: {"value": "push"},
    ir.RunField.REF: {"dataKey": "body.ref"},
    ir.RunField.REF_TYPE: {"dataTemplate": filters.REF_TYPE_TEMPLATE},
    ir.RunField.REF_NAME: {"dataTemplate": filters.REF_NAME_TEMPLATE},
    ir.RunField.BRANCH: {"dataTemplate": filters.BRANCH_TEMPLATE},
    ir.RunField.SHA: {"dataKey": "body.after"},
    ir.RunField.SHORT_SHA: {"dataTemplate": "{{ .Input.body.after | substr 0 7 }}"},
    ir.RunField.REPOSITORY: {"dataKey": "body.repository.full_name"},
    ir.RunField.OWNER: {"dataKey": "body.repository.owner.login"},
    ir.RunField.CLONE_URL: {"dataKey": "body.repository.clone_url"},
    ir.RunField.ACTOR: {"dataKey": "body.sender.login"},
}
"""Where each run field is in a push payload; the pull request fields keep their defaults ("")."""

PUSH_FIELDS[ir.RunField.PR_LABELS] = {"value": "[]"}

PR_FIELDS: dict[ir.RunField, Json] = {
    ir.RunField.EVENT: {"value": "pull_request"},
    ir.RunField.REF: {"dataTemplate": "refs/pull/{{ .Input.body.number | int }}/head"},
    ir.RunField.REF_TYPE: {"value": "branch"},
    ir.RunField.REF_NAME: {"dataKey": "body.pull_request.head.ref"},
    ir.RunField.BRANCH: {"dataKey": "body.pull_request.head.ref"},
    ir.RunField.SHA: {"dataKey": "body.pull_request.head.sha"},
    ir.RunField.SHORT_SHA: {"dataTemplate": "{{ .Input.body.pull_request.head.sha | substr 0 7 }}"},
    ir.RunField.REPOSITORY: {"dataKey": "body.repository.full_name"},
    ir.RunField.OWNER: {"dataKey": "body.repository.owner.login"},
    ir.RunField.CLONE_URL: {"dataKey": "body.repository.clone_url"},
    ir.RunField.ACTOR: {"dataKey": "body.sender.login"},
    ir.RunField.PR_NUMBER: {"dataKey": "body.number"},
    ir.RunField.PR_BASE_REF: {"dataKey": "body.pull_request.base.ref"},
    ir.RunField.PR_HEAD_REF: {"dataKey": "body.pull_request.head.ref"},
    ir.RunField.PR_LABELS: {"dataKey": "body.pull_request.labels.#.name"},
}
"""Where each run field is in a pull_request payload. The ref and sha are the head's
(`refs/pull/N/head`, the head commit), as on Tekton and GitHub: GitHub's merge commit
(`merge_commit_sha`) is computed after the event and may be missing from it. `| int`: gjson gives
numbers as float64, which a Go template prints as 1e+06 from a million on. The labels: gjson's
`#.name` gives the JSON list of their names, `["bug","ok"]`, the text run.pr_labels promises."""


def documents(ctx: Context, main: Json) -> list[Json]:
    """The EventSource and the Sensor; the path filters are reported, not dropped."""
    t = ctx.pipeline.triggers
    if t.pull_request is not None and (t.pull_request.paths or t.pull_request.paths_ignore) and t.approximate:
        ctx.note(t.pull_request.span, "approximated on argo: the pull request path filter is dropped (a pull "
                 "request's webhook payload lists no changed files), so every matching pull request starts a run",
                 "test the changed files in a first task where that matters")
    elif t.pull_request is not None and (t.pull_request.paths or t.pull_request.paths_ignore):
        ctx.unsupported(t.pull_request.span, "a pull request path filter",
                        "a pull request's webhook payload lists no changed files, and the Sensor reads "
                        "only the payload", "drop the path filter, test the changed files in a first task, or allow "
                        "`triggers.approximate`")
    if t.push is not None and (t.push.paths or t.push.paths_ignore):
        ctx.note(t.push.span, "on argo a push path filter reads the changed files of the commits the push "
                 "payload lists: a push that lists none, or fewer than it has (GitLab lists 20), starts a run",
                 "where such pushes must not run, test the changed files in a first task")
    for trigger, globs in ((t.push, t.push.branches + t.push.tags if t.push else ()),
                           (t.pull_request, t.pull_request.branches if t.pull_request else ())):
        if trigger is not None and _reincluded(globs):
            ctx.note(trigger.span, "a pattern after a '!pattern' does not re-include refs on argo: every "
                     "'!pattern' excludes", "order the list with every '!pattern' last")
    repo = ctx.pipeline.repository
    if repo is None:
        ctx.note(t.span, "the Argo Events webhook EventSource checks no GitHub signature: anyone who reaches "
                 "its endpoint can start a run", "expose the EventSource only to GitHub's webhook addresses, "
                 "or name the repository (`spec.repository`): Argo Events' github source then checks it")
    source = WEBHOOK if repo is None else GITLAB if repo.provider == "gitlab" else GITHUB
    if source is GITLAB and repo is not None:
        gitlab.note(ctx, repo)
    if source is GITLAB and t.pull_request is not None:
        gitlab.check_pr(ctx, t.pull_request)
    return [_event_source(ctx.pipeline, source), _sensor(ctx.pipeline, main, source)]


def _metadata(p: ir.Pipeline) -> Json:
    return {"name": p.name, **({"namespace": p.namespace} if p.namespace else {})}


def _event_source(p: ir.Pipeline, source: Provider) -> Json:
    webhook = {"endpoint": source.endpoint, "method": "POST", "port": str(PORT)}
    config: Json = webhook
    if p.repository is not None:
        config = source.config(p, p.repository, webhook, webhook_secret(p, p.repository))
    return {"apiVersion": API_VERSION, "kind": "EventSource", "metadata": _metadata(p), "spec": {
        "service": {"ports": [{"port": PORT, "targetPort": PORT}]}, source.kind: {source.event: config}}}


def webhook_secret(p: ir.Pipeline, repo: ir.Repository) -> Json:
    """The secret key the repository's webhook is signed with: the spec's, else `<pipeline>-webhook`."""
    ref = repo.webhook_secret
    return {"name": ref.secret, "key": ref.key} if ref is not None else {"name": f"{p.name}-webhook", "key": "secret"}


def _github_config(p: ir.Pipeline, repo: ir.Repository, webhook: Json, secret: Json) -> Json:
    """Argo Events' github source for one repository: it checks the `X-Hub-Signature-256` of each
    delivery with `webhookSecret` (pkg/eventsources/sources/github). Without `apiToken` it does not
    create the hook: the repository's admin adds it (content type json, the same secret)."""
    events = [e for e, on in (("push", p.triggers.push), ("pull_request", p.triggers.pull_request)) if on]
    return {"repositories": [{"owner": repo.owner, "names": [repo.short_name]}], "webhook": webhook,
            "events": events, "webhookSecret": secret, "contentType": "json"}


def _sensor(p: ir.Pipeline, main: Json, source: Provider) -> Json:
    t = p.triggers
    deps: list[Json] = []
    triggers: list[Json] = []
    resource = submit.workflow(main, run.declared(p))
    if t.push is not None:
        push = _dependency(p, "push", source.push_filters(source.header, t.push), source=source)
        if t.push.paths or t.push.paths_ignore:
            push["filters"]["script"] = paths.script(t.push.paths, t.push.paths_ignore)
        deps.append(push)
        triggers.append(_trigger("push", resource, source.push_fields, p))
    if t.pull_request is not None:
        deps.append(_dependency(p, "pull-request", source.pr_filters(source.header, t.pull_request),
                                [source.same_repository], source))
        triggers.append(_trigger("pull-request", resource, source.pr_fields, p))
    return {"apiVersion": API_VERSION, "kind": "Sensor", "metadata": _metadata(p),
            "spec": {"template": {"serviceAccountName": SERVICE_ACCOUNT}, "dependencies": deps, "triggers": triggers}}


def _dependency(p: ir.Pipeline, name: str, filters: list[Json], exprs: list[Json] | None = None,
                source: Provider | None = None) -> Json:
    found: Json = {"data": filters}
    if exprs:
        found["exprs"] = exprs
    return {"name": name, "eventSourceName": p.name, "eventName": (source or GITHUB).event, "filters": found}


SAME_REPOSITORY: Json = {"expr": "head == base", "fields": [
    {"name": "head", "path": "body.pull_request.head.repo.full_name"},
    {"name": "base", "path": "body.repository.full_name"}]}
"""Pull requests from forks start nothing, as on Tekton: the Workflow runs with the cluster's service
account and the spec's secrets, which fork code must not reach (GitHub itself runs fork pull requests
without secrets). pkg/sensors/dependencies/filter.go `filterExpr`; a deleted fork has no head repo,
and the missing path fails the filter closed."""


def _reincluded(include: Globs) -> bool:
    """A pattern after a `!pattern` re-includes refs on GitHub (the last match wins); filters that
    are ANDed cannot say that order."""
    first_negative = next((i for i, g in enumerate(include) if g.startswith("!")), len(include))
    return any(not g.startswith("!") for g in include[first_negative:])


def _push_filters(header: str, push: ir.PushTrigger) -> list[Json]:
    """GitHub's meaning: with branch filters only, tags never match, and the other way round;
    with neither, every push does (but a deletion)."""
    heads, not_heads = ref_filters("body.ref", "refs/heads/", push.branches, push.branches_ignore)
    tags, not_tags = ref_filters("body.ref", "refs/tags/", push.tags, push.tags_ignore)
    out = [match(header, ["^push$"]), NOT_DELETED]
    if heads or tags:
        out.append(match("body.ref", heads + tags))
    return out + not_heads + not_tags


NOT_DELETED: Json = {"path": "body.deleted", "type": "bool", "value": ["false"]}
"""Deleting a branch or tag is also a push (`deleted: true`, `after` all zeros): nothing to build."""


def _pr_filters(header: str, pr: ir.PullRequestTrigger) -> list[Json]:
    base, not_base = ref_filters("body.pull_request.base.ref", "", pr.branches, pr.branches_ignore)
    out = [match(header, ["^pull_request$"]), match("body.action", [f"^{re.escape(a)}$" for a in pr.types])]
    if base:
        out.append(match("body.pull_request.base.ref", base))
    return out + not_base


def _fallback(source: Json, field: ir.RunField, p: ir.Pipeline) -> str:
    """The value when `dataKey`/`dataTemplate` does not resolve: a template that renders "" (a tag's
    branch) or a missing path fails the whole trigger otherwise (pkg/sensors/triggers/params.go
    `ResolveParamValue` falls back to `value`)."""
    return str(source.get("value", p.run_default(field)))


def _trigger(dependency: str, resource: Json, fields: dict[ir.RunField, Json], p: ir.Pipeline) -> Json:
    parameters = [{"src": {"dependencyName": dependency, **fields[f], "value": _fallback(fields[f], f, p)},
                   "dest": f"spec.arguments.parameters.{submit.param_index(resource['spec'], f)}.value"}
                  for f in run.declared(p) if f in fields]
    workflow: Json = {"operation": "submit", "source": {"resource": resource}}
    if parameters:
        workflow["parameters"] = parameters
    return {"template": {"name": dependency, "conditions": dependency, "argoWorkflow": workflow}}


@dataclass(frozen=True)
class Provider:
    """Where events come from: the EventSource kind and how the Sensor reads its payloads."""

    kind: str  # the EventSource's field: webhook (no repository named), github, gitlab
    event: str  # the event's name in the EventSource
    endpoint: str
    header: str  # the gjson path of the header that names the event's kind
    push_fields: dict[ir.RunField, Json]
    pr_fields: dict[ir.RunField, Json]
    push_filters: Callable[[str, ir.PushTrigger], list[Json]]
    pr_filters: Callable[[str, ir.PullRequestTrigger], list[Json]]
    same_repository: Json
    config: Callable[[ir.Pipeline, ir.Repository, Json, Json], Json]


WEBHOOK = Provider("webhook", EVENT, ENDPOINT, EVENT_HEADER, PUSH_FIELDS, PR_FIELDS, _push_filters, _pr_filters,
                   SAME_REPOSITORY, _github_config)
GITHUB = dataclasses.replace(WEBHOOK, kind="github", header="headers.X-Github-Event.0")
"""The webhook source's event data is `{header, body}`, the github source's `{headers, body}`
(pkg/eventsources/events/event-data.go `WebhookEventData`, `GithubEventData`)."""
GITLAB = Provider("gitlab", "gitlab", "/gitlab", gitlab.HEADER, gitlab.PUSH_FIELDS, gitlab.PR_FIELDS,
                  gitlab.push_filters, gitlab.pr_filters, gitlab.SAME_PROJECT, gitlab.config)
