"""Which argv item is interpreter code (compiler/argv.py), and what lowering does with it."""

from __future__ import annotations

import pytest

from shipspec.compiler import argv
from shipspec.compiler.frontend import compile_spec


@pytest.mark.parametrize(("words", "index"), [
    (["sh", "-c", "echo hi"], 2),
    (["/bin/bash", "-ec", "echo hi", "bash", "x"], 2),
    (["bash", "-o", "pipefail", "-c", "echo hi"], 4),
    (["zsh", "--no-rcs", "-c", "echo"], 3),
    (["sh", "-e", "-c", "echo"], 3),
    (["sh", "-c", "-e", "echo"], 3),
    (["env", "-i", "FOO=1", "sh", "-c", "echo"], 5),
    (["/usr/bin/env", "-u", "HOME", "--", "dash", "-c", "echo"], 6),
    (["busybox", "sh", "-c", "echo"], 3),
    (["env", "busybox", "ash", "-xc", "echo"], 4),
    (["timeout", "-s", "KILL", "30", "ksh", "-c", "echo"], 6),
    (["sh", "-c", None], 2),
])
def test_shell_script_items_are_found(words: list[str | None], index: int) -> None:
    found = argv.find_code(words)
    assert found is not None and found.shell and found.index == index


@pytest.mark.parametrize("words", [
    ["sh", "script.sh", "-c"],  # -c after the first operand is the script's own argument
    ["sh", "-e", "echo"],
    ["echo", "-c", "sh"],
    [None, "-c", "echo"],  # the program is a reference: unknowable
    ["sh", "--", "-c", "x"],
    ["bash", "--rcfile", "-c", "x"],  # -c is --rcfile's value
    ["shellcheck", "-c", "x"],
])
def test_other_argv_holds_no_shell_script(words: list[str | None]) -> None:
    found = argv.find_code(words)
    assert found is None or not found.shell


@pytest.mark.parametrize(("words", "program", "index"), [
    (["python3", "-c", "print(1)"], "python", 2),
    (["/usr/bin/python3.12", "-u", "-c", "print(1)"], "python", 3),
    (["node", "--eval", "1"], "node", 2),
    (["perl", "-E", "say 1"], "perl", 2),
    (["env", "NODE_ENV=ci", "node", "-p", "1"], "node", 4),
])
def test_other_interpreters_code_is_found(words: list[str | None], program: str, index: int) -> None:
    found = argv.find_code(words)
    assert found == argv.Code(index, program, False)


def _spec(command: str, args: str = "[]") -> str:
    return f"""apiVersion: shipspec.dev/v1
kind: Pipeline
metadata: {{name: p}}
spec:
  params: [{{name: x, default: "a; rm -rf /"}}]
  tasks:
    - name: t
      image: alpine:3.20
      command: {command}
      args: {args}
"""


def test_a_shell_script_argument_reads_references_from_env() -> None:
    result = compile_spec(_spec('[sh, -c]', '["echo ~{ params.x }", sh, "~{ params.x }"]'), "p.yaml")
    assert result.ok and result.pipeline is not None
    task = result.pipeline.tasks[0]
    assert task.args[0].literal == "echo ${SHIPSPEC_PARAM_X}"
    assert task.args[2].single_ref is not None  # an operand after the script stays a plain argument
    assert [e.name for e in task.env] == ["SHIPSPEC_PARAM_X"]


def test_a_reference_in_single_quotes_of_a_shell_argument_is_a_warning() -> None:
    result = compile_spec(_spec("[sh, -c, \"echo '~{ params.x }'\"]"), "p.yaml")
    assert [d.rule.code for d in result.diagnostics] == ["SS402"]
    assert (result.diagnostics[0].span.line, result.diagnostics[0].span.col) == (9, 32)


def test_a_reference_in_python_code_is_refused_at_its_position() -> None:
    result = compile_spec(_spec('[python3, -c, "print(\'~{ params.x }\')"]'), "p.yaml")
    assert not result.ok
    (d,) = result.diagnostics
    assert d.rule.code == "SS403" and (d.span.line, d.span.col) == (9, 38)
