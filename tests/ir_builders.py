"""Small builders of IR values for the backend tests, which build pipelines by hand."""

from __future__ import annotations

from shipspec.compiler import ir


def tpl(*parts: str | ir.Ref) -> ir.Template:
    return ir.Template(tuple(parts))


def env(name: str, *parts: str | ir.Ref) -> ir.EnvVar:
    return ir.EnvVar(name, tpl(*parts))


def ref_env(ref: ir.Ref) -> ir.EnvVar:
    """The env var lowering creates for a reference used in a script."""
    return ir.EnvVar(ir.env_name(ref), tpl(ref))


def deps(*names: str) -> tuple[ir.Dependency, ...]:
    return tuple(ir.Dependency(n, explicit=True) for n in names)
