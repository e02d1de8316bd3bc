"""The expression language: references in strings, and `when` conditions."""

from __future__ import annotations

import pytest

from shipspec.compiler.expr import BoolOp, Cmp, ExprError, Lit, Not, RawRef, parse_condition, scan


def test_scan_splits_text_and_references_with_offsets() -> None:
    pieces = scan('git clone "~{ params.repo }" $HOME')
    assert pieces == ['git clone "', RawRef(("params", "repo"), 11, 27), '" $HOME']


@pytest.mark.parametrize("text", ["{{ argo }}", "$(tekton)", "${{ github }}", "${SHELL_VAR}", "~/home", "a ~ {b}"])
def test_engine_and_shell_syntax_is_plain_text(text: str) -> None:
    assert scan(text) == [text]


def test_double_tilde_writes_a_literal_open() -> None:
    assert scan("~~{ not a ref }") == ["~{ not a ref }"]


@pytest.mark.parametrize(("text", "start", "message"), [
    ("echo ~{ params.x", 5, "not closed"),
    ("~{ }", 0, "is not a reference"),
    ("a ~{ params. } b", 2, "is not a reference"),
])
def test_scan_errors_point_at_the_expression(text: str, start: int, message: str) -> None:
    with pytest.raises(ExprError) as info:
        scan(text)
    assert info.value.start == start and message in info.value.message


def test_condition_precedence_not_binds_tighter_than_and_than_or() -> None:
    tree = parse_condition("!params.a && params.b == 'x' || params.c")
    assert isinstance(tree, BoolOp) and tree.op == "||"
    left = tree.items[0]
    assert isinstance(left, BoolOp) and left.op == "&&"
    assert isinstance(left.items[0], Not)
    assert isinstance(left.items[1], Cmp) and left.items[1].right == (Lit("x", 25, 28),)


def test_condition_set_membership_and_literals() -> None:
    tree = parse_condition("params.n not in [1, 'two', true]")
    assert isinstance(tree, Cmp) and tree.op == "notin"
    assert [r.value for r in tree.right if isinstance(r, Lit)] == [1, "two", True]


@pytest.mark.parametrize(("text", "message"), [
    ("params.a ==", "expected a value at the end"),
    ("params.a = 1", "unexpected character '='"),
    ("(params.a", "expected ')' at the end"),
    ("~{ params.a }", "takes no '~{ }'"),
    ("word", "is not a value"),
])
def test_condition_errors(text: str, message: str) -> None:
    with pytest.raises(ExprError) as info:
        parse_condition(text)
    assert message in info.value.message


def test_string_tests_are_calls_with_a_subject_and_a_value() -> None:
    tree = parse_condition("startsWith(run.ref, 'refs/tags/') || !contains(params.v, \"x\")")
    assert isinstance(tree, BoolOp) and tree.op == "||"
    call, negated = tree.items
    assert call == Cmp(RawRef(("run", "ref"), 11, 18), "startsWith", (Lit("refs/tags/", 20, 32),), 0, 33)
    assert isinstance(negated, Not) and isinstance(negated.item, Cmp) and negated.item.op == "contains"


@pytest.mark.parametrize(("text", "message", "hint"), [
    ("startswith(run.ref, 'v')", "'startswith' is not a function", "did you mean 'startsWith'?"),
    ("matches(run.ref, 'v')", "'matches' is not a function", "functions: startsWith, endsWith, contains"),
    ("contains(run.ref)", "expected ','", None),
])
def test_unknown_or_malformed_calls_are_explained(text: str, message: str, hint: str | None) -> None:
    with pytest.raises(ExprError) as info:
        parse_condition(text)
    assert message in info.value.message and info.value.hint == hint
