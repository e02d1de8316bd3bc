"""Conditions (`when`), in negation normal form."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ..diagnostics import UNKNOWN_SPAN, Span
from .values import Ref, RunField, RunRef, Scalar


class CompareOp(enum.Enum):
    EQ = "=="
    NE = "!="
    IN = "in"
    NOT_IN = "notin"
    STARTS_WITH = "startsWith"
    NOT_STARTS_WITH = "!startsWith"
    ENDS_WITH = "endsWith"
    NOT_ENDS_WITH = "!endsWith"
    CONTAINS = "contains"
    NOT_CONTAINS = "!contains"

    @property
    def negated(self) -> CompareOp:
        return _NEGATION[self]

    @property
    def is_string_test(self) -> bool:
        """startsWith, endsWith, contains and their negations: one right operand, case-sensitive
        (except on GitHub, whose string functions ignore case as its `==` does)."""
        return self not in (CompareOp.EQ, CompareOp.NE, CompareOp.IN, CompareOp.NOT_IN)

    @property
    def positive(self) -> bool:
        return self in (CompareOp.EQ, CompareOp.IN, CompareOp.STARTS_WITH, CompareOp.ENDS_WITH,
                        CompareOp.CONTAINS)


_NEGATION = {CompareOp.EQ: CompareOp.NE, CompareOp.IN: CompareOp.NOT_IN,
             CompareOp.STARTS_WITH: CompareOp.NOT_STARTS_WITH, CompareOp.ENDS_WITH: CompareOp.NOT_ENDS_WITH,
             CompareOp.CONTAINS: CompareOp.NOT_CONTAINS}
_NEGATION.update({v: k for k, v in list(_NEGATION.items())})


@dataclass(frozen=True, slots=True)
class Literal:
    value: Scalar


Operand = Ref | Literal


@dataclass(frozen=True, slots=True)
class Compare:
    """`left OP right`: EQ/NE and the string tests have one right operand, IN/NOT_IN one or more.

    `contains(run.pr_labels, 'x')` is membership: the labels are a list (see `is_membership`); any
    other `contains` is a substring test.

    A bare boolean reference `x` is lowered to `x == true`, and `!x` to `x == false`.
    Comparison is on the string forms (every engine compares text): `true`, `false`, `42`.
    """

    left: Operand
    op: CompareOp
    right: tuple[Operand, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)

    @property
    def is_membership(self) -> bool:
        return self.op in (CompareOp.CONTAINS, CompareOp.NOT_CONTAINS) and is_list_field(self.left)


def is_list_field(operand: Operand) -> bool:
    """The run's fields whose value is a JSON list of names (pr_labels)."""
    return isinstance(operand, RunRef) and operand.kind is RunField.PR_LABELS


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Condition, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Any:
    items: tuple[Condition, ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


Condition = Compare | All | Any


def condition_refs(cond: Condition) -> tuple[Ref, ...]:
    if isinstance(cond, Compare):
        return tuple(o for o in (cond.left, *cond.right) if not isinstance(o, Literal))
    return tuple(r for item in cond.items for r in condition_refs(item))
