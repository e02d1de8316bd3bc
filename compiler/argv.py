"""Which item of a task's argv is program text for an interpreter: the script of `sh -c SCRIPT`
(and of bash, dash, ash, zsh, ksh, mksh, also behind `env`, `busybox` and similar launchers), or the
code of `python -c`, `node -e`, `perl -e` and their kin.

A reference spliced into such an item is parsed as code by the interpreter, whatever the engine
does to quote it. Lowering rewrites a shell script item as it rewrites `run` (the value arrives in
an env var), and refuses a reference in another interpreter's code. Only literal argv items are
read: a program chosen by a reference cannot be known here.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
"""POSIX-family shells: `-c` takes the script from the first operand."""

CODE_FLAGS: dict[str, frozenset[str]] = {
    "python": frozenset({"-c"}),
    "node": frozenset({"-e", "--eval", "-p", "--print"}),
    "perl": frozenset({"-e", "-E"}),
    "ruby": frozenset({"-e"}),
    "php": frozenset({"-r"}),
    "lua": frozenset({"-e"}),
    "pwsh": frozenset({"-c", "-command", "-Command"}),
    "powershell": frozenset({"-c", "-command", "-Command"}),
}
"""Other interpreters: the word after one of these flags is code."""

_LAUNCHERS = {
    # program: (options that take a value, whether NAME=VALUE words may follow)
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), True),
    "busybox": (frozenset(), False),
    "nice": (frozenset({"-n", "--adjustment"}), False),
    "nohup": (frozenset(), False),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), False),
    "tini": (frozenset({"-s", "-p", "-e"}), False),
    "dumb-init": (frozenset({"-r", "--rewrite"}), False),
    "time": (frozenset({"-f", "--format", "-o", "--output"}), False),
}
_TAKES_OPERAND = frozenset({"timeout"})  # `timeout DURATION program …`
_SHELL_OPTIONS_WITH_VALUE = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


@dataclass(frozen=True, slots=True)
class Code:
    """Item `index` of the argv is code: for a shell (`shell` True) or another interpreter."""

    index: int
    program: str
    shell: bool


def find_code(argv: list[str | None]) -> Code | None:
    """The item that is interpreter code, if any; `None` items are not literal (they hold references)."""
    i = _skip_launchers(argv, 0)
    if i is None or i >= len(argv) or argv[i] is None:
        return None
    program = _program(argv[i] or "")
    if program in SHELLS:
        index = _shell_script(argv, i + 1)
        return Code(index, program, True) if index is not None else None
    flags = CODE_FLAGS.get(program)
    if flags is None:
        return None
    for j in range(i + 1, len(argv) - 1):
        word = argv[j]
        if word is None or word == "--" or not word.startswith("-"):
            return None
        if word in flags:
            return Code(j + 1, program, False)
    return None


def _program(word: str) -> str:
    """`/usr/bin/python3.12` -> `python`: the interpreter's family."""
    name = posixpath.basename(word)
    for family in ("python", "pwsh", "powershell"):
        if name.startswith(family) and all(c.isdigit() or c == "." for c in name[len(family):]):
            return family
    return name


def _skip_launchers(argv: list[str | None], i: int) -> int | None:
    """The index of the program that the launchers at `i` (`env X=1 busybox …`) finally run."""
    while i < len(argv):
        word = argv[i]
        if word is None:
            return None
        name = posixpath.basename(word)
        if name not in _LAUNCHERS:
            return i
        with_value, assignments = _LAUNCHERS[name]
        i += 1
        while i < len(argv) and (word := argv[i]) is not None:
            if word == "--":
                i += 1
                break
            if word in with_value:
                i += 2
            elif (word.startswith("-") and len(word) > 1) or (assignments and "=" in word[1:]):
                i += 1  # an option, or NAME=VALUE for env
            else:
                break
        if name in _TAKES_OPERAND:
            i += 1
    return i


def _shell_script(argv: list[str | None], i: int) -> int | None:
    """After a shell's name: the index of the `-c` script (its first operand), or None."""
    command_mode = False
    while i < len(argv):
        word = argv[i]
        if word is None:
            return i if command_mode else None
        if word == "--" or word == "-":
            i += 1
            break
        if word in _SHELL_OPTIONS_WITH_VALUE:
            i += 2
            continue
        if word.startswith("--") or (word[:1] in "-+" and len(word) > 1):
            command_mode = command_mode or (not word.startswith("--") and "c" in word[1:])
            i += 1
            continue
        break
    return i if command_mode and i < len(argv) else None
