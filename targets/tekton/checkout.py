"""`uses: checkout` on Tekton: the catalog git-clone Task by resolver, or a clone step of our own.

- catalog (default, `EmitOptions.tekton_checkout == "catalog"`): the pipeline task runs the verified
  catalog Task tektoncd-catalog/git-clone v1.7.0 through the git resolver (on in a default install:
  enable-git-resolver), pinned to its release commit, so a run never changes under a moved tag. Its
  params: `url`, `revision` (empty: the remote's default branch), `depth` ("0": all history),
  `submodules` ("true" fetches them recursively); its workspace `output` is the checkout's
  sub-directory of the run's volume, which consumers mount as they mount any artifact. It runs as
  UID 65532, so the run gives that pipeline task's pod `fsGroup: 65532` (`run.task_run_specs`).
  Its results are `commit`, `url` and `committer-date`: a consumer's `sha` is `commit`, its `ref`
  the ref the checkout was given, and its `short-sha` the first 7 characters of `commit`, cut by a
  small step in the consumer's pod (`inputs`). Tags, top-level-only submodules and a token have no
  param of this Task (credentials come as a basic-auth workspace of `.gitconfig` and
  `.git-credentials` files): each is an SS501 that points to the inline form.
- inline (`--tekton-checkout inline`): a task with one step in a pinned alpine/git image whose
  script reads every value from env (params -> env, never spliced) and writes `sha`, `short-sha`
  and `ref`. A token is a secret env var, handed to git as an `http.extraHeader` through
  GIT_CONFIG_COUNT/KEY/VALUE env vars, so it is never in the clone's config nor in a command line.

LFS: neither the git-clone Task nor alpine/git fetches LFS objects: an SS501 in both forms.
A checkout's repository without "://" is owner/name on the repository's provider host; none is
the run's (`run.clone_url`); no ref is the run's commit (`run.sha`; the default branch when empty).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import UNKNOWN_SPAN, Diagnostic
from . import checks, syntax

Doc = dict[str, Any]

GIT_CLONE_REPOSITORY = "https://github.com/tektoncd-catalog/git-clone.git"
GIT_CLONE_COMMIT = "c166e56217829ecc2062059030a8a0fcc0e1a88f"
"""Tag v1.7.0 of tektoncd-catalog/git-clone ("chore: bump version to v1.7.0")."""
GIT_CLONE_PATH = "task/git-clone/git-clone.yaml"
GIT_CLONE_USER = 65532
"""The Task's step runs as this UID (`securityContext.runAsUser`); its files belong to it."""

GIT_IMAGE = "docker.io/alpine/git:v2.54.0@sha256:729da2347ce652f30476b064198577fe12e1147e58499be9f343039343ef2cee"
"""alpine/git v2.54.0 by digest: the base image tektoncd-catalog/git-clone itself builds on
(image/base/Dockerfile, commit fe256cc, August 2026)."""

_HOSTS = {"github": "https://github.com", "gitlab": "https://gitlab.com"}
_USERS = {"github": "x-access-token", "gitlab": "oauth2"}
"""The basic-auth user name each host takes with a token as the password."""


@dataclasses.dataclass(frozen=True, slots=True)
class ShortSha(ir.ResultRef):
    """A catalog checkout's `short-sha`: its `commit` result, cut to 7 characters by a step."""


CLONE_SCRIPT = r"""set -u
# shipspec: clone SHIPSPEC_CHECKOUT_URL at SHIPSPEC_CHECKOUT_REVISION (empty: the default branch);
# the token, if any, reaches git through env only and is never written to the clone
dir=$SHIPSPEC_CHECKOUT_DIR
find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
git init -q "$dir"
cd "$dir"
git remote add origin "$SHIPSPEC_CHECKOUT_URL"
if [ -n "${SHIPSPEC_CHECKOUT_TOKEN:-}" ]; then
  auth=$(printf '%s:%s' "$SHIPSPEC_CHECKOUT_USER" "$SHIPSPEC_CHECKOUT_TOKEN" | base64 | tr -d '\n')
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader GIT_CONFIG_VALUE_0="Authorization: Basic $auth"
fi
depth=''
if [ "$SHIPSPEC_CHECKOUT_DEPTH" != 0 ]; then
  depth="--depth=$SHIPSPEC_CHECKOUT_DEPTH"
fi
tags=--no-tags
if [ "$SHIPSPEC_CHECKOUT_TAGS" = true ]; then
  tags=--tags
fi
revision=${SHIPSPEC_CHECKOUT_REVISION:-HEAD}
git fetch -q ${depth:+"$depth"} "$tags" origin "$revision"
git checkout -q --detach FETCH_HEAD
case $SHIPSPEC_CHECKOUT_SUBMODULES in
  top) git submodule update -q --init ${depth:+"$depth"} ;;
  recursive) git submodule update -q --init --recursive ${depth:+"$depth"} ;;
esac
sha=$(git rev-parse HEAD)
printf '%s' "$sha" > "$SHIPSPEC_RESULTS/sha"
printf '%s' "${sha%"${sha#???????}"}" > "$SHIPSPEC_RESULTS/short-sha"
printf '%s' "$SHIPSPEC_CHECKOUT_REF" > "$SHIPSPEC_RESULTS/ref"
"""

SHORT_SHA_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: the first 7 characters of the commit the checkout cloned
sha=$1
printf '%s' "${sha%"${sha#???????}"}" > "RESULT_PATH"
""".replace("RESULT_PATH", syntax.step_result_path("short-sha"))


@dataclasses.dataclass(frozen=True, slots=True)
class _Clone:
    url: ir.Template
    revision: ir.Template
    ref: ir.Template  # the `ref` result


def _clone(p: ir.Pipeline, c: ir.Checkout) -> _Clone:
    provider = p.repository.provider if p.repository else "github"
    url = ir.Template((ir.RunRef(ir.RunField.CLONE_URL, c.span),), c.span)
    if c.repository is not None:
        literal = c.repository.literal
        if literal is not None and "://" not in literal:
            url = ir.literal(f"{_HOSTS[provider]}/{literal.removesuffix('.git')}.git", c.repository.span)
        else:
            url = c.repository
    revision = c.ref or ir.Template((ir.RunRef(ir.RunField.SHA, c.span),), c.span)
    ref = c.ref or ir.Template((ir.RunRef(ir.RunField.REF, c.span),), c.span)
    return _Clone(url, revision, ref)


def prepare(p: ir.Pipeline, inline: bool, diags: list[Diagnostic]) -> ir.Pipeline:
    """Each checkout task in the form the option picks: inline, a task of our own; catalog, the
    checkout with its url and revision spelled out and its results as readers can get them."""
    clones = {t.name: (t, _clone(p, t.checkout)) for t in p.tasks if t.checkout is not None}
    for task, _ in clones.values():
        assert task.checkout is not None
        diags += _unsupported(task, task.checkout, inline)
    if not clones:
        return p
    if inline:
        return dataclasses.replace(p, tasks=tuple(_inline_task(p, t, clones[t.name][1]) if t.name in clones else t
                                                  for t in p.tasks))
    tasks = []
    for t in p.tasks:
        if t.name in clones and t.checkout is not None:
            clone = clones[t.name][1]
            t = dataclasses.replace(t, checkout=dataclasses.replace(t.checkout, repository=clone.url,
                                                                    ref=clone.revision))
        tasks.append(_rewrite_task(t, {n: c.ref for n, (_, c) in clones.items()}, diags))
    results = tuple(dataclasses.replace(r, value=_rewrite(r.value, {n: c.ref for n, (_, c) in clones.items()},
                                                          diags, cut=False))
                    for r in p.results)
    finally_tasks = tuple(_rewrite_task(t, {n: c.ref for n, (_, c) in clones.items()}, diags)
                          for t in p.finally_tasks)
    return dataclasses.replace(p, tasks=tuple(tasks), finally_tasks=finally_tasks, results=results)


def _unsupported(task: ir.Task, c: ir.Checkout, inline: bool) -> list[Diagnostic]:
    out = []
    if c.lfs:
        out.append(checks.unsupported(c.span, f"lfs in checkout '{task.name}'",
                                      "neither the catalog git-clone Task nor the pinned alpine/git image fetches "
                                      "Git LFS objects", "run `git lfs pull` in the task that needs the files"))
    if inline:
        return out
    hint = "add --tekton-checkout inline (a clone step of shipspec's own)"
    if c.tags:
        out.append(checks.unsupported(c.span, f"tags in checkout '{task.name}'",
                                      "the catalog git-clone Task fetches only the revision", hint))
    if c.submodules == "top":
        out.append(checks.unsupported(c.span, f"submodules: true in checkout '{task.name}'",
                                      "the catalog git-clone Task fetches submodules recursively or not at all",
                                      f"write submodules: recursive, or {hint}"))
    if c.token is not None:
        out.append(checks.unsupported(c.span if c.token.span == UNKNOWN_SPAN else c.token.span,
                                      f"token in checkout '{task.name}'",
                                      "the catalog git-clone Task takes credentials as a basic-auth workspace of "
                                      ".gitconfig and .git-credentials files, not a token", hint))
    return out


def _inline_task(p: ir.Pipeline, task: ir.Task, clone: _Clone) -> ir.Task:
    c = task.checkout
    assert c is not None
    provider = p.repository.provider if p.repository else "github"

    def var(name: str, value: ir.Template | ir.SecretRef) -> ir.EnvVar:
        return ir.EnvVar(f"SHIPSPEC_CHECKOUT_{name}", value, c.span)

    env = [var("URL", clone.url), var("REVISION", clone.revision), var("REF", clone.ref),
           var("DEPTH", ir.literal(str(c.depth))), var("TAGS", ir.literal("true" if c.tags else "false")),
           var("SUBMODULES", ir.literal(c.submodules)), var("DIR", ir.literal(c.path))]
    if c.token is not None:
        env += [var("USER", ir.literal(_USERS[provider])), var("TOKEN", c.token)]
    return dataclasses.replace(task, image=GIT_IMAGE, script=CLONE_SCRIPT, env=tuple(env), checkout=None,
                               image_span=c.span)


def _rewrite_task(task: ir.Task, refs: dict[str, ir.Template], diags: list[Diagnostic]) -> ir.Task:
    def env(var: ir.EnvVar) -> ir.EnvVar:
        if isinstance(var.value, ir.Template):
            return dataclasses.replace(var, value=_rewrite(var.value, refs, diags, cut=True))
        return var

    def step(s: ir.Step) -> ir.Step:
        native = s.native
        if native is not None and native.tekton is not None:
            params = tuple((n, _rewrite(t, refs, diags, cut=True)) for n, t in native.tekton.params)
            native = dataclasses.replace(native, tekton=dataclasses.replace(native.tekton, params=params))
        return dataclasses.replace(s, env=tuple(env(e) for e in s.env), native=native,
                                   command=tuple(_rewrite(t, refs, diags, cut=True) for t in s.command),
                                   args=tuple(_rewrite(t, refs, diags, cut=True) for t in s.args))

    native = task.native
    if native is not None and native.tekton is not None:  # a pipeline task's params: no step to cut with
        params = tuple((n, _rewrite(t, refs, diags, cut=False)) for n, t in native.tekton.params)
        native = dataclasses.replace(native, tekton=dataclasses.replace(native.tekton, params=params))
    sidecars = tuple(dataclasses.replace(s, env=tuple(env(e) for e in s.env)) for s in task.sidecars)
    return dataclasses.replace(
        task, env=tuple(env(e) for e in task.env), steps=tuple(step(s) for s in task.steps), native=native,
        command=tuple(_rewrite(t, refs, diags, cut=True) for t in task.command),
        args=tuple(_rewrite(t, refs, diags, cut=True) for t in task.args), sidecars=sidecars,
        when=_rewrite_condition(task.when, refs, diags) if task.when is not None else None)


def _rewrite(template: ir.Template, refs: dict[str, ir.Template], diags: list[Diagnostic], *, cut: bool) -> ir.Template:
    parts: list[str | ir.Ref] = []
    for part in template.parts:
        if isinstance(part, ir.ResultRef) and part.task in refs:
            parts += _result(part, refs[part.task], diags, cut=cut)
        else:
            parts.append(part)
    return dataclasses.replace(template, parts=tuple(parts))


def _result(ref: ir.ResultRef, ref_value: ir.Template, diags: list[Diagnostic], *, cut: bool) -> list[str | ir.Ref]:
    if ref.result == "sha":
        return [ir.ResultRef(ref.task, "commit", span=ref.span)]
    if ref.result == "ref":
        return list(ref_value.parts)
    if not cut:
        diags.append(checks.unsupported(
            ref.span, f"tasks.{ref.task}.results.short-sha here",
            "the catalog git-clone Task has no short-sha result, and only a task's own step can cut its commit",
            "read it in a task's env, or add --tekton-checkout inline"))
        return [ir.ResultRef(ref.task, "commit", span=ref.span)]
    return [ShortSha(ref.task, "commit", span=ref.span)]


def _rewrite_condition(cond: ir.Condition, refs: dict[str, ir.Template], diags: list[Diagnostic]) -> ir.Condition:
    if isinstance(cond, ir.Compare):
        left, *right = (_operand(o, refs, diags) for o in (cond.left, *cond.right))
        return dataclasses.replace(cond, left=left, right=tuple(right))
    items = tuple(_rewrite_condition(item, refs, diags) for item in cond.items)
    return dataclasses.replace(cond, items=items)


def _operand(operand: ir.Operand, refs: dict[str, ir.Template], diags: list[Diagnostic]) -> ir.Operand:
    if not (isinstance(operand, ir.ResultRef) and operand.task in refs):
        return operand
    parts = _result(operand, refs[operand.task], diags, cut=False)
    if len(parts) == 1:
        return ir.Literal(parts[0]) if isinstance(parts[0], str) else parts[0]
    if not parts:
        return ir.Literal("")
    diags.append(checks.unsupported(operand.span, f"tasks.{operand.task}.results.ref in a condition",
                                    "the checkout's ref is text with references in it",
                                    "compare the ref's parts instead"))
    return operand


def catalog_task(task: ir.Task, render: Callable[[ir.Template], str]) -> tuple[Doc, list[Doc], list[Doc]]:
    """The pipeline task's taskRef, params and workspaces (the caller adds runAfter, when, retries, timeout)."""
    c = task.checkout
    assert c is not None and c.repository is not None and c.ref is not None
    ref = {"resolver": "git", "params": [{"name": "url", "value": GIT_CLONE_REPOSITORY},
                                         {"name": "revision", "value": GIT_CLONE_COMMIT},
                                         {"name": "pathInRepo", "value": GIT_CLONE_PATH}]}
    params = [{"name": "url", "value": render(c.repository)}, {"name": "revision", "value": render(c.ref)},
              {"name": "depth", "value": str(c.depth)},
              {"name": "submodules", "value": "false" if c.submodules == "none" else "true"}]
    workspaces = [{"name": "output", "workspace": syntax.ARTIFACTS_WORKSPACE, "subPath": task.name}]
    return ref, params, workspaces
