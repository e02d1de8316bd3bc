"""A task's or a step's `env` entry: a value, an expression, or a secret by reference."""

from __future__ import annotations

from .. import ir, rules, spec
from .context import Context, as_written
from .site import Site

RESERVED_ENV_PREFIX = "SHIPSPEC_"


def env_var(ctx: Context, name: str, value: spec.EnvValue, site: Site) -> ir.EnvVar:
    span = site.key_span
    if name.upper().startswith(RESERVED_ENV_PREFIX):
        ctx.scope.report(rules.INVALID_NAME, span, f"env var names starting with {RESERVED_ENV_PREFIX} "
                         "are shipspec's own", f"rename '{name}'")
    if isinstance(value, spec.SecretKeyRef):
        return ir.EnvVar(name, ir.SecretRef(value.secret, value.key, site.span), span)
    return ir.EnvVar(name, ctx.template(as_written(value, site), site, allow_list=True), span)
