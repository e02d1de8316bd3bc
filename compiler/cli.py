"""The command line: the one module that knows both the compiler and the targets.

Each command is a function returning an exit code: 0 ok, 1 invalid spec, 2 usage error,
3 internal error. Heavy modules (pydantic, the backends) are imported inside the commands so
`shipspec --version` stays as cheap as starting Python.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import __version__

if TYPE_CHECKING:
    from ..targets.base import Backend, EmitOptions
    from .diagnostics import Diagnostic
    from .project import Config

TARGETS = ("argo", "tekton", "github")
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="shipspec", message="%(prog)s %(version)s")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no warnings, no `wrote` lines.")
@click.option("-v", "--verbose", is_flag=True, help="Also say which spec is compiled for which target.")
def cli(quiet: bool, verbose: bool) -> None:
    """Compile pipeline specs to Argo Workflows, Tekton and GitHub Actions (no colour is ever printed,
    so NO_COLOR holds by construction). A SPEC of `-` is read from stdin."""
    global QUIET, VERBOSE
    QUIET, VERBOSE = quiet, verbose and not quiet


QUIET = False
VERBOSE = False


def say(message: str) -> None:
    """A progress or result line on stdout, unless --quiet."""
    if not QUIET:
        click.echo(message)


def note(message: str) -> None:
    """A --verbose line on stderr."""
    if VERBOSE:
        click.echo(message, err=True)


def _strict(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    global STRICT
    STRICT = value
    return value


_strict_option = click.option("--strict", is_flag=True, callback=_strict, expose_value=False,
                              help="Warnings fail the command (exit 1) as errors do.")

_format_option = click.option(
    "--format", "fmt", type=click.Choice(["concise", "full", "github", "json", "sarif"]), default="concise",
    show_default=True, help="How to print diagnostics (sarif: one SARIF 2.1.0 log on stdout).")


@cli.command("compile")
@click.argument("specs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("-t", "--target", type=click.Choice([*TARGETS, "all"]), default="all", show_default=True)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False),
              help="Write DIR/<spec>.<target>.yaml; without it, print to stdout (one spec, one target).")
@click.option("--argo-kind", type=click.Choice(["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"]),
              default="Workflow", show_default=True, help="What the Argo output is.")
@click.option("--tekton-run", is_flag=True,
              help="Also write a PipelineRun, to `kubectl create`, as DIR/<spec>.tekton-run.yaml.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A param value for the --tekton-run PipelineRun (repeatable); every required param needs one.")
@click.option("--tekton-triggers", type=click.Choice(["triggers", "pac"]), default="triggers", show_default=True,
              help="How events start Tekton runs: Tekton Triggers documents, or a Pipelines-as-Code PipelineRun "
              "(DIR/<spec>.tekton-pac.yaml, for the repository's .tekton/ folder).")
@click.option("--tekton-checkout", type=click.Choice(["catalog", "inline"]), default="catalog", show_default=True,
              help="What clones on Tekton: the catalog git-clone task by resolver, or an inline task.")
@_format_option
@_strict_option
def compile_command(specs: tuple[str, ...], target: str, out_dir: str | None, argo_kind: str,
                    tekton_run: bool, params: tuple[str, ...], tekton_triggers: str, tekton_checkout: str,
                    fmt: str) -> None:
    """Compile SPECS to the target engines' YAML."""
    targets = TARGETS if target == "all" else (target,)
    if out_dir is None and (len(set(specs)) > 1 or len(targets) > 1):
        raise click.UsageError("several specs or targets need -o DIR")
    if params and not tekton_run:
        raise click.UsageError("-p/--param sets values of the --tekton-run PipelineRun; add --tekton-run")
    if tekton_run and "tekton" not in targets:
        raise click.UsageError("--tekton-run needs the tekton target")
    options = dataclasses.replace(_emit_options(argo_kind, tekton_run, params), tekton_triggers=tekton_triggers,
                                  tekton_checkout=tekton_checkout)
    if fmt == "sarif" and out_dir is None:
        raise click.UsageError("--format sarif prints the log on stdout, where the YAML goes without -o DIR")
    code = compile_specs(specs, targets, out_dir, options, fmt)
    flush(fmt)
    raise SystemExit(code)


def _emit_options(argo_kind: str, tekton_run: bool, params: tuple[str, ...]) -> EmitOptions:
    from ..targets.base import EmitOptions

    values: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"-p {item!r}: write NAME=VALUE")
        if name in values:
            raise click.UsageError(f"-p {name}: given twice")
        values[name] = value
    return EmitOptions(argo_kind=argo_kind, tekton_run=tekton_run, run_params=tuple(values.items()))


@cli.command("validate")
@click.argument("specs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("-t", "--target", "targets", type=click.Choice([*TARGETS, "all"]), multiple=True,
              help="Check what these targets can express (repeatable); default: all of them.")
@_format_option
@_strict_option
def validate_command(specs: tuple[str, ...], targets: tuple[str, ...], fmt: str) -> None:
    """Run every check on SPECS, for every target unless -t narrows it; write nothing."""
    if not targets or "all" in targets:
        targets = TARGETS
    code = validate_specs(specs, targets, fmt)
    flush(fmt)
    raise SystemExit(code)


@cli.command("generate")
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@_format_option
@_strict_option
def generate_command(specs: tuple[str, ...], fmt: str) -> None:
    """Regenerate the files the project's configuration names (only SPECS' when given: pre-commit
    passes the changed files); write only those that changed. Exit 1 when a file was written."""
    from . import generate

    code = generate.generate(_project(), specs, fmt)
    flush(fmt)
    raise SystemExit(code)


@cli.command("check")
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@_format_option
@_strict_option
def check_command(specs: tuple[str, ...], fmt: str) -> None:
    """Fail (exit 1, with a diff) when a generated file is stale, missing, edited by hand or orphaned."""
    from . import generate

    code = generate.check(_project(), specs, fmt)
    flush(fmt)
    raise SystemExit(code)


def _project() -> Config:
    from .project import ConfigError, find

    try:
        config = find(Path.cwd())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if config is None:
        raise click.UsageError("no shipspec.toml, and no [tool.shipspec] in a pyproject.toml, here or above; "
                               "add one that names your specs and their outputs (see README, 'Project')")
    return config


@cli.command("graph")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--format", "graph_format", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
def graph_command(spec: str, graph_format: str) -> None:
    """Print the task graph of SPEC (conditions, matrix, steps, finally) as Mermaid or dot."""
    from . import graph
    from .frontend import compile_spec

    raw = _read(spec)
    if raw is None:
        raise SystemExit(EXIT_INVALID)
    source = _source_name(spec)
    result = compile_spec(raw, source)
    _print(result.diagnostics, {source: raw.decode("utf-8", "replace")}, "concise")
    if not result.ok or result.pipeline is None:
        raise SystemExit(EXIT_INVALID)
    click.echo((graph.mermaid if graph_format == "mermaid" else graph.dot)(result.pipeline), nl=False)


@cli.command("explain")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("-t", "--target", type=click.Choice(TARGETS), required=True)
def explain_command(spec: str, target: str) -> None:
    """Say what each task of SPEC became on the target, and what the target approximated."""
    from ..targets.base import EmitOptions
    from . import explain
    from .frontend import compile_spec

    raw = _read(spec)
    if raw is None:
        raise SystemExit(EXIT_INVALID)
    result = compile_spec(raw, _source_name(spec))
    if not result.ok or result.pipeline is None:
        _print(result.diagnostics, {_source_name(spec): raw.decode("utf-8", "replace")}, "concise")
        raise SystemExit(EXIT_INVALID)
    emitted = _backend(target).emit(result.pipeline, EmitOptions())
    documents = {f"{target}.yaml": emitted.documents,
                 **{f"{name}.yaml": docs for name, docs in emitted.companions.items()}}
    click.echo(explain.report(result.pipeline, target, documents, result.diagnostics + emitted.diagnostics), nl=False)


@cli.command("init")
def init_command() -> None:
    """Write a starter pipeline.yaml for the service here (language detected) and a shipspec.toml."""
    from . import init

    try:
        written = init.write(Path.cwd())
    except FileExistsError as exc:
        raise click.UsageError(f"{exc} already exist(s); remove or rename them first") from None
    for path in written:
        click.echo(f"wrote {path.name}")
    click.echo("next: `shipspec generate` writes .github/workflows/; `shipspec compile pipeline.yaml -t argo` "
               "shows the Argo Workflow")


@cli.command("schema")
def schema_command() -> None:
    """Print the spec's JSON Schema."""
    from .schema import schema_text

    click.echo(schema_text(), nl=False)


# --- the commands' work ----------------------------------------------------------------------


def _backend(name: str) -> Backend:
    """Backends are imported only when asked for; each module satisfies the Backend protocol."""
    from importlib import import_module

    from ..targets import BACKENDS

    module: Backend = import_module(BACKENDS[name])
    return module


def _source_name(path: str) -> str:
    """The spec's path as the generated header shows it: relative, with '/' on every OS."""
    if path == "-":
        return "stdin"
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            p = Path(p.name)
    return p.as_posix()


def _read(path: str) -> bytes | None:
    if path == "-":
        return sys.stdin.buffer.read(MAX_READ)
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_READ)
    except OSError as exc:
        click.echo(f"{path}: error: cannot read: {exc.strerror}", err=True)
        return None


MAX_READ = 1024 * 1024 + 1  # one byte over the loader's limit, so it can say the file is too big


_SARIF: list[Diagnostic] = []
"""Diagnostics held for the one SARIF log a command prints when it ends (`flush`)."""


def _print(diagnostics: Sequence[Diagnostic], sources: dict[str, str], fmt: str) -> None:
    from .diagnostics import Severity
    from .render import FORMATS

    shown = [d for d in diagnostics if not (QUIET and not STRICT and d.severity is not Severity.ERROR)]
    if fmt == "sarif":
        _SARIF.extend(shown)
        return
    for d in shown:
        click.echo(FORMATS[fmt](d, sources), err=True)


def flush(fmt: str) -> None:
    """Print the SARIF log of everything reported (an empty run when nothing was)."""
    if fmt == "sarif":
        from .sarif import document

        click.echo(document(_SARIF, __version__), nl=False)
        _SARIF.clear()


def compile_one(text: str | bytes, source: str, targets: Sequence[str],
                options: EmitOptions | None = None) -> tuple[dict[str, str], list[Diagnostic]]:
    """Compile one spec for `targets`: the YAML text per clean target, and every diagnostic, sorted.

    `source` names the spec in diagnostics and in the generated header. Tests call this too.
    """
    from ..targets.base import EmitOptions

    per_target, diagnostics = compile_each(text, source, {t: options or EmitOptions() for t in targets})
    return {name: text for files in per_target.values() for name, text in files.items()}, diagnostics


def compile_each(text: str | bytes, source: str,
                 options: Mapping[str, EmitOptions]) -> tuple[dict[str, dict[str, str]], list[Diagnostic]]:
    """The spec checked once, then emitted for each target with its own options: per clean target its
    files (the target's own and its companions, by name), and every diagnostic, sorted."""
    from ..targets import yamlout
    from .diagnostics import has_errors, sort_unique
    from .frontend import compile_spec

    result = compile_spec(text, source)
    diagnostics = list(result.diagnostics)
    ignored = ignores(text)
    files: dict[str, dict[str, str]] = {}
    if result.ok and result.pipeline is not None:
        for target, target_options in options.items():
            emitted = _backend(target).emit(result.pipeline, target_options)
            diagnostics += emitted.diagnostics
            if not has_errors(emitted.diagnostics):
                files[target] = {target: yamlout.dump(emitted.documents, result.pipeline.source, target)}
                for name, documents in emitted.companions.items():
                    files[target][name] = yamlout.dump(documents, result.pipeline.source, target)
    return files, [d for d in sort_unique(diagnostics) if d.rule.code not in ignored.get(d.span.line, ())]


def ignores(text: str | bytes) -> dict[int, frozenset[str]]:
    """`# shipspec: ignore[SS404, SS501]` at the end of a line: those codes are not reported there."""
    import re

    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(raw.split("\n"), start=1):
        m = re.search(r"#\s*shipspec:\s*ignore\[([A-Z0-9,\s]+)\]", line)
        if m:
            found[number] = frozenset(c.strip() for c in m.group(1).split(",") if c.strip())
    return found


STRICT = False
"""--strict: a warning fails the command as an error does."""


def _failed(diagnostics: Sequence[Diagnostic]) -> bool:
    from .diagnostics import has_errors

    return has_errors(list(diagnostics)) or (STRICT and bool(diagnostics))


def _compile_all(specs: Sequence[str], targets: Sequence[str], options: EmitOptions | None,
                 fmt: str) -> tuple[bool, dict[str, dict[str, str]]]:
    """Read and compile every spec, printing its diagnostics; (all clean?, spec path -> texts)."""

    ok = True
    outputs: dict[str, dict[str, str]] = {}
    for path in specs:
        raw = _read(path)
        if raw is None:
            ok = False
            continue
        source = _source_name(path)
        note(f"{source}: compiling for {', '.join(targets)}")
        texts, diagnostics = compile_one(raw, source, targets, options)
        _print(diagnostics, {source: raw.decode("utf-8", "replace")}, fmt)
        ok = ok and not _failed(diagnostics) and all(t in texts for t in targets)
        outputs[path] = texts
    return ok, outputs


def compile_specs(specs: Sequence[str], targets: Sequence[str], out_dir: str | None,
                  options: EmitOptions, fmt: str) -> int:
    """Compile every spec for every target; write only when all of them are clean."""
    specs = _distinct(specs)
    ok, outputs = _compile_all(specs, targets, options, fmt)
    if not ok:
        return EXIT_INVALID
    files = {_out_name(path, name): text for path, texts in outputs.items() for name, text in texts.items()}
    if out_dir is None:  # one stream: a target's file, then its companions, as separate documents
        click.echo("---\n".join(files.values()), nl=False)
        return EXIT_OK
    try:
        write_all(Path(out_dir), files)
    except OSError as exc:
        click.echo(f"{exc.filename or out_dir}: error: cannot write: {exc.strerror or exc}", err=True)
        return EXIT_INVALID
    return EXIT_OK


def _distinct(specs: Sequence[str]) -> list[str]:
    """The specs without repeats; two different specs that would write the same files are a usage error."""
    by_stem: dict[str, Path] = {}
    out: list[str] = []
    for path in specs:
        resolved = Path(path).resolve()
        first = by_stem.setdefault(resolved.stem, resolved)
        if first != resolved:
            raise click.UsageError(f"{first} and {path} would write the same files; "
                                   "compile them into different directories")
        if path not in out and all(Path(p).resolve() != resolved for p in out):
            out.append(path)
    return out


def _out_name(spec_path: str, target: str) -> str:
    stem = "stdin" if spec_path == "-" else Path(spec_path).stem
    return f"{stem}.{target}.yaml"


def write_all(out_dir: Path, files: dict[str, str]) -> None:
    """Write every file or none: each goes to a temporary file first, and only when all of them
    are written are they renamed into place (a reader never sees half a file)."""
    import os
    import tempfile

    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    mode = 0o666 & ~_umask()
    try:
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            staged.append((tmp, out_dir / name))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
        for tmp, final in staged:
            os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _umask() -> int:
    import os

    current = os.umask(0)
    os.umask(current)
    return current


def validate_specs(specs: Sequence[str], targets: Sequence[str], fmt: str) -> int:
    """Every check, and what each of `targets` cannot express; nothing is written."""
    ok, _ = _compile_all(specs, targets, None, fmt)
    return EXIT_OK if ok else EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click's own exit codes for usage errors (2); no traceback ever reaches a user."""
    import os

    # shipspec's models use no pydantic plugin; finding them costs a scan of every installed
    # package's entry points (~15-20 ms of a pre-commit hook). A value set by the user wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="shipspec", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: report, never a traceback
        return _internal_error(exc)
    return EXIT_OK


def _internal_error(exc: BaseException) -> int:
    """One line for the user; the traceback goes to a fresh log file (if even that fails, we say so)."""
    import tempfile
    import traceback

    where = "the command you ran"
    try:
        fd, log = tempfile.mkstemp(prefix="shipspec-crash-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(f"shipspec {__version__}\n" + "".join(traceback.format_exception(exc)))
        where = log
    except OSError:
        pass
    click.echo(f"shipspec: internal error: {type(exc).__name__}: {exc}\n"
               f"This is a bug in shipspec; please report it with {where}.", err=True)
    return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
