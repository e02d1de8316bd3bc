"""Tekton's own text, in one place: `$(…)` references, Go durations, and escaping.

Nothing else in the backend writes `$(`; every other module calls these helpers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ...compiler import ir

API_VERSION = "tekton.dev/v1"
RESULTS_DIR = "/tekton/results"
"""`$(results.x.path)` is `/tekton/results/x`, so `$SHIPSPEC_RESULTS/x` is that file."""

ARTIFACTS_WORKSPACE = "artifacts"
NO_TIMEOUT = "0"
"""A Tekton timeout of 0 means none (pipelineruns.md, "Configuring a failure timeout")."""
JSON_RESULT = "json"
"""The step result in which a list step leaves its JSON text."""
STATUS_RESULT = "status"
"""The step result in which the status step leaves `Succeeded` or `Failed`."""

SCRIPT_PROLOGUE = "#!/bin/sh\nset -e\n"
"""What Tekton itself prepends to a script without `#!` (pkg/pod/script.go), written out so the
shebang is visible (tekton-lint's no-missing-hashbang) and the user's script runs under `sh -e`."""

RUN_CONTEXT = {ir.RunField.ID: "uid", ir.RunField.NAME: "name", ir.RunField.NAMESPACE: "namespace"}
"""The run fields a PipelineRun knows itself, as `context.pipelineRun` variables (docs/variables.md;
pkg/reconciler/pipelinerun/resources/apply.go `GetContextReplacements`). Every other field is a
param the Pipeline declares (`context`)."""

# Prefixes Tekton substitutes or validates inside `$(…)` (pkg/substitution, variables.md).
_ENGINE_VARIABLE = re.compile(
    r"\$\((?:params|tasks|finally|results|workspaces|context|steps|step|artifacts|credentials)[.\[]")
_ANY_VARIABLE = re.compile(r"\$\(")


def param(name: str, *, whole_array: bool = False) -> str:
    """`$(params.p)`; names with a dot need the bracket form (a dot selects an object key)."""
    star = "[*]" if whole_array else ""
    return f'$(params["{name}"]{star})' if "." in name else f"$(params.{name}{star})"


def task_result(task: str, result: str, *, whole_array: bool = False, finally_task: bool = False) -> str:
    """`$(tasks.t.results.r)`; pipeline results name a finally task's results `finally.t…`."""
    root = "finally" if finally_task else "tasks"
    return f"$({root}.{task}.results.{result}{'[*]' if whole_array else ''})"


def run_context(run: ir.RunField) -> str:
    """`$(context.pipelineRun.uid|name|namespace)`; any other field is the run param the Pipeline
    declares for it, `$(params.shipspec-run-sha)`."""
    field = RUN_CONTEXT.get(run)
    return f"$(context.pipelineRun.{field})" if field else param(ir.run_param(run))


TASKS_STATUS = "$(tasks.status)"
"""Aggregate status of the main tasks; only defined in finally tasks."""


def task_status(task: str) -> str:
    """`$(tasks.t.status)`: Succeeded, Failed or None (skipped, or not run); only in finally tasks."""
    return f"$(tasks.{task}.status)"


def exit_code_path(step: str) -> str:
    """The file in which Tekton's entrypoint leaves a finished step's exit code ("0" when skipped by
    its `when`): `$(steps.step-<name>.exitCode.path)`, /tekton/steps/step-<name>/exitCode (tasks.md,
    "Accessing Step's exitCode in subsequent Steps"; pkg/entrypoint/entrypointer.go)."""
    return f"$(steps.step-{step}.exitCode.path)"


def step_result(step: str, result: str) -> str:
    return f"$(steps.{step}.results.{result})"


def step_result_path(result: str) -> str:
    return f"$(step.results.{result}.path)"


def text(value: ir.Scalar) -> str:
    """A value as Tekton compares and passes it: `true`, `false`, `42`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_array(ref: ir.Ref) -> bool:
    """A list value: an array param, or a result of a matrix task (Tekton aggregates it to an array)."""
    return (isinstance(ref, ir.ParamRef) and ref.type is ir.ParamType.ARRAY) or (
        isinstance(ref, ir.ResultRef) and ref.as_list)


def pipeline_ref(ref: ir.Ref, *, finally_tasks: frozenset[str] = frozenset()) -> str | None:
    """A reference as the Pipeline writes it; None where it has no pipeline-level form."""
    if isinstance(ref, ir.ParamRef):
        return param(ref.name, whole_array=is_array(ref))
    if isinstance(ref, ir.ResultRef):
        return task_result(ref.task, ref.result, whole_array=ref.as_list, finally_task=ref.task in finally_tasks)
    if isinstance(ref, ir.RunRef):
        return run_context(ref.kind)
    if isinstance(ref, ir.StatusRef):
        return TASKS_STATUS if ref.task is None else task_status(ref.task)
    return None  # MatrixRef: bound per instance by the matrix


def engine_variable(text: str, *, pipeline_level: bool = False) -> str | None:
    """The first `$(…)` in literal text that Tekton would substitute or reject; it has no escape.

    In a pipeline task's params, `when` and matrix, Tekton rejects `$(` with any other prefix too.
    """
    return next((found for _, found in engine_variables(text, pipeline_level=pipeline_level)), None)


def engine_variables(text: str, *, pipeline_level: bool = False) -> Iterator[tuple[int, str]]:
    """Each `$(…)` Tekton would substitute or reject, with its offset in `text`."""
    for match in (_ANY_VARIABLE if pipeline_level else _ENGINE_VARIABLE).finditer(text):
        end = text.find(")", match.end())
        yield match.start(), text[match.start():end + 1 if 0 <= end < match.end() + 60 else match.end()]


def defuse_comments(script: str, in_comment: Callable[[int], bool]) -> str:
    """The script with each Tekton variable in a shell comment written `$\\(…)`.

    Tekton substitutes and validates `$(…)` in the whole text of a script, comments included (it
    does not parse shell): `# see $(params.x)` is rejected when the task has no param x, and gets
    x's value spliced in when it has one (a newline in it would end the comment and run the
    rest). The shell never runs a comment, so the backslash changes nothing it does."""
    out, last = [], 0
    for start, _ in engine_variables(script):
        if in_comment(start):
            out += [script[last:start], "$\\("]
            last = start + 2
    return "".join(out) + script[last:]


def script(user_script: str) -> str:
    """The step script under `set -e`, as on every engine. Tekton prepends its own `#!/bin/sh` +
    `set -e` only to a script without `#!` (pkg/pod/script.go), so a script's own shebang stays
    first and `set -e` comes right after it (as Argo's `templates._errexit` does)."""
    if user_script.startswith("#!"):
        shebang, _, rest = user_script.partition("\n")
        return f"{shebang}\nset -e\n{rest}"
    return SCRIPT_PROLOGUE + user_script


JSON_LIST_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: this step's arguments as one JSON list of strings, for the next step's env
nl='
'
tab=$(printf '\t')
cr=$(printf '\r')
out=''
for item in "$@"; do
  text=''
  while [ -n "$item" ]; do
    plain=${item%%[[:cntrl:]\\\"]*}
    text=$text$plain
    item=${item#"$plain"}
    [ -n "$item" ] || break
    rest=${item#?}
    c=${item%"$rest"}
    item=$rest
    case $c in
      \\ | \") text="$text\\$c" ;;
      "$nl") text="$text\\n" ;;
      "$tab") text="$text\\t" ;;
      "$cr") text="$text\\r" ;;
      *) text="$text$(printf '\\u%04x' "'$c")" ;;
    esac
  done
  out="$out${out:+,}\"$text\""
done
printf '[%s]' "$out" > "RESULT_PATH"
""".replace("RESULT_PATH", step_result_path(JSON_RESULT))
"""POSIX sh, no other tool: JSON-escapes each argument (quote, backslash, control characters)."""


STATUS_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: pipeline.status as Succeeded or Failed (Tekton also says Completed and None)
case $1 in
  Succeeded | Completed) status=Succeeded ;;
  *) status=Failed ;;
esac
printf '%s' "$status" > "RESULT_PATH"
""".replace("RESULT_PATH", step_result_path(STATUS_RESULT))
"""Tekton says Completed for a success with skipped tasks, None after a cancel or timeout."""

TRIM_RESULTS_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: drop one trailing newline from each result, as Argo and GitHub do;
# a result the task did not write is empty
nl='
'
for name in "$@"; do
  file="RESULTS_DIR/$name"
  if [ ! -f "$file" ]; then
    printf '' > "$file"
    continue
  fi
  value=$(cat "$file"; printf x)
  value=${value%x}
  printf '%s' "${value%"$nl"}" > "$file"
done
""".replace("RESULTS_DIR", RESULTS_DIR)
"""POSIX sh: rewrites each named result file (its arguments) without its last newline, and writes
an empty one for a result the task did not write. The empty string is what a missing result
means on every engine (Argo's `default: ""`); Tekton itself would fail every task that reads it
(tasks.md, "Emitting Results": "if the result was not produced the pipeline will fail")."""

TRIM_ARRAY_RESULTS_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: drop one trailing newline from each result, as Argo and GitHub do;
# a result the task did not write is empty, an array result (NAME[]) the empty list
nl='
'
for name in "$@"; do
  empty=''
  case $name in
    *'[]') name=${name%'[]'}; empty='[]' ;;
  esac
  file="RESULTS_DIR/$name"
  if [ ! -f "$file" ]; then
    printf '%s' "$empty" > "$file"
    continue
  fi
  value=$(cat "$file"; printf x)
  value=${value%x}
  printf '%s' "${value%"$nl"}" > "$file"
done
""".replace("RESULTS_DIR", RESULTS_DIR)
"""TRIM_RESULTS_SCRIPT for a task with an array result (a dynamic matrix's list, `matrix`): an
argument `NAME[]` is that result, written `[]` when the task did not write it."""


TASK_STATUS_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: a task's status as Succeeded, Failed or Skipped (Tekton says None for a skipped task)
case $1 in
  Succeeded) status=Succeeded ;;
  None) status=Skipped ;;
  *) status=Failed ;;
esac
printf '%s' "$status" > "RESULT_PATH"
""".replace("RESULT_PATH", step_result_path(STATUS_RESULT))
"""`$(tasks.t.status)` is Succeeded, Failed or None (pipelines.md, "Using Execution Status of pipelineTask")."""

PASSED_RESULT = "passed"
"""The step result in which a gate step leaves `true` (every step it checks exited 0) or `false`."""

GATE_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: have the steps before this one (their exit code files are the arguments) all passed?
passed=true
for file in "$@"; do
  [ "$(cat "$file")" = 0 ] || passed=false
done
printf '%s' "$passed" > "RESULT_PATH"
""".replace("RESULT_PATH", step_result_path(PASSED_RESULT))
"""Steps after one that may fail only because a later step is `always` run only when it passed."""

STEPS_FAILED_SCRIPT = r"""#!/bin/sh
set -eu
# shipspec: fail the task if a step that ran on (for an always step after it) failed;
# the arguments are pairs of a step name and the file with its exit code
status=0
while [ "$#" -ge 2 ]; do
  code=$(cat "$2")
  if [ "$code" != 0 ]; then
    echo "step $1 failed (exit code $code)" >&2
    status=1
  fi
  shift 2
done
exit "$status"
"""
"""The last step of a task with `always` steps: the task fails as the failed step would have failed it."""
