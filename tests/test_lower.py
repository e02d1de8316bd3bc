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


SCRIPT_POSITIONS = """\
  params:
    - name: repo
      default: x
  tasks:
    - name: a
      image: alpine:3.20
      run: |
        echo "~{ params.repo }" {{workflow.name}}
        # a comment with $(params.repo)
        echo ~~{ literal } $(context.taskRun.name)
        cat <<EOF
        # data, not a comment
        EOF
"""


def test_script_spans_point_at_the_written_text_after_rewrites() -> None:
    task = _pipeline(SCRIPT_POSITIONS).tasks[0]
    assert task.script is not None
    for needle, line, col in (("{{workflow", 13, 33), ("$(params", 14, 26), ("$(context", 15, 28)):
        offset = task.script.index(needle)
        span = task.script_span(offset, len(needle))
        assert (span.line, span.col, span.end_col) == (line, col, col + len(needle)), needle


def test_script_comments_are_known_and_heredoc_bodies_are_not_comments() -> None:
    task = _pipeline(SCRIPT_POSITIONS).tasks[0]
    assert task.script is not None
    assert task.in_script_comment(task.script.index("$(params"))
    assert not task.in_script_comment(task.script.index("{{workflow"))
    assert not task.in_script_comment(task.script.index("# data"))


def test_pipeline_timeout_and_artifact_store_are_lowered() -> None:
    p = _pipeline("""\
  timeout: 1h30m
  kubernetes:
    artifacts: volume
    storage: {accessMode: ReadWriteMany}
  tasks:
    - name: a
      image: alpine:3.20
      run: echo
""")
    assert (p.timeout_s, p.artifact_store, p.storage_access_mode) == (5400, ir.ArtifactStore.VOLUME, "ReadWriteMany")


def test_a_param_read_only_by_the_concurrency_group_is_used() -> None:
    result = compile_spec(HEAD + """\
  params:
    - name: env
      default: prod
  concurrency:
    group: deploy-~{ params.env }-~{ run.ref_name }
  tasks:
    - name: a
      image: alpine:3.20
      run: echo
""", "t.yaml")
    assert result.ok and result.diagnostics == []
    assert result.pipeline is not None and result.pipeline.concurrency is not None
    assert [ir.ref_text(r) for r in result.pipeline.concurrency.group.refs] == ["params.env", "run.ref_name"]


def test_the_concurrency_group_reads_no_task_result() -> None:
    result = compile_spec(HEAD + """\
  concurrency:
    group: ~{ tasks.a.results.r }
  tasks:
    - name: a
      image: alpine:3.20
      run: echo
      results: [r]
""", "t.yaml")
    assert [d.rule.code for d in result.diagnostics if d.severity.value == "error"] == ["SS201"]


def test_triggers_are_lowered_with_defaults() -> None:
    p = _pipeline("""\
  triggers:
    push: {branches: [main, 'release/*'], paths: ['services/orders/**']}
    pullRequest: {branches: [main]}
    schedule: [{cron: '0  3 * * 1-5', timezone: Europe/Paris}]
  tasks:
    - name: a
      image: alpine:3.20
      run: echo
""")
    t = p.triggers
    assert t.push is not None and t.push.branches == ("main", "release/*") and t.push.paths == ("services/orders/**",)
    assert t.pull_request is not None and t.pull_request.types == ("opened", "synchronize", "reopened")
    assert [(s.cron, s.timezone) for s in t.schedules] == [("0 3 * * 1-5", "Europe/Paris")]
    assert (t.manual, t.call, t.events) == (True, False, True)
    assert _pipeline(TWO_TASKS).triggers == ir.Triggers()  # none written: by hand, or called


def test_a_filter_and_its_ignore_form_are_exclusive() -> None:
    result = compile_spec(HEAD + """\
  triggers:
    push: {branches: [main], branchesIgnore: [wip]}
  tasks:
    - name: a
      image: alpine:3.20
      run: echo
""", "t.yaml")
    assert [(d.rule.code, d.span.line) for d in result.diagnostics] == [("SS012", 7)]


def test_globs_become_anchored_regular_expressions() -> None:
    import re

    assert ir.glob_regex("release/*") == "^release/[^/]*$"
    assert re.match(ir.glob_regex("services/**"), "services/orders/main.go")
    assert not re.match(ir.glob_regex("v[0-9]*"), "latest")
    assert re.match(ir.glob_regex("v?.?"), "v1.2") and not re.match(ir.glob_regex("*.go"), "a/b.go")


CHECKOUT = """\
  repository:
    name: acme/shop
  params:
    - name: ref
      default: main
  tasks:
    - name: source
      uses: checkout
      with: {ref: "~{ params.ref }", depth: 0, submodules: recursive, token: {secret: git, key: token}}
    - name: test
      image: golang:1.23
      consumes: [{artifact: source}]
      env: {SHA: "~{ tasks.source.results.short-sha }"}
      run: go test ./...
"""


def test_a_checkout_is_a_task_with_built_in_results_and_an_artifact_named_after_it() -> None:
    p = _pipeline(CHECKOUT)
    source, test = p.tasks
    assert source.checkout is not None and source.image == "" and source.script is None
    assert (source.checkout.depth, source.checkout.submodules, source.checkout.path) == (0, "recursive",
                                                                                     "/workspace/source")
    assert source.checkout.ref is not None and source.checkout.ref.refs == (ir.ParamRef("ref", ir.ParamType.STRING),)
    assert source.checkout.token == ir.SecretRef("git", "token")
    assert [r.name for r in source.results] == list(ir.CHECKOUT_RESULTS)
    assert [(a.name, a.path) for a in source.produces] == [("source", "/workspace/source")]
    assert test.working_dir == "/workspace/source" and test.depends_on == ("source",)
    assert p.checkout_of(test.consumes[0]) == source.checkout


def test_the_repository_gives_the_by_hand_defaults_of_the_run_fields() -> None:
    p = _pipeline(CHECKOUT)
    assert p.repository is not None and p.repository.clone_url == "https://github.com/acme/shop.git"
    assert p.run_default(ir.RunField.REPOSITORY) == "acme/shop" and p.run_default(ir.RunField.OWNER) == "acme"
    assert p.run_default(ir.RunField.CLONE_URL) == "https://github.com/acme/shop.git"
    assert p.run_default(ir.RunField.EVENT) == "manual" and p.run_default(ir.RunField.PR_LABELS) == "[]"


def test_a_checkout_task_refuses_container_fields_each_at_its_line() -> None:
    result = compile_spec(HEAD + """\
  tasks:
    - name: source
      uses: checkout
      image: alpine/git:2.45.2
      run: git clone x
    - name: other
      image: alpine:3.20
      with: {depth: 1}
      run: echo
""", "t.yaml")
    assert [(d.rule.code, d.span.line, d.message) for d in result.diagnostics] == [
        ("SS012", 9, "a `uses: checkout` task has no `image`"),
        ("SS012", 10, "a `uses: checkout` task has no `run`"),
        ("SS012", 13, "`with` gives the inputs of a `uses:` task"),
    ]


def test_oidc_and_run_settings_are_lowered() -> None:
    p = _pipeline("""\
  kubernetes:
    run:
      labels: {team: a}
      deleteAfter: {succeeded: 1h}
      keepRuns: 3
      podGC: OnPodSuccess
  tasks:
    - name: sign
      image: alpine:3.20
      oidc: {audience: sigstore}
      run: echo
""")
    assert p.tasks[0].oidc == ir.Oidc("sigstore")
    run = p.run
    assert (run.labels, run.delete_after_success_s, run.delete_after_failure_s) == ((("team", "a"),), 3600, None)
    assert (run.keep_runs, run.pod_gc) == (3, "OnPodSuccess")


def test_string_tests_are_typed_and_negated_in_normal_form() -> None:
    when = _pipeline("""\
  tasks:
    - name: a
      image: alpine:3.20
      when: "!(startsWith(run.ref, 'refs/tags/') || contains(run.pr_labels, 'ok'))"
      run: echo
""").tasks[0].when
    assert isinstance(when, ir.All)
    tag, label = when.items
    assert isinstance(tag, ir.Compare) and tag.op is ir.CompareOp.NOT_STARTS_WITH and not tag.is_membership
    assert isinstance(label, ir.Compare) and label.op is ir.CompareOp.NOT_CONTAINS and label.is_membership


def test_labels_are_tested_one_at_a_time_and_string_tests_take_text() -> None:
    result = compile_spec(HEAD + """\
  params:
    - name: flag
      type: bool
      default: false
  tasks:
    - name: a
      image: alpine:3.20
      when: run.pr_labels == 'x' || startsWith(params.flag, 't') || contains('x', run.pr_labels)
      run: echo
""", "t.yaml")
    assert [d.message.split(",")[0] for d in result.diagnostics] == [
        "run.pr_labels is a list of names",
        "compares bool and string values",
        "run.pr_labels is a list: only contains(run.pr_labels",
    ]


STEPS = """\
  params:
    - name: go
      default: "1.23"
  tasks:
    - name: build
      image: golang:1.23.4
      env: {GOFLAGS: -mod=readonly}
      steps:
        - name: setup
          uses:
            github:
              action: actions/setup-go@3041bf56c941b39c61721a86cd11f3bb1338122a
              version: v5.2.0
              with: {go-version: "~{ params.go }"}
        - name: test
          run: go test ./... > "$SHIPSPEC_RESULTS/report"
          timeout: 5m
        - name: report
          image: alpine:3.20
          always: true
          continueOnError: true
          env: {WHO: "~{ run.actor }"}
          run: echo "$WHO"
      results: [report]
    - name: publish
      uses:
        tekton:
          resolver: hub
          resource: {name: buildah, version: "0.9"}
          params: {IMAGE: "~{ tasks.build.results.report }"}
        outputs: [IMAGE_DIGEST]
    - name: after
      image: alpine:3.20
      env: {DIGEST: "~{ tasks.publish.outputs.IMAGE_DIGEST }"}
      run: echo "$DIGEST"
"""


def test_steps_share_a_task_and_carry_their_references_in_their_own_env() -> None:
    build = _pipeline(STEPS).task("build")
    assert build.script is None and [s.name for s in build.steps] == ["setup", "test", "report"]
    setup, test, report = build.steps
    assert setup.native is not None and setup.native.github is not None and setup.image == ""
    assert (setup.native.github.action, setup.native.github.version) == ("actions/setup-go", "v5.2.0")
    assert setup.native.github.inputs[0][1].refs == (ir.ParamRef("go", ir.ParamType.STRING),)
    assert (test.image, test.timeout_s, test.always) == ("golang:1.23.4", 300, False)
    assert (report.image, report.always, report.continue_on_error) == ("alpine:3.20", True, True)
    assert report.script == 'echo "$WHO"' and [e.name for e in report.env] == ["WHO"]


def test_a_native_task_has_outputs_read_as_results_and_implies_dependencies() -> None:
    p = _pipeline(STEPS)
    publish, after = p.task("publish"), p.task("after")
    assert publish.native is not None and publish.native.tekton is not None and publish.image == ""
    assert publish.native.tekton.resource == (("name", "buildah"), ("version", "0.9"))
    assert [r.name for r in publish.results] == ["IMAGE_DIGEST"] and publish.depends_on == ("build",)
    assert after.depends_on == ("publish",)
    assert after.env[0].value == ir.Template((ir.ResultRef("publish", "IMAGE_DIGEST", False),))


def test_a_step_needs_one_body_and_an_image_from_itself_or_its_task() -> None:
    result = compile_spec(HEAD + """\
  tasks:
    - name: a
      steps:
        - {name: one, run: echo}
        - {name: two, image: alpine:3.20, run: echo, command: [echo]}
        - {name: two, image: alpine:3.20}
""", "t.yaml")
    assert [(d.span.line, d.message.split(",")[0]) for d in result.diagnostics] == [
        (9, "step 'one' has no image"),
        (10, "step 'two' has both `run` and `command`"),
        (11, "step 'two' has nothing to run"),
        (11, "task 'a' has two steps named 'two'"),
    ]


def test_a_native_units_outputs_take_each_engines_own_names() -> None:
    p = _pipeline(STEPS.replace("        outputs: [IMAGE_DIGEST]", "        outputs: [digest]\n"
                                "        outputNames: {tekton: {digest: IMAGE_DIGEST}}")
                  .replace("outputs.IMAGE_DIGEST", "outputs.digest"))
    tekton, github = ir.native_output_names(p, "tekton"), ir.native_output_names(p, "github")
    assert [r.name for r in tekton.task("publish").results] == ["IMAGE_DIGEST"]
    assert tekton.task("after").env[0].value == ir.Template((ir.ResultRef("publish", "IMAGE_DIGEST", False),))
    assert github is p and [r.name for r in p.task("publish").results] == ["digest"]
    bad = compile_spec(HEAD + STEPS.replace("        outputs: [IMAGE_DIGEST]", "        outputs: [IMAGE_DIGEST]\n"
                                            "        outputNames: {argo: {digets: x}}"), "t.yaml")
    assert [d.message for d in bad.diagnostics] == ["'digets' is not one of the unit's outputs"]
