"""Task defaults: said once under `spec.defaults` / `spec.groups`, merged into each task with positions."""

from __future__ import annotations

from shipspec.compiler import ir
from shipspec.compiler.frontend import compile_spec

HEAD = "apiVersion: shipspec.dev/v1\nkind: Pipeline\nmetadata:\n  name: t\nspec:\n"

SPEC = HEAD + """\
  defaults:
    image: golang:1.23.4
    env:
      GOFLAGS: -mod=readonly
      CGO_ENABLED: "0"
    caches:
      - {name: gomod, path: /go/pkg/mod}
  groups:
    lint:
      image: golangci/golangci-lint:v1.62.2
      timeout: 10m
      kubernetes:
        resources: {requests: {cpu: "2"}}
  caches:
    - name: gomod
  tasks:
    - name: source
      uses: checkout
    - name: test
      consumes: [{artifact: source}]
      run: go test ./...
    - name: lint
      group: lint
      env: {GOFLAGS: -mod=mod}
      caches:
        - {name: gomod, path: /root/go/pkg/mod}
      kubernetes:
        resources: {limits: {cpu: "4"}}
      run: golangci-lint run
"""


def _pipeline(text: str) -> ir.Pipeline:
    result = compile_spec(text, "t.yaml")
    assert result.ok, result.diagnostics
    assert result.pipeline is not None
    return result.pipeline


def test_every_task_takes_the_defaults_it_does_not_set() -> None:
    test = _pipeline(SPEC).task("test")
    assert test.image == "golang:1.23.4"
    assert {e.name: e.value for e in test.env} == {"GOFLAGS": ir.literal("-mod=readonly"),
                                                   "CGO_ENABLED": ir.literal("0")}
    assert [(c.cache, c.path) for c in test.caches] == [("gomod", "/go/pkg/mod")]


def test_a_group_comes_before_the_defaults_and_the_task_wins_over_both() -> None:
    lint = _pipeline(SPEC).task("lint")
    assert lint.image == "golangci/golangci-lint:v1.62.2" and lint.timeout_s == 600
    assert [(e.name, e.value) for e in lint.env] == [("GOFLAGS", ir.literal("-mod=mod")),
                                                      ("CGO_ENABLED", ir.literal("0"))]
    assert [(c.cache, c.path) for c in lint.caches] == [("gomod", "/root/go/pkg/mod")]
    assert lint.resources is not None
    assert (lint.resources.requests, lint.resources.limits) == ((("cpu", "2"),), (("cpu", "4"),))


def test_a_uses_task_takes_no_defaults() -> None:
    source = _pipeline(SPEC).task("source")
    assert source.image == "" and source.env == () and source.caches == ()


def test_an_error_in_a_default_is_reported_once_at_its_own_line() -> None:
    result = compile_spec(HEAD + """\
  defaults:
    image: alpine:3.20
    env:
      REPO: ~{ params.repo_url }
  params:
    - name: repo
      default: x
  tasks:
    - {name: a, run: echo "$REPO"}
    - {name: b, run: echo "$REPO"}
""", "t.yaml")
    assert [(d.rule.code, d.span.line, d.span.col, d.message) for d in result.diagnostics] == [
        ("SS201", 9, 13, "param 'repo_url' is not defined")]


def test_an_unknown_group_is_named_with_a_suggestion() -> None:
    result = compile_spec(HEAD + """\
  groups:
    lint: {image: alpine:3.20}
  tasks:
    - {name: a, group: lnt, run: echo}
""", "t.yaml")
    assert [(d.rule.code, d.span.line, d.message, d.hint) for d in result.diagnostics] == [
        ("SS011", 9, "missing required field 'image'",
         "add `image:`, or `uses: checkout` for a clone of the repository"),
        ("SS201", 9, "group 'lnt' is not defined", "did you mean 'lint'?"),
    ]
