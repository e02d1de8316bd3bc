"""`uses: go`: test (with a coverage gate), lint (golangci-lint) and build a Go module."""

from __future__ import annotations

from . import language, pins
from .base import Block, Call, Fields

_TEST = """\
if [ -n "${COVERAGE_MIN:-}" ]; then
  go test -race -coverprofile=/tmp/shipspec-cover.out ./...
  go tool cover -func=/tmp/shipspec-cover.out | awk '/^total:/ { sub("%", "", $3); print $3 }' > "$COVERAGE_FILE"
else
  go test -race ./...
fi
"""

GO = language.Language(
    key="go",
    image=lambda version: pins.IMAGES["go"].format(version=version),
    setup=pins.action("setup-go"),
    setup_inputs=lambda i: {"go-version": i.version, "cache-dependency-path": f"{i.directory}/go.sum",
                            "cache": i.cache is None},
    test=_TEST,
    lint="golangci-lint run ./...\n",
    build="go build ./...\n",
    cache_path="/tmp/shipspec-cache/go",
    cache_env=(("GOMODCACHE", "/tmp/shipspec-cache/go/mod"), ("GOCACHE", "/tmp/shipspec-cache/go/build")),
    reports=("/tmp/shipspec-cover.out",),
)


def _expand(inputs: language.LanguageInputs, call: Call) -> Fields:
    fields = language.expand(GO, inputs, call)
    for step in fields["steps"]:
        if step["name"] == "lint":  # its own image on Kubernetes, the official action on GitHub
            step["image"] = pins.IMAGES["golangci-lint"]
            step["uses"] = pins.action("golangci-lint").native({"working-directory": inputs.directory,
                                                                "version": pins.GOLANGCI_LINT})
    return fields


BLOCK = Block("go", "Test (coverage gate), lint and build a Go module.", language.LanguageInputs,
              (("coverage", "total statement coverage in percent, with `coverage` set"),), _expand)
