"""`shipspec init`: a starter spec for the service in the current directory (its language found from
go.mod, package.json, pyproject.toml/requirements.txt or pom.xml; an image build when there is a
Dockerfile), the project configuration that generates its GitHub workflow, and the editor modeline."""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_URL = "https://shipspec.dev/schemas/shipspec-v1.schema.json"
SPEC_FILE = "pipeline.yaml"
CONFIG_FILE = "shipspec.toml"
_LANGUAGES = (("go.mod", "go", "1.23"), ("package.json", "node", "22"), ("pyproject.toml", "python", "3.12"),
              ("requirements.txt", "python", "3.12"), ("pom.xml", "java", "21"))


def detect(folder: Path) -> tuple[str, str] | None:
    """The language block and a version for the project in `folder`, or None."""
    return next(((block, version) for marker, block, version in _LANGUAGES if (folder / marker).is_file()), None)


def name_for(folder: Path) -> str:
    """A DNS-1123 label from the folder's name: `My_Service` -> `my-service`."""
    name = re.sub(r"[^a-z0-9-]+", "-", folder.resolve().name.lower()).strip("-")[:63].strip("-")
    return name or "pipeline"


def spec_text(folder: Path) -> str:
    name = name_for(folder)
    found = detect(folder)
    lines = [f"# yaml-language-server: $schema={SCHEMA_URL}",
             "apiVersion: shipspec.dev/v1", "kind: Pipeline", "metadata:", f"  name: {name}", "spec:",
             "  repository:", f"    name: OWNER/{name}  # your repository",
             "  triggers:", "    push:", "      branches: [main]", "      tags: ['v*']", "    pullRequest:",
             "      branches: [main]", "  tasks:", "    - name: source", "      uses: checkout"]
    if found is not None:
        block, version = found
        lines += ["    - name: test", f"      uses: {block}", f"      with: {{version: \"{version}\", lint: true}}",
                  "      consumes: [{artifact: source}]"]
    else:
        lines += ["    - name: test", "      image: alpine:3.20", "      consumes: [{artifact: source}]",
                  "      run: echo \"replace me with your tests\""]
    if (folder / "Dockerfile").is_file():
        lines += ["    - name: version", "      uses: version",
                  "    - name: image", "      uses: image", "      depends: [test]",
                  "      when: startsWith(run.ref, 'refs/tags/')", "      with:",
                  f"        image: ghcr.io/OWNER/{name}",
                  "        tags: [\"~{ tasks.version.results.version }\", latest]",
                  "        password: {secret: github, key: token}", "      consumes: [{artifact: source}]",
                  "      github: {permissions: {packages: write}}"]
    return "\n".join(lines) + "\n"


def config_text() -> str:
    return (f'[[outputs]]\nspecs = "{SPEC_FILE}"\ntargets = "github"\npath = ".github/workflows/{{name}}.yaml"\n')


def write(folder: Path) -> list[Path]:
    """Write the starter files; refuse (FileExistsError) to overwrite any of them."""
    files = {folder / SPEC_FILE: spec_text(folder), folder / CONFIG_FILE: config_text()}
    existing = [p for p in files if p.exists()]
    if existing:
        raise FileExistsError(", ".join(p.name for p in existing))
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)
