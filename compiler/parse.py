"""Loaded YAML -> `spec.Spec`, turning pydantic's errors into positioned diagnostics."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import rules, spec
from .diagnostics import Diagnostic, SpecError, error
from .loader import Document, Loc

M = TypeVar("M", bound=BaseModel)

_TYPE_WORDS = {
    "string_type": "a string", "int_type": "an integer", "bool_type": "true or false",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "literal_error": None, "int_parsing": "an integer",
    "float_type": "a number", "int_from_float": "an integer",
}


def parse_spec(doc: Document) -> spec.Spec:
    """Validate the document; raise SpecError carrying every problem found."""
    data = doc.data
    _check_header(doc)
    try:
        return spec.Spec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(_diagnostics(doc, exc.errors(include_url=False))) from None


def _check_header(doc: Document) -> None:
    data = doc.data
    if not isinstance(data, dict):
        what = "an empty file" if data is None else _kind(data)
        raise SpecError([error(rules.WRONG_TYPE, doc.span(()),
                               f"a spec is a mapping with apiVersion, kind, metadata and spec; this is {what}",
                               f"start the file with `apiVersion: {spec.API_VERSION}`")])
    version = data.get("apiVersion")
    if version is not None and version != spec.API_VERSION:
        raise SpecError([error(rules.WRONG_HEADER, doc.span(("apiVersion",)),
                               f"apiVersion '{version}' is not supported",
                               f"use `apiVersion: {spec.API_VERSION}`")])
    kind = data.get("kind")
    if kind is not None and kind not in ("Pipeline", "PipelineTemplate"):
        raise SpecError([error(rules.WRONG_HEADER, doc.span(("kind",)), f"kind '{kind}' is not supported",
                               "use `kind: Pipeline` (or `kind: PipelineTemplate` for a template)")])


def _kind(value: Any) -> str:
    """The value's kind with its article: 'a list', 'nothing'."""
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean",
            dict: "a mapping", type(None): "nothing"}.get(type(value), f"a {type(value).__name__}")


def validate_at(doc: Document, model: type[M], loc: Loc) -> tuple[M | None, list[Diagnostic]]:
    """Validate the node at `loc` with `model` (a block's inputs), errors positioned as the spec's are."""
    try:
        return model.model_validate(_value(doc.data, loc) or {}), []
    except ValidationError as exc:
        errors = [{**e, "loc": (*loc, *e["loc"])} for e in exc.errors(include_url=False)]
        return None, _diagnostics(doc, errors, lambda parent: _fields_below(model, parent[len(loc):], doc, parent))


def _fields_below(model: type[BaseModel], rel: Loc, doc: Document, parent: Loc) -> list[str]:
    """The keys allowed at `rel` inside `model` (only its top level is looked into)."""
    return [f.alias or name for name, f in model.model_fields.items()] if not rel else _allowed_keys(doc.data, parent)


def _diagnostics(doc: Document, errors: list[Any],
                 allowed: Callable[[Loc], list[str]] | None = None) -> list[Diagnostic]:
    found: dict[tuple[Loc, str], Diagnostic] = {}
    for err in _prefer_specific(doc, errors):
        loc = _data_loc(doc.data, err["loc"], err["type"])
        diagnostic = _one(doc, loc, err, allowed or (lambda parent: _allowed_keys(doc.data, parent)))
        found.setdefault((loc, diagnostic.message), diagnostic)
    return list(found.values())


def _prefer_specific(doc: Document, errors: list[Any]) -> list[Any]:
    """Of the errors a union produced for one value, keep those of the branch that fits its shape."""
    by_loc: dict[Loc, list[Any]] = {}
    for err in errors:
        by_loc.setdefault(_data_loc(doc.data, err["loc"], err["type"]), []).append(err)
    kept: list[Any] = []
    for loc, group in by_loc.items():
        value = _value(doc.data, loc)
        shape_errors = [e for e in group if e["type"] in _TYPE_WORDS]
        deeper = any(other[: len(loc)] == loc and len(other) > len(loc) for other in by_loc)
        if shape_errors and (deeper or len(shape_errors) < len(group)):
            kept.extend(e for e in group if e["type"] not in _TYPE_WORDS)
        elif len(shape_errors) > 1:
            kept.append(_merged_type_error(shape_errors, value))
        else:
            kept.extend(group)
    return kept


def _merged_type_error(errors: list[Any], value: Any) -> dict[str, Any]:
    words = [w for w in dict.fromkeys(_TYPE_WORDS.get(e["type"]) for e in errors) if w]
    expected = ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)
    return {"type": "union_type", "loc": errors[0]["loc"], "input": value,
            "msg": f"expected {expected}, got {_kind(value)}"}


def _data_loc(data: Any, loc: tuple[Any, ...], kind: str) -> Loc:
    """pydantic's loc with union tags (segments that are not keys or indexes) dropped. A key that
    is not in the data is kept only for `missing` and `extra_forbidden`: the key is the point."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if _has(node, part):
            node = node[part]
        elif kind in ("missing", "extra_forbidden") and isinstance(node, dict) and not _is_tag(str(part)):
            out.append(part)  # the caller points at the parent (missing) or at the key itself (extra)
            break
        else:
            continue
        out.append(part)
    return tuple(out)


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


def _is_tag(part: str) -> bool:
    """pydantic names union branches in `loc` (`SecretKeyRef`, `list[str]`, `constrained-str`)."""
    return part[:1].isupper() or "[" in part or "-" in part or part in {"str", "int", "float", "bool", "list", "dict"}


def _value(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _one(doc: Document, loc: Loc, err: dict[str, Any], allowed: Callable[[Loc], list[str]]) -> Diagnostic:
    kind = err["type"]
    field = _field_name(loc)
    if kind == "missing":
        return error(rules.MISSING_FIELD, doc.key_span(loc[:-1]) if loc[:-1] else doc.span(()),
                     f"missing required field '{field}'", f"add `{field}:`")
    if kind == "extra_forbidden":
        return error(rules.UNKNOWN_FIELD, doc.key_span(loc), f"unknown field '{field}'",
                     _did_you_mean(field, allowed(loc[:-1])))
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return error(rules.WRONG_TYPE, doc.span(loc), f"'{err['input']}' is not allowed here; expected {expected}")
    message = err["msg"] if kind == "union_type" else _message(err)
    return error(rules.WRONG_TYPE, doc.span(loc), f"{field}: {message}", _quote_hint(err, doc, loc))


def _field_name(loc: Loc) -> str:
    """`default[0]`, `timeout`: the last key, with the indexes that follow it."""
    if not loc:
        return "document"
    i = len(loc) - 1
    while i > 0 and isinstance(loc[i], int):
        i -= 1
    return str(loc[i]) + "".join(f"[{p}]" for p in loc[i + 1:])


def _quote_hint(err: dict[str, Any], doc: Document, loc: Loc) -> str | None:
    """A number or boolean where text belongs: YAML typed it; quotes keep it text."""
    value = err.get("input")
    if err["type"] in ("string_type", "union_type") and isinstance(value, int | float | bool):
        return f"quote it: '{doc.source_text(loc) or value}'"
    return None


def _message(err: dict[str, Any]) -> str:
    expected = _TYPE_WORDS.get(err["type"])
    if expected:
        return f"expected {expected}, got {_kind(err['input'])}"
    ctx = err.get("ctx", {})
    if err["type"] == "string_pattern_mismatch":
        return f"'{err['input']}' is not {spec.PATTERNS.get(ctx.get('pattern', ''), 'valid here')}"
    if err["type"] in ("too_short", "string_too_short"):
        return "must not be empty"
    if err["type"] == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if err["type"] in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, not {err['input']}"
    if err["type"] in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}, not {err['input']}"
    return str(err["msg"]).replace("Value error, ", "")


def _allowed_keys(data: Any, parent: Loc) -> list[str]:
    model = _model_at(parent, data)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(loc: Loc, data: Any) -> type[BaseModel] | None:
    """The model that validates the mapping at `loc`, found by walking the field annotations."""
    model: Any = spec.Spec
    free_key = False
    for part in loc:
        if isinstance(part, int) or free_key:
            free_key = False
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        free_key = "dict[" in str(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    """The first BaseModel inside list[...] / X | None / dict[str, X] annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if choices:
        return "expected one of: " + ", ".join(sorted(choices))
    return None
