"""Pushes and merge requests of a GitLab project: Argo Events' gitlab EventSource and the Sensor's
view of GitLab's webhook payloads (events.py builds the documents).

The source checks each delivery's `X-Gitlab-Token` against `secretToken`, but only when it manages
the project's hook itself (pkg/eventsources/sources/gitlab/start.go reads the token inside
`NeedToCreateHooks`: an `accessToken` and the EventSource's public `webhook.url`). The access token
is the secret `<pipeline>-gitlab`, key `token` (some versions refuse to start without one,
validate.go); the URL is the cluster's, which a spec cannot say: a warning asks for it. Its event data is
`{headers, body}` (pkg/eventsources/events/event-data.go `GitLabEventData`), the kind in the
`X-Gitlab-Event` header: `Push Hook`, `Tag Push Hook`, `Merge Request Hook`. Payload fields are
GitLab's push, tag push and merge request events: the commit a push checks out is `checkout_sha`
(`after` is an annotated tag's own object), a deletion has `after` all zeros; a merge request is
`object_attributes` (iid, source/target branch, last_commit.id, action open/update/reopen/close…),
its labels `labels[].title`. GitLab's `update` is also sent for an edit of the title or labels, so
a `synchronize` trigger also runs then.
"""

from __future__ import annotations

import re
from typing import Any

from ...compiler import ir
from . import filters
from .context import Context
from .filters import match, ref_filters

Json = dict[str, Any]

HEADER = "headers.X-Gitlab-Event.0"
BASE_URL = "https://gitlab.com"

_ACTIONS = {"opened": "open", "synchronize": "update", "reopened": "reopen", "closed": "close"}
"""GitHub's pull request activity types (the spec's words) as GitLab merge request actions."""

_GROUP = "{{ .Input.body.project.path_with_namespace | dir }}"

PUSH_FIELDS: dict[ir.RunField, Json] = {
    ir.RunField.EVENT: {"value": "push"},
    ir.RunField.REF: {"dataKey": "body.ref"},
    ir.RunField.REF_TYPE: {"dataTemplate": filters.REF_TYPE_TEMPLATE},
    ir.RunField.REF_NAME: {"dataTemplate": filters.REF_NAME_TEMPLATE},
    ir.RunField.BRANCH: {"dataTemplate": filters.BRANCH_TEMPLATE},
    ir.RunField.SHA: {"dataKey": "body.checkout_sha"},
    ir.RunField.SHORT_SHA: {"dataTemplate": "{{ .Input.body.checkout_sha | substr 0 7 }}"},
    ir.RunField.REPOSITORY: {"dataKey": "body.project.path_with_namespace"},
    ir.RunField.OWNER: {"dataTemplate": _GROUP},
    ir.RunField.CLONE_URL: {"dataKey": "body.project.git_http_url"},
    ir.RunField.ACTOR: {"dataKey": "body.user_username"},
    ir.RunField.PR_LABELS: {"value": "[]"},
}
"""A push's run fields; the owner is the project's group path (sprig `dir`)."""

PR_FIELDS: dict[ir.RunField, Json] = {
    ir.RunField.EVENT: {"value": "pull_request"},
    ir.RunField.REF: {"dataTemplate": "refs/merge-requests/{{ .Input.body.object_attributes.iid | int }}/head"},
    ir.RunField.REF_TYPE: {"value": "branch"},
    ir.RunField.REF_NAME: {"dataKey": "body.object_attributes.source_branch"},
    ir.RunField.BRANCH: {"dataKey": "body.object_attributes.source_branch"},
    ir.RunField.SHA: {"dataKey": "body.object_attributes.last_commit.id"},
    ir.RunField.SHORT_SHA: {"dataTemplate": "{{ .Input.body.object_attributes.last_commit.id | substr 0 7 }}"},
    ir.RunField.REPOSITORY: {"dataKey": "body.project.path_with_namespace"},
    ir.RunField.OWNER: {"dataTemplate": _GROUP},
    ir.RunField.CLONE_URL: {"dataKey": "body.project.git_http_url"},
    ir.RunField.ACTOR: {"dataKey": "body.user.username"},
    ir.RunField.PR_NUMBER: {"dataKey": "body.object_attributes.iid"},
    ir.RunField.PR_BASE_REF: {"dataKey": "body.object_attributes.target_branch"},
    ir.RunField.PR_HEAD_REF: {"dataKey": "body.object_attributes.source_branch"},
    ir.RunField.PR_LABELS: {"dataKey": "body.labels.#.title"},
}
"""A merge request's run fields: the head is the source branch's last commit (GitLab's ref for it
is `refs/merge-requests/<iid>/head`)."""

SAME_PROJECT: Json = {"expr": "head == base", "fields": [
    {"name": "head", "path": "body.object_attributes.source_project_id"},
    {"name": "base", "path": "body.object_attributes.target_project_id"}]}
"""Merge requests from forks start nothing, as for GitHub's pull requests (events.SAME_REPOSITORY)."""


def config(p: ir.Pipeline, repo: ir.Repository, webhook: Json, secret: Json) -> Json:
    """The gitlab source for the project: with `webhook.url` set it creates the project's hook
    with the access token and checks the secret token of each delivery."""
    events = ["PushEvents", "TagPushEvents"] if p.triggers.push is not None else []
    events += ["MergeRequestsEvents"] if p.triggers.pull_request is not None else []
    return {"projects": [repo.name], "webhook": webhook, "events": events,
            "accessToken": {"name": f"{p.name}-gitlab", "key": "token"}, "secretToken": secret,
            "gitlabBaseURL": BASE_URL}


def note(ctx: Context, repo: ir.Repository) -> None:
    ctx.note(repo.span, "the Argo Events gitlab EventSource checks GitLab's secret token only once it manages "
             f"the project's hook: it needs the access token `{ctx.pipeline.name}-gitlab` (key `token`) and its "
             "own public URL in `webhook.url`, which the spec cannot give",
             "set `webhook.url` in the generated EventSource (e.g. a kustomize patch), and until then expose "
             "it only to GitLab's addresses")


def check_pr(ctx: Context, pr: ir.PullRequestTrigger) -> None:
    for kind in pr.types:
        if kind not in _ACTIONS:
            ctx.unsupported(pr.span, f"the pull request type '{kind}' for GitLab",
                            f"GitLab's merge request actions match only {', '.join(_ACTIONS)}",
                            "drop the type, or test the event in a first task")


def push_filters(header: str, push: ir.PushTrigger) -> list[Json]:
    """As for GitHub (events.py): branch filters only match branches, tag filters only tags."""
    heads, not_heads = ref_filters("body.ref", "refs/heads/", push.branches, push.branches_ignore)
    tags, not_tags = ref_filters("body.ref", "refs/tags/", push.tags, push.tags_ignore)
    out = [match(header, ["^Push Hook$", "^Tag Push Hook$"]), match("body.after", ["^0+$"], negate=True)]
    if heads or tags:
        out.append(match("body.ref", heads + tags))
    return out + not_heads + not_tags


def pr_filters(header: str, pr: ir.PullRequestTrigger) -> list[Json]:
    path = "body.object_attributes.target_branch"
    base, not_base = ref_filters(path, "", pr.branches, pr.branches_ignore)
    actions = [f"^{re.escape(_ACTIONS[t])}$" for t in pr.types if t in _ACTIONS]
    out = [match(header, ["^Merge Request Hook$"]), match("body.object_attributes.action", actions)]
    if base:
        out.append(match(path, base))
    return out + not_base
