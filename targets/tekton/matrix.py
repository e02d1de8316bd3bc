"""A task's `matrix`: `matrix.params` and `matrix.include` of the pipeline task (matrix.md).

- literal axes are arrays; an array param is its whole value; an axis from an upstream task's
  result (a dynamic matrix) is that result's whole array, `$(tasks.T.results.R[*])` ("Results in
  Matrix.Params": whole array replacements from results of type array). The producer declares the
  result `type: array`, so Tekton parses the JSON list its script writes; text that is not a JSON
  list of strings fails the producer's TaskRun (the result's type does not match its declaration:
  pkg/pod/status.go reads it as a string). A result never written is `[]`, and a matrix with an
  empty array skips the task (matrix.md, "a `Matrix` with an empty array `Parameter`").
  Every other reader of that result gets it as the array it now is: as a matrix task's results
  (`ir.ResultRef.as_list`), turned into JSON text again by a step (`inputs`).
- include: Tekton adds an include entry to the combinations it does not overwrite and otherwise
  as a combination of its own (matrix.md, "Matrix.Include"); an entry that gives every axis, as
  the spec's do, is thus exactly one extra combination, as on GitHub.
- exclude: Tekton has none. When every axis is written in the spec, the combinations are listed
  at compile time as `include` entries alone ("Matrix.Include without Matrix.Params"): exact. With
  an axis from a param or a result it is an SS501.
- maxParallel: no Tekton form (SS501).
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, TypeVar

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from . import checks, inputs, syntax

Doc = dict[str, Any]
T = TypeVar("T")


def array_results(p: ir.Pipeline) -> frozenset[tuple[str, str]]:
    """(task, result) of every result a matrix axis fans out over: declared `type: array`."""
    return frozenset((axis.values.task, axis.values.result) for t in p.all_tasks if t.matrix
                     for axis in t.matrix.axes if isinstance(axis.values, ir.ResultRef))


def prepare(p: ir.Pipeline, diags: list[Diagnostic]) -> ir.Pipeline:
    """Every reference to an array result reads it as a list (see the module's docstring)."""
    arrays = array_results(p)
    if not arrays:
        return p
    matrixed = {t.name for t in p.all_tasks if t.matrix is not None}
    for t in p.all_tasks:
        for axis in t.matrix.axes if t.matrix else ():
            if isinstance(axis.values, ir.ResultRef) and axis.values.task in matrixed:
                diags.append(checks.unsupported(
                    axis.span, f"matrix axis '{axis.name}' from a result of matrix task '{axis.values.task}'",
                    "Tekton gathers a matrix task's results into an array of each instance's text",
                    "write the list from a task without a matrix"))

    def as_list(ref: ir.ResultRef) -> ir.ResultRef:
        return dataclasses.replace(ref, as_list=True) if (ref.task, ref.result) in arrays else ref

    return dataclasses.replace(p, tasks=_walk(p.tasks, as_list), finally_tasks=_walk(p.finally_tasks, as_list),
                               results=_walk(p.results, as_list))


def _walk(node: T, fn: Any) -> T:
    """`node` with `fn` applied to each ResultRef in it (through dataclasses and tuples)."""
    if isinstance(node, ir.ResultRef):
        return fn(node)  # type: ignore[no-any-return]
    if isinstance(node, tuple):
        items = tuple(_walk(item, fn) for item in node)
        return items if any(a is not b for a, b in zip(items, node, strict=True)) else node  # type: ignore[return-value]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, (tuple, ir.ResultRef)) or dataclasses.is_dataclass(value):
                new = _walk(value, fn)
                if new is not value:
                    changes[f.name] = new
        return dataclasses.replace(node, **changes) if changes else node
    return node


def matrix_doc(task: ir.Task, found: inputs.Inputs, diags: list[Diagnostic]) -> Doc:
    matrix = task.matrix
    assert matrix is not None
    if matrix.max_parallel is not None:
        diags.append(checks.unsupported(
            matrix.span, "matrix maxParallel",
            "Tekton starts every combination of a matrix at once (its only cap is the cluster-wide "
            "default-max-matrix-combinations-count, which fails the run)",
            "remove maxParallel"))

    def param(axis: str) -> str:
        return found[ir.MatrixRef(axis)].name

    if matrix.exclude:
        literal = [axis for axis in matrix.axes if isinstance(axis.values, tuple)]
        if len(literal) == len(matrix.axes):
            return {"include": _entries(_combinations(matrix), param)}
        diags.append(checks.unsupported(
            matrix.span, "matrix exclude with an axis from a param or a task result",
            "Tekton's matrix has no exclude, and the combinations can be listed only when every axis is "
            "written in the spec", "leave the excluded values out of the list the param or task gives"))
    out: Doc = {"params": [{"name": param(axis.name), "value": _axis_values(axis)} for axis in matrix.axes]}
    if matrix.include:
        out["include"] = _entries(list(matrix.include), param)
    return out


def _axis_values(axis: ir.MatrixAxis) -> str | list[str]:
    if isinstance(axis.values, ir.ParamRef):  # matrix.md: "array replacement from array param"
        return syntax.param(axis.values.name)
    if isinstance(axis.values, ir.ResultRef):  # matrix.md: "Results in Matrix.Params", whole array
        return syntax.task_result(axis.values.task, axis.values.result, whole_array=True)
    return [syntax.text(v) for v in axis.values]


def _combinations(matrix: ir.Matrix) -> list[ir.Combination]:
    """Every combination of the literal axes that no exclude entry matches, then the includes."""
    axes = [(axis.name, axis.values) for axis in matrix.axes if isinstance(axis.values, tuple)]
    product = [tuple(zip([name for name, _ in axes], values, strict=True))
               for values in itertools.product(*(values for _, values in axes))]
    kept = [c for c in product if not any(set(e) <= set(c) for e in matrix.exclude)]
    return kept + [c for c in matrix.include if dict(c) not in [dict(k) for k in kept]]


def _entries(combinations: list[ir.Combination], param: Any) -> list[Doc]:
    """`include` entries, each named after its values (Tekton shows the name for the TaskRun)."""
    taken: set[str] = set()
    out = []
    for combination in combinations:
        name = base = "-".join(syntax.text(v) for _, v in combination)
        n = 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        out.append({"name": name, "params": [{"name": param(axis), "value": syntax.text(v)}
                                             for axis, v in combination]})
    return out
