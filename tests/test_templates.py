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


def _installed_package(site: Path, version: str) -> None:
    """A template library as pip installs it: the package, and its dist-info with the entry point."""
    (site / "platform_templates").mkdir(parents=True)
    (site / "platform_templates" / "__init__.py").write_text("")
    (site / "platform_templates" / "base.yaml").write_text(TEMPLATE)
    info = site / f"platform_templates-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: platform-templates\nVersion: {version}\n")
    (info / "entry_points.txt").write_text("[shipspec.templates]\nbase = platform_templates:base.yaml\n")


SERVICE = ("apiVersion: shipspec.dev/v1\nkind: Pipeline\nmetadata:\n  name: svc\ntemplate:\n  ref: {ref}\n"
           "  with: {{image: ghcr.io/x/svc}}\nspec:\n  tasks:\n    - {{name: d, image: alpine:3.20, run: echo}}\n")


def test_a_template_from_an_installed_package_with_a_version_constraint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _installed_package(tmp_path / "site", "1.4.0")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.chdir(tmp_path)
    ok = compile_spec(SERVICE.format(ref="pkg:base@>=1.2,<2"), "svc.yaml")
    assert ok.ok and ok.pipeline is not None and [t.name for t in ok.pipeline.tasks] == ["a", "b", "c", "d"]
    assert ok.pipeline.task("a").span.file.endswith("platform_templates/base.yaml")
    found = compile_spec(SERVICE.format(ref="pkg:base@>=2"), "svc.yaml").diagnostics
    assert [(d.span.line, d.message) for d in found] == [
        (6, "the template 'base' is version 1.4.0, which does not match >=2")]
    found = compile_spec(SERVICE.format(ref="pkg:bse"), "svc.yaml").diagnostics
    assert found[0].message == "no installed package offers the template 'bse'" and "base" in (found[0].hint or "")


def test_a_template_from_a_pinned_git_revision_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    import subprocess

    def git(*args: str, cwd: Path) -> str:
        return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()

    work = tmp_path / "work"
    (work / "templates").mkdir(parents=True)
    (work / "templates" / "base.yaml").write_text(TEMPLATE)
    git("init", "-q", cwd=work)
    git("-c", "user.email=p@example.com", "-c", "user.name=p", "add", "-A", cwd=work)
    git("-c", "user.email=p@example.com", "-c", "user.name=p", "commit", "-qm", "templates", cwd=work)
    sha = git("rev-parse", "HEAD", cwd=work)
    bare = tmp_path / "templates.git"
    git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp_path)
    monkeypatch.setenv("SHIPSPEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    ref = f"git+file://{bare}@{sha}#templates/base.yaml"
    assert compile_spec(SERVICE.format(ref=ref), "svc.yaml").ok
    shutil.rmtree(bare)  # a warm cache needs the repository no more
    warm = compile_spec(SERVICE.format(ref=ref), "svc.yaml")
    assert warm.ok and warm.pipeline is not None and len(warm.pipeline.tasks) == 4
    cold = compile_spec(SERVICE.format(ref=ref.replace(sha, "v9.9.9")), "svc.yaml").diagnostics
    assert cold[0].message.startswith(f"the template repository file://{bare} at v9.9.9 is not in the cache")
