"""Names every engine accepts: Kubernetes DNS-1123 labels for tasks, GitHub and Tekton id rules
for params and results, and no two things of one kind under one name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .. import ir, rules
from ..diagnostics import Diagnostic, Span, error
from ..loader import Document

RULES = (rules.INVALID_NAME, rules.DUPLICATE_NAME, rules.DUPLICATE_PRODUCER)

# A DNS-1123 label that also starts with a letter (GitHub job ids cannot start with a digit).
_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
# Params and results: Tekton's and GitHub's id rules, intersected.
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ENV = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_AXIS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

MAX_PIPELINE_NAME = 52  # leaves room for the engines' run suffixes ("-run-xxxxx") within 63
MAX_LABEL = 63
LABEL_RULE = "lower case letters, digits and '-', starting with a letter and ending with a letter or digit"

ADVISORY = False  # skipped once an error is known


def check(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    yield from _label("pipeline", pipeline.name, pipeline.span, MAX_PIPELINE_NAME)
    for param in pipeline.params:
        yield from _id("param", param.name, param.span, _ID)
    yield from _unique("param", ((p.name, p.span) for p in pipeline.params))
    yield from _unique("pipeline result", ((r.name, r.span) for r in pipeline.results))
    yield from _unique("cache", ((c.name, c.span) for c in pipeline.caches))
    for result in pipeline.results:
        yield from _id("pipeline result", result.name, result.span, _ID)
    for cache in pipeline.caches:
        yield from _label("cache", cache.name, cache.span, MAX_LABEL)
    for task in pipeline.all_tasks:
        yield from _task(task)
    yield from _producers(pipeline)
    yield from _github_secret_names(pipeline)
    for kind, pairs in (("label", pipeline.labels), ("annotation", pipeline.annotations)):
        for key, value in pairs:
            yield from _metadata_key(kind, key, pipeline.span)
            if kind == "label" and not _LABEL_VALUE.fullmatch(value):
                yield error(rules.INVALID_NAME, pipeline.span, f"label value '{value}' is invalid: up to 63 "
                            "letters, digits, '-', '_' and '.', starting and ending with a letter or digit")


def check_document(doc: Document) -> Iterator[Diagnostic]:
    """The names a spec that failed validation still has, so a structural error (a missing `tasks:`)
    does not hide a bad pipeline or task name: what can be checked on the raw data is."""
    data = doc.data if isinstance(doc.data, dict) else {}
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
        yield from _label("pipeline", metadata["name"], doc.span(("metadata", "name")), MAX_PIPELINE_NAME)
    body = data.get("spec")
    for section in ("tasks", "finally"):
        tasks = body.get(section) if isinstance(body, dict) else None
        for i, task in enumerate(tasks if isinstance(tasks, list) else ()):
            if isinstance(task, dict) and isinstance(task.get("name"), str):
                yield from _label("task", task["name"], doc.span(("spec", section, i, "name")), MAX_LABEL)


def _task(task: ir.Task) -> Iterator[Diagnostic]:
    yield from _label("task", task.name, task.span, MAX_LABEL)
    for result in task.results:
        yield from _id("result", result.name, result.span, _ID)
    yield from _unique("result", ((r.name, r.span) for r in task.results))
    for var in task.env:
        yield from _id("env var", var.name, var.span, _ENV)
    for sidecar in task.sidecars:
        yield from _label("sidecar", sidecar.name, sidecar.span, MAX_LABEL)
    yield from _unique("sidecar", ((s.name, s.span) for s in task.sidecars))
    for art in task.produces:
        yield from _label("artifact", art.name, art.span, MAX_LABEL)
    for axis in task.matrix.axes if task.matrix else ():
        yield from _id("matrix axis", axis.name, axis.span, _AXIS)


def _label(kind: str, name: str, span: Span, limit: int) -> Iterator[Diagnostic]:
    if not _LABEL.fullmatch(name):
        yield error(rules.INVALID_NAME, span, f"{kind} name '{name}' is invalid: use {LABEL_RULE}",
                    f"try '{_suggest(name)}'")
    elif len(name) > limit:
        yield error(rules.INVALID_NAME, span,
                    f"{kind} name '{name}' is {len(name)} characters; the limit is {limit}",
                    "shorten it")


def _id(kind: str, name: str, span: Span, pattern: re.Pattern[str]) -> Iterator[Diagnostic]:
    if not pattern.fullmatch(name):
        allowed = "letters, digits and '_'" if pattern is not _ID else "letters, digits, '_' and '-'"
        yield error(rules.INVALID_NAME, span, f"{kind} name '{name}' is invalid: use {allowed}, "
                    "not starting with a digit")


def _unique(kind: str, items: Iterable[tuple[str, Span]]) -> Iterator[Diagnostic]:
    seen: dict[str, Span] = {}
    for name, span in items:
        first = seen.setdefault(name, span)
        if first is not span:
            yield error(rules.DUPLICATE_NAME, span, f"{kind} '{name}' is already defined at line {first.line}")


def _producers(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for task in pipeline.all_tasks:
        for art in task.produces:
            first = seen.setdefault(art.name, task.name)
            if first != task.name or task.is_finally:
                why = (f"task '{first}' produces it already" if first != task.name
                       else "finally tasks run last, so nothing could consume it")
                yield error(rules.DUPLICATE_PRODUCER, art.span, f"artifact '{art.name}': {why}")


_LABEL_VALUE = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?")
_LABEL_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def _metadata_key(kind: str, key: str, span: Span) -> Iterator[Diagnostic]:
    """Kubernetes label and annotation keys: an optional DNS prefix and '/', then a short name."""
    prefix, _, name = key.rpartition("/")
    if not _LABEL_NAME.fullmatch(name) or (prefix and not (len(prefix) <= 253 and _SUBDOMAIN.fullmatch(prefix))):
        yield error(rules.INVALID_NAME, span, f"{kind} key '{key}' is invalid: an optional DNS prefix and '/', "
                    "then up to 63 letters, digits, '-', '_' and '.'")


def _github_secret_names(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    """On GitHub a secret key is the repository secret SECRET_KEY: two keys must not share one name."""
    seen: dict[str, ir.SecretRef] = {}
    refs = [v.value for t in pipeline.all_tasks for v in (*t.env, *(e for s in t.sidecars for e in s.env))
            if isinstance(v.value, ir.SecretRef)]
    refs += [f.secret for t in pipeline.all_tasks for f in t.secret_files]
    for ref in refs:
        first = seen.setdefault(ref.github_name, ref)
        if (first.secret, first.key) != (ref.secret, ref.key):
            yield error(rules.DUPLICATE_NAME, ref.span,
                        f"secrets {first.secret}/{first.key} and {ref.secret}/{ref.key} are both the GitHub "
                        f"secret {ref.github_name}", "rename the secret or the key of one of them")


def _suggest(name: str) -> str:
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    text = re.sub(r"^[^a-z]+", "", text)
    return text[:MAX_LABEL].rstrip("-") or "task"
