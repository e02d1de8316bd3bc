"""Pipeline templates: a service spec made from a `kind: PipelineTemplate` file, positions kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipspec.compiler.frontend import compile_spec

TEMPLATE = """\
apiVersion: shipspec.dev/v1
kind: PipelineTemplate
metadata:
  name: base
spec:
  params:
    - name: image
    - name: level
      default: quick
  tasks:
    - name: a
      image: alpine:3.20
      env: {IMAGE: "~{ params.image }", LEVEL: "~{ params.level }"}
      run: echo "$IMAGE $LEVEL"
    - name: b
      image: alpine:3.20
      run: echo b
    - name: c
      image: alpine:3.20
      depends: [a]
      run: echo c
"""


def _service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> str:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.yaml").write_text(TEMPLATE)
    (tmp_path / "svc").mkdir()
    monkeypatch.chdir(tmp_path)
    return ("apiVersion: shipspec.dev/v1\nkind: Pipeline\nmetadata:\n  name: svc\n"
            "template:\n  ref: ../templates/base.yaml\n" + body)


def test_inputs_replace_remove_and_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _service(tmp_path, monkeypatch, """\
  with: {image: ghcr.io/x/svc, level: full}
  remove: [b]
spec:
  tasks:
    - {name: c, image: alpine:3.20, run: echo mine}
    - {name: d, image: alpine:3.20, depends: [c], run: echo d}
""")
    result = compile_spec(text, "svc/pipeline.yaml")
    assert result.ok and result.pipeline is not None, result.diagnostics
    p = result.pipeline
    assert p.name == "svc" and [t.name for t in p.tasks] == ["a", "c", "d"]
    assert [(x.name, x.default) for x in p.params] == [("image", "ghcr.io/x/svc"), ("level", "full")]
    assert p.task("c").script == "echo mine" and p.task("c").depends_on == ()
    assert p.task("a").span.file == "templates/base.yaml" and p.task("d").span.file == "svc/pipeline.yaml"
    assert p.task("a").span.line == 11 and p.task("c").span.line == 11 and p.task("d").span.line == 12


def test_errors_point_at_the_file_that_wrote_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _service(tmp_path, monkeypatch, """\
  with: {imag: x}
  remove: [z]
spec:
  tasks:
    - {name: d, image: alpine:3.20, run: "echo ~{ params.nope }"}
""")
    found = [(d.span.file, d.span.line, d.message) for d in compile_spec(text, "svc/pipeline.yaml").diagnostics]
    assert ("svc/pipeline.yaml", 7, "the template has no input 'imag'") in found
    assert ("svc/pipeline.yaml", 8, "the template has no task 'z' to remove") in found
    (tmp_path / "templates" / "base.yaml").write_text(TEMPLATE.replace("echo b", "echo ~{ params.nah }"))
    found = [(d.span.file, d.span.line, d.message) for d in compile_spec(
        text.replace("imag: x", "image: x").replace("remove: [z]", "remove: []"), "svc/pipeline.yaml").diagnostics]
    assert ("templates/base.yaml", 17, "param 'nah' is not defined") in found
    assert ("svc/pipeline.yaml", 11, "param 'nope' is not defined") in found


@pytest.mark.parametrize(("ref", "message"), [
    ("../templates/missing.yaml", "cannot read the template ../templates/missing.yaml"),
    ("pipeline.yaml", "pipeline.yaml is not a template (kind: PipelineTemplate)"),
])
def test_a_bad_reference_is_named(ref: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _service(tmp_path, monkeypatch, "spec:\n  tasks:\n    - {name: a, image: alpine:3.20, run: echo}\n")
    text = text.replace("../templates/base.yaml", ref)
    (tmp_path / "svc" / "pipeline.yaml").write_text(text)
    found = compile_spec(text, "svc/pipeline.yaml").diagnostics
    assert [d.message.split(":")[0] if "cannot" in message else d.message for d in found] == [
        message.split(":")[0] if "cannot" in message else message]
