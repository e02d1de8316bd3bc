"""The checked-in JSON Schema as editors use it: every property and definition documented (plain and
Markdown), each block's `with:` checked against its inputs under `uses:`, and every spec in the
repository valid against it (Draft 2020-12)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from ruamel.yaml import YAML

from shipspec.compiler.blocks import BLOCKS
from shipspec.compiler.spec import BlockName

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "shipspec-v1.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SPECS = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("golden_tests/*/spec.yaml")])
NOT_VALUES = ("enum", "const", "default", "examples")
"""Keywords whose contents are data, not schemas."""


def _load(text: str) -> Any:
    return YAML(typ="safe").load(text)


def _walk(node: Any, where: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, JSON pointer, schema) of every property and definition; `if` conditions are tests of
    a value, not properties anyone writes, and are left out."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{where}/{i}")
    if not isinstance(node, dict):
        return
    for key, child in node.items():
        if key in ("properties", "$defs") and isinstance(child, dict):
            for name, schema in child.items():
                yield ("property" if key == "properties" else "definition"), f"{where}/{key}/{name}", schema
                yield from _walk(schema, f"{where}/{key}/{name}")
        elif key not in (*NOT_VALUES, "if"):
            yield from _walk(child, f"{where}/{key}")


def _pipeline(task: str) -> str:
    return ("apiVersion: shipspec.dev/v1\nkind: Pipeline\nmetadata:\n  name: demo\nspec:\n  tasks:\n"
            + "".join(f"    {'  ' if i else '- '}{line}\n" for i, line in enumerate(task.strip("\n").splitlines())))


def _errors(text: str) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(_load(text))]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_property_and_definition_has_a_description_and_its_markdown() -> None:
    found = list(_walk(SCHEMA, "#"))
    assert len(found) > 300  # the walk reached the whole schema, block inputs included
    missing = [f"{kind} {where}: {word}" for kind, where, schema in found
               for word in ("description", "markdownDescription") if not schema.get(word)]
    assert missing == []
    differ = [where for _, where, schema in found if schema["markdownDescription"] != schema["description"]]
    assert differ == []


def test_defaults_are_given_and_none_is_null() -> None:
    """Editors insert a default when they complete a key: a field's own default is there, `null` never is."""
    nulls = [where for _, where, schema in _walk(SCHEMA, "#") if "default" in schema and schema["default"] is None]
    assert nulls == []
    task = SCHEMA["$defs"]["Task"]["properties"]
    checkout = SCHEMA["$defs"]["Checkout"]["properties"]
    assert (checkout["depth"]["default"], checkout["path"]["default"]) == (1, "/workspace/source")
    assert SCHEMA["$defs"]["Param"]["properties"]["type"]["default"] == "string"
    assert SCHEMA["$defs"]["Param"]["properties"]["type"]["enum"] == ["string", "bool", "int", "array"]
    assert task["timeout"]["examples"] == ["20m", 600]
    assert SCHEMA["$defs"]["LanguageInputs"]["properties"]["directory"]["default"] == "."


def test_a_types_words_join_its_fields_once() -> None:
    """A field of a type alias (`Duration`) says both what it is and the type's forms, in one text."""
    max_duration = SCHEMA["$defs"]["Backoff"]["properties"]["maxDuration"]
    assert max_duration["description"] == ("A cap on each delay (Argo: `cap`). "
                                           "Seconds, or a duration such as '90s', '20m', '1h30m'.")
    assert max_duration["examples"] == ["20m"]
    assert all("description" not in branch for branch in max_duration["anyOf"])


def test_uses_offers_every_block_with_its_summary() -> None:
    (names,) = [b for b in SCHEMA["$defs"]["Task"]["properties"]["uses"]["anyOf"] if "enum" in b]
    assert names["enum"] == list(get_args(BlockName))
    assert names["enumDescriptions"][names["enum"].index("go")] == BLOCKS["go"].summary
    assert len(names["markdownEnumDescriptions"]) == len(names["enum"])


def test_each_block_gets_its_inputs_under_with() -> None:
    rules = SCHEMA["$defs"]["Task"]["allOf"]
    then = {rule["if"]["properties"]["uses"]["const"]: rule["then"]["properties"]["with"]["$ref"]
            for rule in rules if "then" in rule}
    assert then == {"checkout": "#/$defs/Checkout",
                    **{name: f"#/$defs/{block.inputs.__name__}" for name, block in BLOCKS.items()}}
    for ref in then.values():
        assert ref.removeprefix("#/$defs/") in SCHEMA["$defs"]


@pytest.mark.parametrize(("task", "problem"), [
    ('name: test\nuses: go\nwith:\n  version: "1.23"\n  coverag: 80', "'coverag' was unexpected"),
    ("name: test\nuses: go\nwith:\n  version: 1.23", "1.23 is not of type 'string'"),
    ('name: test\nuses: go\nwith:\n  version: "latest"', "does not match"),
    ('name: test\nuses: go\nwith:\n  version: "1.23"\n  coverage: 101', "coverage: 101 is not valid"),
    ("name: test\nuses: go", "'with' is a required property"),
    ("name: test\nuses: scan\nwith:\n  severity: [HIGH]", "'image' is a required property"),
    ("name: test\nuses: checkout\nwith:\n  version: '1.23'", "'version' was unexpected"),
    ("name: test\nimage: alpine:3.20\nrun: 'true'\nwith:\n  version: '1.23'", "with: {'version': '1.23'} is not valid"),
])
def test_a_bad_block_input_fails_in_the_editor(task: str, problem: str) -> None:
    errors = _errors(_pipeline(task))
    assert any(problem in e for e in errors), errors


@pytest.mark.parametrize("task", [
    'name: test\nuses: go\nwith:\n  version: "1.23"\n  coverage: 80\n  lint: true',
    "name: test\nuses: scan\nwith:\n  image: ~{ tasks.build.results.image }\n  severity: [CRITICAL]",
    "name: test\nuses: notify\nwith:\n  webhook: {secret: slack, key: url}",
    "name: test\nuses: version",
    "name: test\nuses: checkout\nwith:\n  depth: 0\n  submodules: recursive",
])
def test_a_good_block_task_passes_in_the_editor(task: str) -> None:
    assert _errors(_pipeline(task)) == []


def test_keys_of_a_closed_mapping_are_properties_editors_complete() -> None:
    """`resources.requests` and `permissions` take known keys only (`propertyNames`): each is also
    listed under `properties`, which is what editors offer."""
    requests = SCHEMA["$defs"]["Resources"]["properties"]["requests"]
    assert sorted(requests["properties"]) == ["cpu", "memory"] == sorted(requests["propertyNames"]["enum"])
    permissions = SCHEMA["$defs"]["GitHubTask"]["properties"]["permissions"]
    assert permissions["properties"]["contents"]["enum"] == ["read", "write", "none"]
    assert _errors(_pipeline("name: t\nimage: a:1\nrun: x\ngithub: {permissions: {content: read}}"))


@pytest.mark.parametrize("spec", SPECS, ids=[str(p.relative_to(ROOT)) for p in SPECS])
def test_every_spec_in_the_repository_is_valid_against_the_schema(spec: Path) -> None:
    assert _errors(spec.read_text()) == []


def test_the_repository_has_specs_to_check() -> None:
    assert len(SPECS) > 40
    assert any("uses: go" in p.read_text() for p in SPECS)
