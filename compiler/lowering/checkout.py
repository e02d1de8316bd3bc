"""`uses: checkout`: a built-in task that clones the repository into an artifact named after it.

It has no image or script of its own (each backend runs its engine's checkout: actions/checkout,
Tekton's git-clone, an Argo git artifact), so the fields of a container task are refused on it, each
at its own line. Its results are `ir.CHECKOUT_RESULTS`.
"""

from __future__ import annotations

from .. import ir, spec
from .context import Context
from .native import refuse_fields
from .site import Site

CHECKOUT = "checkout"

_CONTAINER_FIELDS = ("image", "run", "command", "args", "steps", "env", "working_dir", "results", "produces",
                     "consumes", "caches", "secret_files", "sidecars", "matrix", "oidc")
"""Task fields a checkout task cannot have: what it runs and what it makes are the checkout's."""

_RESULT_MEANINGS = {"sha": "the commit cloned", "short-sha": "its first 7 characters",
                    "ref": "the ref asked for (the run's ref if none)"}


def checkout(ctx: Context, t: spec.Task, site: Site) -> ir.Checkout:
    """The checkout's settings, after reporting each container field the task also has."""
    refuse_fields(ctx, t, site, _CONTAINER_FIELDS, f"`uses: {CHECKOUT}`",
                  "the checkout's files are the artifact named after the task: consume it from a task that "
                  "runs your commands")
    w = t.with_ or spec.Checkout.model_validate({})
    at = site / "with"
    return ir.Checkout(
        repository=ctx.template(w.repository, at / "repository") if w.repository else None,
        ref=ctx.template(w.ref, at / "ref") if w.ref else None,
        depth=w.depth,
        tags=w.tags,
        submodules="recursive" if w.submodules == "recursive" else ("top" if w.submodules else "none"),
        lfs=w.lfs,
        token=ir.SecretRef(w.token.secret, w.token.key, (at / "token").span) if w.token else None,
        path=w.path,
        span=(site / "uses").span,
    )


def results(site: Site) -> tuple[ir.Result, ...]:
    return tuple(ir.Result(name, _RESULT_MEANINGS[name], (site / "uses").span) for name in ir.CHECKOUT_RESULTS)

