"""What the language blocks (go, node, python, java) share: set up the toolchain, then test (with a
coverage gate), lint and build in one task's steps.

On GitHub the task runs on the runner, the toolchain from the language's official setup action
(with its dependency cache keyed on the lock file); on Argo and Tekton in the language's image, the
dependency cache a pipeline cache mounted where the tool keeps it. Every script reads its settings
from env; a coverage below `coverage` fails the task and the total is the result `coverage`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from .base import Call, Fields, Inputs
from .pins import Action

VERSION_PATTERN = r"^[0-9]+(\.[0-9]+){0,2}$"
RELATIVE_PATTERN = r"^(\.|[A-Za-z0-9_][-A-Za-z0-9_./]*)$"


class LanguageInputs(Inputs):
    """The inputs of the language blocks (`go`, `node`, `python`, `java`)."""

    version: Annotated[str, Field(pattern=VERSION_PATTERN, description="The toolchain version, e.g. 1.23.")]
    directory: Annotated[str, Field(pattern=RELATIVE_PATTERN, description="The project, relative to the "
                                    "working directory.")] = "."
    test: bool = Field(True, description="Run the tests.")
    lint: bool = Field(False, description="Run the linter.")
    build: bool = Field(False, description="Build.")
    coverage: Annotated[int, Field(ge=0, le=100)] | None = Field(
        None, description="Fail when total coverage is below this percentage; the total is the result `coverage`.")
    reports: bool = Field(False, description="Keep the test and coverage reports as the artifact "
                          "`<task>-reports` (collected even when the tests fail).")
    cache: str | None = Field(None, description="A pipeline cache (spec.caches) for the dependencies, on "
                              "every engine; without it GitHub uses its setup action's cache, which zizmor "
                              "flags in workflows that release (tags): give one there.")


@dataclass(frozen=True)
class Language:
    key: str
    image: Callable[[str], str]
    setup: Action
    setup_inputs: Callable[[LanguageInputs], dict[str, object]]
    test: str  # sh: runs the tests; writes coverage as a percentage to "$COVERAGE_FILE" when asked
    lint: str
    build: str
    cache_path: str
    cache_env: tuple[tuple[str, str], ...]  # env that points the tool at the cache
    reports: tuple[str, ...] = ()  # what the tools leave, relative to the project (the coverage file is added)


COVERAGE_GATE = """\
total=$(cat "$COVERAGE_FILE")
printf '%s' "$total" > "$SHIPSPEC_RESULTS/coverage"
if awk -v total="$total" -v min="$COVERAGE_MIN" 'BEGIN { exit !(total + 0 < min + 0) }'; then
  echo "coverage ${total}% is below ${COVERAGE_MIN}%" >&2
  exit 1
fi
echo "coverage ${total}% (minimum ${COVERAGE_MIN}%)"
"""


REPORTS_DIR = "/workspace/reports"


def _collect(paths: tuple[str, ...]) -> str:
    """A step that copies what exists of the reports (and the coverage total) into $REPORTS_DIR."""
    lines = ['mkdir -p "$REPORTS_DIR"',
             'if [ -f "$COVERAGE_FILE" ]; then cp "$COVERAGE_FILE" "$REPORTS_DIR/coverage-total.txt"; fi',
             'cd "$PROJECT_DIR" || exit 1']
    lines += [f'if [ -e {p} ]; then cp -R {p} "$REPORTS_DIR"/; fi' for p in paths]
    return "\n".join(lines) + "\n"


def expand(lang: Language, inputs: LanguageInputs, call: Call) -> Fields:
    env: dict[str, object] = {"PROJECT_DIR": inputs.directory, "COVERAGE_FILE": "/tmp/shipspec-coverage"}
    native = lang.setup.native(lang.setup_inputs(inputs), "skip")  # the image has the toolchain elsewhere
    setup: dict[str, object] = {"name": f"setup-{lang.key}", "uses": native}
    steps: list[dict[str, object]] = [setup]
    if inputs.test:
        steps.append({"name": "test", "run": 'cd "$PROJECT_DIR" || exit 1\n' + lang.test})
    if inputs.coverage is not None:
        env["COVERAGE_MIN"] = call.take("coverage", ("env", "COVERAGE_MIN"))
        steps.append({"name": "coverage", "run": COVERAGE_GATE})
    if inputs.lint:
        steps.append({"name": "lint", "run": 'cd "$PROJECT_DIR" || exit 1\n' + lang.lint})
    if inputs.build:
        steps.append({"name": "build", "run": 'cd "$PROJECT_DIR" || exit 1\n' + lang.build})
    if inputs.reports:
        env["REPORTS_DIR"] = REPORTS_DIR
        steps.append({"name": "reports", "always": True, "run": _collect(lang.reports)})
    fields: Fields = {"image": lang.image(inputs.version), "env": env, "steps": steps,
                      "github": {"container": False}}
    if inputs.reports:
        fields["produces"] = [{"name": f"{call.task}-reports", "path": REPORTS_DIR}]
    if inputs.coverage is not None:
        fields["results"] = [{"name": "coverage", "optional": True, "description": "total coverage in percent"}]
    if inputs.cache is not None:
        fields["caches"] = [{"name": inputs.cache, "path": lang.cache_path}]
        env.update(dict(lang.cache_env))
    return fields
