"""`uses: checkout` on Argo: git input artifacts, never the artifact repository.

The checkout task's pod receives the clone as a `git` input artifact at `checkout.path`: Argo's init
container clones it with go-git (workflow/artifacts/git/git.go `Load`: clone with `depth`, fetch the
`fetch` refspecs, fetch `refs/heads/*` and check out `revision` as a detached commit, then update
the submodules recursively unless `disableSubmodules`). The credentials are handed to go-git only
(`http.BasicAuth`), so none stay in the clone's `.git/config`. Its own container, a pinned busybox,
reads the commit from `.git` and writes the results sha, short-sha and ref (`SCRIPT`).

Each consumer gets its own `git` input artifact at its path with the same repository and options and
`revision` the checkout's `sha` result: every task of the run builds the commit the checkout
resolved, even if the branch has moved since. The location is given by the calling DAG task
(`arguments.artifacts[].git`), where `tasks.<checkout>` is in scope (the exit handler reads the sha
as a global output).

- repository: a clone URL, or `owner/name` on the pipeline's provider (`https://github.com/owner/name.git`,
  gitlab.com for `provider: gitlab`); none: the run's `run.clone_url` (bound by the Sensor, the
  repository's by hand). ref: none means the run's commit `run.sha` (by hand "": the default branch).
- depth: `depth` (0: none, all history); tags: `fetch: [refs/tags/*]`; submodules: `recursive` is
  Argo's default, `none` is `disableSubmodules`, `top` cannot be said (SS501); lfs: the git artifact
  has no LFS (SS501).
- token: the secret key is both `usernameSecret` and `passwordSecret`: go-git sends HTTP basic auth,
  GitHub and GitLab check the token in the password and accept any non-empty user name.
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from . import run, syntax
from .context import Context, Scope
from .values import caller_value

Json = dict[str, Any]

IMAGE = "mirror.gcr.io/busybox@sha256:2f9af5cf39068ec3a9e124feceaa11910c511e23a1670dcfdff0bc16793545fb"
"""busybox 1.37 by digest, the helper image of the Tekton backend (targets/tekton/helpers.py)."""

REF_ENV = "SHIPSPEC_CHECKOUT_REF"

SCRIPT = """\
# The commit the init container checked out, read from .git (no git in this image).
head=$(cat .git/HEAD)
ref="${SHIPSPEC_CHECKOUT_REF}"
case "${head}" in
  "ref: "*)
    name="${head#"ref: "}"
    if [ -z "${ref}" ]; then ref="${name}"; fi
    if [ -f ".git/${name}" ]; then
      sha=$(cat ".git/${name}")
    else
      sha=$(awk -v name="${name}" '$2 == name { print $1 }' .git/packed-refs)
    fi
    ;;
  *) sha="${head}" ;;
esac
printf '%s' "${sha}" > "${SHIPSPEC_RESULTS}/sha"
printf '%s' "${sha}" | cut -c 1-7 > "${SHIPSPEC_RESULTS}/short-sha"
printf '%s' "${ref}" > "${SHIPSPEC_RESULTS}/ref"
"""

_HOSTS = {"github": "https://github.com/", "gitlab": "https://gitlab.com/"}


def check(ctx: Context) -> None:
    """What the git artifact cannot do."""
    for task in ctx.pipeline.all_tasks:
        co = task.checkout
        if co is None:
            continue
        if co.lfs:
            ctx.unsupported(co.span, "a checkout with lfs", "Argo's git artifact fetches no Git LFS objects",
                            "drop `lfs`, or run `git lfs pull` in the task that needs the files")
        if co.submodules == "top":
            ctx.unsupported(co.span, "a checkout with submodules: top",
                            "Argo's git artifact updates submodules recursively or not at all",
                            "use `submodules: recursive` or `none`")


def source(ctx: Context, task: ir.Task, co: ir.Checkout, scope: Scope) -> Json:
    """The git location the checkout task clones: its ref, else the run's commit."""
    revision = _text(ctx, co.ref, task, scope) if co.ref is not None else run.simple_tag(ir.RunField.SHA)
    return _git(ctx, task, co, revision, scope)


def pinned(ctx: Context, consumer: ir.Task, art: ir.ArtifactIn, scope: Scope) -> Json:
    """The same repository at the commit the checkout task resolved, for a consumer."""
    producer = ctx.pipeline.task(art.producer)
    co = producer.checkout
    assert co is not None
    if scope is Scope.EXIT:
        revision = syntax.global_output(ctx.global_names[(producer.name, "sha")])
    else:
        revision = syntax.task_output(producer.name, "sha")
    return _git(ctx, producer, co, revision, scope)


def _git(ctx: Context, producer: ir.Task, co: ir.Checkout, revision: str, scope: Scope) -> Json:
    out: Json = {"repo": _repository(ctx, producer, co, scope), "revision": revision}
    if co.depth:
        out["depth"] = co.depth
    if co.tags:
        out["fetch"] = ["refs/tags/*:refs/tags/*"]
    if co.submodules == "none":
        out["disableSubmodules"] = True
    if co.token is not None:
        selector = {"name": co.token.secret, "key": co.token.key}
        out["usernameSecret"] = selector
        out["passwordSecret"] = dict(selector)
    return out


def _repository(ctx: Context, producer: ir.Task, co: ir.Checkout, scope: Scope) -> str:
    if co.repository is None:
        return run.simple_tag(ir.RunField.CLONE_URL)
    text = _text(ctx, co.repository, producer, scope)
    literal = "".join(p for p in co.repository.parts if isinstance(p, str))
    if "://" in literal:
        return text
    repo = ctx.pipeline.repository
    host = _HOSTS["gitlab" if repo is not None and repo.provider == "gitlab" else "github"]
    return f"{host}{text}.git"


def _text(ctx: Context, template: ir.Template, task: ir.Task, scope: Scope) -> str:
    """A template as a DAG task's argument text: literal parts checked, references as tags."""
    return "".join(ctx.literal(p, template.span) if isinstance(p, str) else caller_value(ctx, p, task, scope)
                   for p in template.parts)
