"""The safe loader: positions for every node, YAML 1.2 core types, nothing executable."""

from __future__ import annotations

import pytest

from shipspec.compiler.diagnostics import SpecError
from shipspec.compiler.loader import load

TEXT = """\
a: 1
b:
  plain: x ~{ p }
  quoted: "x ~{ p }"
  block: |
    first
    second ~{ p }
  list: [on, 0x10, 1.5, ~, "true"]
"""


def test_types_follow_yaml_1_2_core_schema() -> None:
    doc = load(TEXT, "f.yaml")
    assert doc.data["b"]["list"] == ["on", 16, 1.5, None, "true"]


def test_values_and_keys_have_positions() -> None:
    doc = load(TEXT, "f.yaml")
    assert (doc.span(("b", "plain")).line, doc.span(("b", "plain")).col) == (3, 10)
    assert (doc.key_span(("b", "quoted")).line, doc.key_span(("b", "quoted")).col) == (4, 3)
    assert doc.span(("b", "list", 2)).col == 20


@pytest.mark.parametrize(("key", "line", "col"), [("plain", 3, 12), ("quoted", 4, 14), ("block", 7, 12)])
def test_offsets_inside_scalars_account_for_quotes_and_blocks(key: str, line: int, col: int) -> None:
    doc = load(TEXT, "f.yaml")
    value = doc.data["b"][key]
    span = doc.offset_span(("b", key), value.index("~{"), 6)
    assert (span.line, span.col) == (line, col)


@pytest.mark.parametrize(("text", "message"), [
    ("a: &x 1\nb: *x\n", "anchor '&x' is not allowed"),
    ("a: !!python/name:os.system x\n", "tag '!!python/name:os.system' is not allowed"),
    ("a: !custom x\n", "tag '!custom' is not allowed"),
    ("? [a]\n: 1\n", "mapping keys must be plain strings"),
    ("a: 1\n---\nb: 2\n", "more than one YAML document"),
])
def test_unsafe_or_ambiguous_yaml_is_refused(text: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        load(text, "f.yaml")
    assert message in info.value.diagnostics[0].message


def test_duplicate_keys_are_all_reported_at_the_repeat() -> None:
    with pytest.raises(SpecError) as info:
        load("a: 1\nb: 2\na: 3\nb: 4\n", "f.yaml")
    assert [(d.span.line, d.rule.code) for d in info.value.diagnostics] == [(3, "SS002"), (4, "SS002")]
