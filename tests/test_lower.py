"""Lowering: scripts never carry values, dependencies are implied, conditions are normalised."""

from __future__ import annotations

from shipspec.compiler import ir
from shipspec.compiler.frontend import compile_spec

HEAD = "apiVersion: shipspec.dev/v1\nkind: Pipeline\nmetadata:\n  name: t\nspec:\n"


def _pipeline(body: str) -> ir.Pipeline:
    result = compile_spec(HEAD + body, "t.yaml")
    assert result.ok, result.diagnostics
    assert result.pipeline is not None
    return result.pipeline


TWO_TASKS = """\
  params:
    - name: repo
      default: x
    - name: fast
      type: bool
      default: false
  tasks:
    - name: a
      image: alpine
      run: printf 1 > "$SHIPSPEC_RESULTS/n"
      results: [n]
    - name: b
      image: alpine
      when: "!(params.fast || tasks.a.results.n == '1')"
      run: |
        git clone "~{ params.repo }" && echo ~{ tasks.a.results.n } ~{ params.repo }
"""


def test_script_references_become_env_vars_declared_once() -> None:
    task = _pipeline(TWO_TASKS).task("b")
    assert task.script == 'git clone "${SHIPSPEC_PARAM_REPO}" && echo ${SHIPSPEC_TASK_A_N} ${SHIPSPEC_PARAM_REPO}\n'
    assert [e.name for e in task.env] == ["SHIPSPEC_PARAM_REPO", "SHIPSPEC_TASK_A_N"]
    assert "~{" not in (task.script or "")


def test_reading_a_result_implies_a_dependency() -> None:
    task = _pipeline(TWO_TASKS).task("b")
    assert task.depends_on == ("a",)
    assert not any(d.explicit for d in task.depends)


def test_negation_is_pushed_down_to_comparisons() -> None:
    when = _pipeline(TWO_TASKS).task("b").when
    assert isinstance(when, ir.All)
    fast, n = when.items
    assert isinstance(fast, ir.Compare) and fast.op is ir.CompareOp.EQ and fast.right == (ir.Literal(False),)
    assert isinstance(n, ir.Compare) and n.op is ir.CompareOp.NE and n.right == (ir.Literal("1"),)


def test_defaults_durations_and_retries() -> None:
    p = _pipeline("""\
  params:
    - name: port
      default: 8080
  tasks:
    - name: a
      image: alpine
      run: echo "~{ params.port }"
      timeout: 1h30m
      retries: {limit: 2, backoff: {duration: 10s, factor: 2, maxDuration: 1m}}
""")
    assert p.param("port").default == "8080"
    task = p.task("a")
    assert task.timeout_s == 5400
    assert task.retry == ir.Retry(2, ir.Backoff(10, 2, 60), task.retry.span if task.retry else ir.UNKNOWN_SPAN)


def test_artifact_consumer_gets_the_producers_path_and_a_dependency() -> None:
    p = _pipeline("""\
  tasks:
    - name: a
      image: alpine
      run: "true"
      produces: [{name: src, path: /src}]
    - name: b
      image: alpine
      run: "true"
      consumes: [{artifact: src}]
""")
    b = p.task("b")
    assert [(c.name, c.producer, c.path) for c in b.consumes] == [("src", "a", "/src")]
    assert b.depends_on == ("a",)
