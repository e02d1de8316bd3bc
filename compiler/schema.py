"""The spec's JSON Schema for editors: pydantic's schema of `spec.Spec`, with every block's inputs
checked under its `uses:`, a `markdownDescription` beside every description, and no `default: null`
or key-name titles (tests/test_schema_editor.py, tests/test_language_server.py)."""

from __future__ import annotations


def schema_text() -> str:
    """The spec's JSON Schema, as checked in under schemas/ (a test keeps the two equal): the models'
    own schema, made for editors (yaml-language-server, VS Code): every block's inputs checked under
    its `uses:`, a `markdownDescription` beside every description, no `default: null` or key-name titles."""
    import json

    from .spec import Spec

    schema = Spec.model_json_schema(by_alias=True)
    # a spec made from a template may leave `spec` out: the template's is the pipeline then
    schema["required"] = [k for k in schema.get("required", []) if k != "spec"]
    schema["anyOf"] = [{"required": ["spec"]}, {"required": ["template"]}]
    _add_blocks(schema)
    _for_editors(schema, "")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "https://shipspec.dev/schemas/shipspec-v1.schema.json", **schema}
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


_CHECKOUT_SUMMARY = "Clone the repository into an artifact named after the task; results sha, short-sha and ref."


def _add_blocks(schema: dict[str, object]) -> None:
    """A task's `with:` is the inputs of the block its `uses:` names (`if`/`then` per block, the inputs
    models under `$defs`), or the checkout's inputs when `uses` names no block (as the compiler reads it)."""
    from typing import Any, get_args

    from .blocks import BLOCKS
    from .spec import BlockName

    defs: dict[str, Any] = schema["$defs"]  # type: ignore[assignment]
    names = list(get_args(BlockName))
    summaries = {"checkout": _CHECKOUT_SUMMARY, **{name: block.summary for name, block in BLOCKS.items()}}
    rules: list[dict[str, Any]] = []
    for name in names:
        if name == "checkout":
            ref, required = "Checkout", False
        else:
            model = BLOCKS[name].inputs
            found = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
            for key, value in {**found.pop("$defs", {}), model.__name__: found}.items():
                if defs.setdefault(key, value) != value:
                    raise ValueError(f"two schemas named {key} in $defs")
            ref, required = model.__name__, bool(found.get("required"))
        then: dict[str, Any] = {"properties": {"with": {
            "$ref": f"#/$defs/{ref}", "description": f"The inputs of `uses: {name}`: {summaries[name]}"}}}
        if required:
            then["required"] = ["with"]
        rules.append({"if": {"properties": {"uses": {"const": name}}, "required": ["uses"]}, "then": then})
    task = defs["Task"]
    checkout = task["properties"]["with"]
    otherwise = {"anyOf": checkout["anyOf"], "description": f"The inputs of `uses: checkout`: {_CHECKOUT_SUMMARY}"}
    rules.append({"if": {"properties": {"uses": {"enum": [n for n in names if n != "checkout"]}}, "required": ["uses"]},
                  "else": {"properties": {"with": otherwise}}})
    task["properties"]["with"] = {"anyOf": [{"type": "object"}, {"type": "null"}],
                                  "description": "The inputs of the block `uses:` names (docs/blocks.md), or of "
                                  "`checkout`."}
    task["allOf"] = rules
    for branch in task["properties"]["uses"]["anyOf"]:
        if branch.get("enum") == names:
            branch["enumDescriptions"] = [summaries[n] for n in names]
            branch["markdownEnumDescriptions"] = [f"`uses: {n}`: {summaries[n]}" for n in names]


def _for_editors(node: object, key: str) -> None:
    """Walk the schema: a `markdownDescription` for every description, a property for every key an
    object may have (`propertyNames` enums, so editors complete them), no `default: null` (nothing to
    insert), no property titles (pydantic's key name, which hovers would show as a heading), and a
    type's description (a duration's forms) added to its field's rather than kept in a branch."""
    if isinstance(node, list):
        for item in node:
            _for_editors(item, key)
        return
    if not isinstance(node, dict):
        return
    if node.get("default", 0) is None:
        del node["default"]
    if "description" in node:  # a type's own words (`Duration`) join the field's: one text on hover
        for branch in node.get("anyOf", ()):
            if isinstance(branch, dict) and "$ref" not in branch and "description" in branch:
                if branch["description"] not in node["description"]:
                    node["description"] += " " + branch["description"]
                examples = node.setdefault("examples", [])
                examples += [e for e in branch.pop("examples", []) if e not in examples]
                if not examples:
                    del node["examples"]
                del branch["description"]
    if "description" in node:
        node["markdownDescription"] = node["description"]
    names = node.get("propertyNames", {}).get("enum") if isinstance(node.get("propertyNames"), dict) else None
    if names and isinstance(node.get("additionalProperties"), dict) and "properties" not in node:
        each = node["additionalProperties"]
        about = each.get("description") or node.get("description", "")
        node["properties"] = {name: {**each, "description": f"`{name}`: {about}".strip()} for name in names}
    props = node.get("properties")
    if isinstance(props, dict) and key != "if":
        for prop in props.values():
            if isinstance(prop, dict):
                prop.pop("title", None)
    for child_key, child in node.items():
        if child_key in ("properties", "$defs"):
            for value in child.values():
                _for_editors(value, child_key)
        elif child_key not in ("enum", "const", "default", "examples"):
            _for_editors(child, child_key)


