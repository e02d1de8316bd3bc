"""`uses: checkout` on GitHub: the pinned official actions/checkout, as GitHub users write it.

The checkout task's job clones once and reports what it cloned: `sha` is actions/checkout's `commit`
output (the commit it checked out, `git log -1 --format=%H`), `short-sha` its first 7 characters (a
step cuts it: expressions have no substring function), and `ref` the ref asked for: the spec's
`ref`, else the run's ref (`run.ref`) for the run's own repository, else the default branch that
actions/checkout resolved for another repository (its `ref` output).

Each task that consumes the checkout runs actions/checkout itself, with the same repository and
options, at `needs.<checkout>.outputs.sha`: every job builds the very commit the checkout job
resolved, even when the branch moves meanwhile, and no tar file travels through the artifact store.

- Without a spec `ref`, the run's own repository is checked out at `run.sha` (a pull request's head
  commit, else `github.sha`), as on Argo and Tekton; actions/checkout's own default on a pull
  request would be GitHub's merge commit.
- `persist-credentials: false`: the token never stays in `.git/config` (zizmor's artipacked).
- The token: a spec `token` secret by reference (`secrets.X`), else the job's own GITHUB_TOKEN,
  which then needs `contents: read` (the workflow's `permissions: {}` leaves it none;
  permissions.py grants it to the checkout job and each consumer).
- A job on the runner itself (layout.RUNNER) whose working dir is the checkout's path clones into
  the GitHub workspace, which is that working dir there.
- actions/checkout refuses a path outside `$GITHUB_WORKSPACE` ("Repository path ... is not under
  ..."), so a consumer clones under `$GITHUB_WORKSPACE/.shipspec/checkout/<artifact>` and a step then
  copies the files to the task's path (in its job container, or the host directory `docker run`
  mounts there, layout.py) and removes the clone.
- In a job container actions/checkout runs inside the task's image and needs git (>= 2.18) there;
  without it the action downloads the commit's files through the REST API (no `.git`, and
  `submodules` fails), so an image that builds from history needs git.
- An argv task's files are host files of the runner's user, while its container runs as root, and
  git (>= 2.35.2) refuses a repository another user owns ("detected dubious ownership"): the
  container gets `safe.directory` for each checkout it reads through GIT_CONFIG_COUNT/KEY/VALUE
  (git >= 2.31 reads them as command-line config, which `safe.directory` trusts), unless the task
  sets GIT_CONFIG_COUNT itself. In a job container the files are root's, as the task is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...compiler import ir
from . import expr as gx
from .layout import Place, absolute
from .pins import uses
from .shell import shell_word

CHECKOUT_STEP = "checkout"
"""The id of the actions/checkout step in the checkout task's job (its `commit` and `ref` outputs)."""

SHORT_SHA_STEP = "results"
"""The id of the step that cuts `short-sha` (the checkout job's results step)."""

_SUBMODULES = {"top": True, "recursive": "recursive"}


def clone_dir(artifact: str) -> str:
    """Where actions/checkout clones, relative to `$GITHUB_WORKSPACE` (it takes no other place)."""
    return f".shipspec/checkout/{artifact}"


def repository(c: ir.Checkout, scope: gx.Scope) -> str | None:
    """actions/checkout's `repository` (owner/name); None: the run's own (the action's default).
    A literal `https://github.com/owner/name(.git)` is written as owner/name; other URLs are an
    SS501 (checks.py)."""
    if c.repository is None:
        return None
    if not c.repository.refs:
        text = "".join(p for p in c.repository.parts if isinstance(p, str))
        slug = github_slug(text)
        return gx.escape(slug if slug is not None else text)
    return gx.template(c.repository, scope)


def github_slug(text: str) -> str | None:
    """owner/name of a literal repository: as written without "://", else from a github.com URL."""
    if "://" not in text:
        return text
    for prefix in ("https://github.com/", "http://github.com/"):
        if text.startswith(prefix):
            slug = text[len(prefix):].removesuffix("/").removesuffix(".git")
            return slug if slug.count("/") == 1 else None
    return None


def options(c: ir.Checkout, scope: gx.Scope, ref: str | None, path: str | None) -> dict[str, Any]:
    """The `with:` of actions/checkout; defaults are left out, as users write it."""
    out: dict[str, Any] = {}
    repo = repository(c, scope)
    if repo is not None:
        out["repository"] = repo
    if ref is not None:
        out["ref"] = ref
    if c.token is not None:
        out["token"] = gx.wrap(gx.prop("secrets", c.token.github_name))
    if path is not None:  # None: the workspace itself
        out["path"] = path
    if c.depth != 1:
        out["fetch-depth"] = c.depth
    if c.tags:
        out["fetch-tags"] = True
    if c.submodules in _SUBMODULES:
        out["submodules"] = _SUBMODULES[c.submodules]
    if c.lfs:
        out["lfs"] = True
    out["persist-credentials"] = False
    return out


def _ref(c: ir.Checkout, scope: gx.Scope) -> str | None:
    """What the checkout job asks for: the spec's ref, else the run's commit in its own repository,
    else nothing (actions/checkout then takes another repository's default branch)."""
    if c.ref is not None:
        return gx.template(c.ref, scope)
    return gx.wrap(gx.RUN_SHA) if c.repository is None else None


def job_outputs(task: ir.Task, scope: gx.Scope) -> dict[str, str]:
    """sha, short-sha and ref of the checkout job (`ir.CHECKOUT_RESULTS`)."""
    c = task.checkout
    assert c is not None
    if c.ref is not None:
        ref = gx.template(c.ref, scope)
    elif c.repository is None:
        ref = gx.wrap(gx.ref(ir.RunRef(ir.RunField.REF), scope))
    else:
        ref = gx.wrap(f"steps.{CHECKOUT_STEP}.outputs.ref")
    return {"sha": gx.wrap(f"steps.{CHECKOUT_STEP}.outputs.commit"),
            "short-sha": gx.wrap(f"steps.{SHORT_SHA_STEP}.outputs.short-sha"), "ref": ref}


def job_steps(task: ir.Task, scope: gx.Scope) -> list[dict[str, Any]]:
    """The checkout job's own steps: clone, then cut the short sha (a hex commit, checked)."""
    c = task.checkout
    assert c is not None
    name = task.produces[0].name if task.produces else task.name
    clone = {"name": "Check out", "id": CHECKOUT_STEP, "uses": uses("actions/checkout"),
             "with": options(c, scope, _ref(c, scope), clone_dir(name))}
    short = {"name": "Short commit sha", "id": SHORT_SHA_STEP,
             "run": "printf 'short-sha=%.7s\\n' \"$SHIPSPEC_SHA\" >> \"$GITHUB_OUTPUT\"", "shell": "sh -e {0}",
             "env": {"SHIPSPEC_SHA": gx.wrap(f"steps.{CHECKOUT_STEP}.outputs.commit")}}
    return [clone, short]


def consumer_steps(a: ir.ArtifactIn, c: ir.Checkout, scope: gx.Scope, place: Place) -> list[dict[str, Any]]:
    """A consumer's clone of the checkout job's very commit, then its files at the task's path.
    A checkout job that did not succeed (skipped by its condition) leaves an empty directory, as a
    skipped producer's artifact does."""
    ran = gx.wrap(f"{gx.prop(gx.prop('needs', a.producer), 'result')} == 'success'")
    sha = gx.wrap(gx.prop(gx.prop("needs", a.producer) + ".outputs", "sha"))
    if place.task_path(a.path).is_root:  # a runner task's working dir: the GitHub workspace itself
        return [{"name": f"Check out {a.name}", "if": ran, "uses": uses("actions/checkout"),
                 "with": options(c, scope, sha, None)}]
    clone = {"name": f"Check out {a.name}", "if": ran, "uses": uses("actions/checkout"),
             "with": options(c, scope, sha, clone_dir(a.name))}
    source = '"$GITHUB_WORKSPACE"/' + shell_word(clone_dir(a.name))
    target = place.task_path(a.path).shell
    script = (f"mkdir -p {target}\n"
              f"if [ -d {source} ]; then\n"
              f"  cp -a {source}/. {target}/\n"
              f"  rm -rf {source}\n"
              "fi")
    return [clone, {"name": gx.escape(f"Place checkout {a.name}"), "run": gx.escape(script), "shell": "sh -e {0}"}]


def safe_directories(task: ir.Task, checkouts: Mapping[str, ir.Checkout]) -> dict[str, str]:
    """Env that makes git in an argv task's container trust the checkouts it reads (see above)."""
    paths = list(dict.fromkeys(absolute(a.path) for a in task.consumes if a.producer in checkouts))
    if not paths or any(e.name == "GIT_CONFIG_COUNT" for e in task.env):
        return {}
    env = {"GIT_CONFIG_COUNT": str(len(paths))}
    for i, path in enumerate(paths):
        env[f"GIT_CONFIG_KEY_{i}"] = "safe.directory"
        env[f"GIT_CONFIG_VALUE_{i}"] = gx.escape(path)
    return env
