"""Sensor data filters (pkg/sensors/dependencies/filter.go `filterData`): filters are ANDed, the
values of one filter ORed, a string value is a regular expression, comparator `!=` inverts it."""

from __future__ import annotations

from typing import Any

from ...compiler import ir

Json = dict[str, Any]
Globs = tuple[str, ...]


def match(path: str, values: list[str], negate: bool = False) -> Json:
    out: Json = {"path": path, "type": "string", "value": values}
    if negate:
        out["comparator"] = "!="
    return out


def ref_filters(path: str, prefix: str, include: Globs, ignore: Globs) -> tuple[list[str], list[Json]]:
    """The include regexes of one kind of ref (`refs/heads/`), and a `!=` filter per excluded glob:
    each of `ignore` and each `!pattern` in `include` (GitHub's way to exclude within a list)."""
    positive = [g for g in include if not g.startswith("!")]
    excluded = [g[1:] for g in include if g.startswith("!")] + list(ignore)
    wanted = [ir.glob_regex(prefix + g) for g in positive] or ([f"^{prefix}"] if excluded else [])
    return wanted, [match(path, [ir.glob_regex(prefix + g)], negate=True) for g in excluded]


# Push payloads of GitHub and GitLab both carry the full ref in `body.ref`: the run fields cut from it.
REF_TYPE_TEMPLATE = '{{ if hasPrefix "refs/tags/" .Input.body.ref }}tag{{ else }}branch{{ end }}'
REF_NAME_TEMPLATE = '{{ .Input.body.ref | trimPrefix "refs/heads/" | trimPrefix "refs/tags/" }}'
BRANCH_TEMPLATE = ('{{ if hasPrefix "refs/heads/" .Input.body.ref }}{{ trimPrefix "refs/heads/" .Input.body.ref }}'
                   '{{ end }}')
