"""Validate Argo / Tekton manifests against the vendored engine schemas (tests/engine_schemas).

Adapted from our shared ``check_examples.py`` (see engine_schemas/PROVENANCE.md) so the suite
needs nothing outside the repo. Documents are routed by apiVersion/kind; Argo objects are
closed (``argo lint``/``argo submit`` decode strictly), IntOrString/Quantity are widened to what
the controllers accept, and duplicate YAML keys are rejected (as ``argo lint`` does).
"""
from __future__ import annotations

import datetime
import difflib
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema import exceptions
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

SCHEMAS = Path(__file__).resolve().parent / "engine_schemas"
ARGO_API = "argoproj.io/v1alpha1"
ARGO_KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow", "WorkflowEventBinding")
TEKTON_API = "tekton.dev/v1"
TEKTON_KINDS = {"Task": "task", "Pipeline": "pipeline", "PipelineRun": "pipelinerun", "TaskRun": "taskrun"}
TRIGGERS_API = "triggers.tekton.dev/v1beta1"
TRIGGERS_KINDS = {"EventListener": "eventlistener", "TriggerBinding": "triggerbinding",
                  "TriggerTemplate": "triggertemplate"}
Engine = Literal["argo", "tekton"]


@dataclass(frozen=True)
class Problem:
    """One schema violation, printed as ``FILE: doc N (Kind/name): $.path: message``."""

    file: str
    doc: int  # 0-based index of the YAML document; -1 when the file itself is unreadable
    label: str  # Kind/name
    path: str  # JSON path, e.g. $.spec.tasks[0].runAfter
    message: str

    def __str__(self) -> str:
        return f"{self.file}: doc {self.doc} ({self.label}): {self.path}: {self.message}"


# --- YAML -------------------------------------------------------------------------------

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BaseLoader):  # type: ignore[misc]
    """SafeLoader (YAML 1.1, like the Go decoders) that rejects duplicate mapping keys."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"found duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _jsonable(node: Any) -> Any:
    """YAML timestamps become strings, as they do in the engines' YAMLToJSON."""
    if isinstance(node, dict):
        return {str(k): _jsonable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_jsonable(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node


def load_documents(text: str) -> Iterator[Any]:
    """Yield each YAML document as JSON-compatible data (None for an empty document)."""
    for doc in yaml.load_all(text, Loader=StrictLoader):  # noqa: S506 - safe loader subclass
        yield _jsonable(doc)


# --- schemas ----------------------------------------------------------------------------


def _load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _close_objects(node: Any) -> None:
    """Add additionalProperties: false wherever properties are listed (strict decoding)."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for sub in value.values():
                    _close_objects(sub)
            else:
                _close_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_objects(value)


@functools.cache
def _argo_schema() -> dict[str, Any]:
    schema = _load_json(SCHEMAS / "argo" / "schema.json")
    schema.pop("oneOf", None)  # we pick the kind ourselves, for precise errors
    defs = schema["definitions"]
    _close_objects(defs)
    # The file types these as plain strings (an OpenAPI v2 limit); the controller also reads
    # `limit: 10` or `port: 8080`.
    defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {"type": ["string", "integer"]}
    defs["io.k8s.apimachinery.pkg.api.resource.Quantity"] = {"type": ["string", "number"]}
    return schema


@functools.cache
def validator(engine: Engine, api_version: str, kind: str) -> Validator | None:
    """A compiled validator for apiVersion/kind of that engine, or None if there is none."""
    if engine == "argo" and api_version == ARGO_API and kind in ARGO_KINDS:
        schema = {**_argo_schema(), "$ref": f"#/definitions/io.argoproj.workflow.v1alpha1.{kind}"}
    elif engine == "tekton" and api_version == TEKTON_API and kind in TEKTON_KINDS:
        schema = _load_json(SCHEMAS / "tekton" / f"{TEKTON_KINDS[kind]}.schema.json")
    elif engine == "tekton" and api_version == TRIGGERS_API and kind in TRIGGERS_KINDS:
        schema = _load_json(SCHEMAS / "tekton-triggers" / f"{TRIGGERS_KINDS[kind]}.schema.json")
    else:
        return None
    cls = validator_for(schema)
    return cls(schema)


# --- reporting --------------------------------------------------------------------------


def _message(error: exceptions.ValidationError) -> str:
    """A short message; unknown fields get a "did you mean" hint."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        typed = [e for e in error.context if e.validator != "type"] or error.context
        best = exceptions.best_match(typed)
        return f"{error.message.splitlines()[0][:120]} (closest: {_message(best)[:200]})"
    if error.validator == "pattern" and isinstance(error.schema, dict) and error.schema.get("description"):
        return f"{error.instance!r} is not valid: {error.schema['description'][:120]}"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        hints = []
        for key in (k for k in error.instance if k not in known):
            near = difflib.get_close_matches(key, known, n=1) or [k for k in known if k.lower() == key.lower()]
            hints.append(f"unknown field {key!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        return "; ".join(hints) or error.message
    return error.message if len(error.message) < 300 else error.message[:297] + "..."


def check_document(doc: Any, engine: Engine, file: str, index: int) -> list[Problem]:
    """Problems of one parsed document; a kind the engine does not know is a problem."""
    if not isinstance(doc, dict):
        return [Problem(file, index, "?", "$", "document is not a mapping")]
    api, kind = doc.get("apiVersion"), doc.get("kind")
    meta: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    label = f"{kind}/{meta.get('name') or meta.get('generateName') or '?'}"
    v = validator(engine, api, kind) if isinstance(api, str) and isinstance(kind, str) else None
    if v is None:
        return [Problem(file, index, label, "$", f"no {engine} schema for apiVersion={api!r} kind={kind!r}")]
    errors = sorted(v.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    found = [Problem(file, index, label, e.json_path, _message(e)) for e in errors]
    if api == TRIGGERS_API and kind == "TriggerTemplate":
        found += _resource_templates(doc, engine, file, index)
    return list(dict.fromkeys(found))  # the same error can come from an overlay and the definition


def _resource_templates(doc: dict[str, Any], engine: Engine, file: str, index: int) -> list[Problem]:
    """A TriggerTemplate's resourcetemplates are open objects (RawExtension) in its schema: each
    Tekton object in it is checked against its own kind's schema, its path prefixed."""
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    templates = spec.get("resourcetemplates") if isinstance(spec, dict) else None
    out: list[Problem] = []
    for i, item in enumerate(templates if isinstance(templates, list) else []):
        for p in check_document(item, engine, file, index):
            out.append(Problem(p.file, p.doc, p.label, f"$.spec.resourcetemplates[{i}]{p.path[1:]}", p.message))
    return out


def read_documents(path: Path) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """(index, document) for each non-empty document, or the problem that stopped reading."""
    try:
        docs = enumerate(load_documents(path.read_text(encoding="utf-8")))
        return [(i, d) for i, d in docs if d is not None], []
    except OSError as exc:
        return [], [Problem(str(path), -1, "-", "-", f"cannot read file: {exc}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else "-"
        what = getattr(exc, "problem", None) or str(exc)
        return [], [Problem(str(path), -1, "YAML", where, f"cannot read YAML: {what}")]


def check_file(path: Path, engine: Engine) -> list[Problem]:
    """Every problem in a (multi-document) YAML file; an empty file is a problem too."""
    docs, problems = read_documents(path)
    if not docs and not problems:
        problems = [Problem(str(path), -1, "-", "-", "no YAML documents")]
    for i, doc in docs:
        problems.extend(check_document(doc, engine, str(path), i))
    return problems
