"""Spec models -> IR: resolve references, rewrite scripts, fill defaults. Knows no target.

Every IR node gets the span of the YAML it came from (`Document` keeps them by path). Problems
found here (unknown references, types, durations) are collected, not raised, so the user sees
all of them in one run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from . import argv, expr, ir, placement, rules, scripts, spec
from .diagnostics import Diagnostic, Rule, Span, warning
from .loader import Document, Loc
from .refs import Scope, SpanAt, TaskInfo, did_you_mean, lower_condition, resolve

_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
MAX_SECONDS = 30 * 24 * 3600
RESERVED_ENV_PREFIX = "SHIPSPEC_"
_PARAM_TYPES = {t.value: t for t in ir.ParamType}


def lower(model: spec.Spec, doc: Document, source: str) -> tuple[ir.Pipeline, list[Diagnostic]]:
    """The IR of a validated spec, and every problem found while resolving it."""
    body = model.spec
    scope = Scope(params={p.name: _PARAM_TYPES[p.type] for p in body.params},
                  tasks=_task_infos(body))
    lowerer = _Lowerer(doc, scope, body)
    k8s = body.kubernetes or spec.PipelineKubernetes()
    storage = k8s.storage or spec.Storage()
    pipeline = ir.Pipeline(
        name=model.metadata.name,
        source=source,
        namespace=model.metadata.namespace,
        labels=tuple(model.metadata.labels.items()),
        annotations=tuple(model.metadata.annotations.items()),
        description=model.metadata.description,
        params=tuple(lowerer.param(p, ("spec", "params", i)) for i, p in enumerate(body.params)),
        tasks=tuple(lowerer.task(t, ("spec", "tasks", i), False) for i, t in enumerate(body.tasks)),
        finally_tasks=tuple(lowerer.task(t, ("spec", "finally", i), True)
                            for i, t in enumerate(body.finally_)),
        results=tuple(lowerer.pipeline_result(r, ("spec", "results", i))
                      for i, r in enumerate(body.results)),
        caches=tuple(ir.Cache(c.name, doc.span(("spec", "caches", i, "name"))) for i, c in enumerate(body.caches)),
        service_account=k8s.service_account,
        host_network=k8s.host_network,
        artifact_store=ir.ArtifactStore(k8s.artifacts),
        storage_size=storage.size,
        storage_class=storage.storage_class,
        storage_access_mode=storage.access_mode,
        timeout_s=lowerer.seconds(body.timeout, ("spec", "timeout")),
        runs_on=(body.github.runs_on if body.github and body.github.runs_on else ir.DEFAULT_RUNS_ON),
        span=doc.span(("metadata", "name")),
    )
    return pipeline, scope.diagnostics + list(placement.expressions_out_of_place(doc))


def _literal_text(text: str) -> str | None:
    """The text of an argv item without references, None when it has one (or does not scan)."""
    try:
        pieces = expr.scan(text)
    except expr.ExprError:
        return None
    return "".join(p for p in pieces if isinstance(p, str)) if all(isinstance(p, str) for p in pieces) else None


def _list_hint(ref: str, in_env: bool, in_script: bool) -> str:
    """How to use a list where text was written: as one env var's whole value, read in a script."""
    if in_env:
        return f"make '~{{ {ref} }}' the whole value of the env var, and split the JSON list in the script"
    where = "the script" if in_script else "a `run` script (e.g. with jq), instead of `command`/`args`"
    return f"put it in env as the whole value, `env: {{ITEMS: '~{{ {ref} }}'}}`, and read the JSON list in {where}"


def _task_infos(body: spec.PipelineSpec) -> dict[str, TaskInfo]:
    infos: dict[str, TaskInfo] = {}
    for is_finally, tasks in ((False, body.tasks), (True, body.finally_)):
        for t in tasks:
            names = tuple(r if isinstance(r, str) else r.name for r in t.results)
            infos.setdefault(t.name, TaskInfo(t.name, names, t.matrix is not None, is_finally))
    return infos


class _Lowerer:
    def __init__(self, doc: Document, scope: Scope, body: spec.PipelineSpec) -> None:
        self.doc = doc
        self.scope = scope
        self.producers = self._producers(body)
        self.cache_names = {c.name for c in body.caches}
        self.sidecars: tuple[str, ...] = ()

    def report(self, rule: Rule, loc: Loc, message: str, hint: str | None = None) -> None:
        self.scope.report(rule, self.doc.span(loc), message, hint)

    # --- params and pipeline results -----------------------------------------------------

    def param(self, p: spec.Param, loc: Loc) -> ir.Param:
        kind = _PARAM_TYPES[p.type]
        return ir.Param(p.name, kind, self._default(p, kind, loc), p.description,
                        self.doc.span((*loc, "name")))

    def _default(self, p: spec.Param, kind: ir.ParamType, loc: Loc) -> ir.Scalar | tuple[str, ...] | None:
        value = p.default
        if value is None:
            return None
        ok = {
            ir.ParamType.STRING: isinstance(value, str | int) and not isinstance(value, bool),
            ir.ParamType.BOOL: isinstance(value, bool),
            ir.ParamType.INT: isinstance(value, int) and not isinstance(value, bool),
            ir.ParamType.ARRAY: isinstance(value, list),
        }[kind]
        if not ok:
            self.report(rules.TYPE_MISMATCH, (*loc, "default"),
                        f"default {json.dumps(value)} does not fit param type '{kind.value}'",
                        "change the default or the type")
            return None
        if kind is ir.ParamType.STRING:
            return self._as_written(value, (*loc, "default"))
        return tuple(value) if isinstance(value, list) else value

    def _as_written(self, value: object, loc: Loc) -> str:
        """A number in a text field, as the user wrote it (`0755` stays `0755`, `0.5` stays `0.5`)."""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        return self.doc.source_text(loc) or str(value)

    def pipeline_result(self, r: spec.PipelineResult, loc: Loc) -> ir.PipelineResult:
        self.scope.task = None
        self.scope.axes = ()
        value = self.template(r.value, (*loc, "value"))
        return ir.PipelineResult(r.name, value, r.description, self.doc.span((*loc, "name")))

    # --- templates -----------------------------------------------------------------------

    def template(self, text: str, loc: Loc, allow_list: bool = False) -> ir.Template:
        """A string with references resolved; array values only where `allow_list`."""
        parts: list[str | ir.Ref] = []
        for piece in self._scan(text, loc):
            if isinstance(piece, str):
                parts.append(piece)
                continue
            ref = resolve(self.scope, piece, self.doc.offset_span(loc, piece.start, piece.end - piece.start))
            if ref is not None:
                parts.append(ref)
        template = ir.Template(tuple(parts), self.doc.span(loc))
        self._check_scalar_use(template, allow_list)
        return template

    def _scan(self, text: str, loc: Loc) -> list[expr.Piece]:
        try:
            return expr.scan(text)
        except expr.ExprError as exc:
            span = self.doc.offset_span(loc, exc.start, exc.end - exc.start)
            self.scope.report(rules.EXPRESSION_SYNTAX, span, exc.message, exc.hint)
            return []

    def _check_scalar_use(self, template: ir.Template, allow_list: bool, in_script: bool = False) -> None:
        whole = template.single_ref is not None
        for ref in template.refs:
            if isinstance(ref, ir.ParamRef) and ref.type is ir.ParamType.ARRAY and not (allow_list and whole):
                self.scope.report(rules.TYPE_MISMATCH, ref.span,
                                  f"param '{ref.name}' is an array: it can be a matrix axis, or the whole "
                                  "value of an env var (as a JSON list), not part of a text",
                                  _list_hint(f"params.{ref.name}", allow_list, in_script))
            elif isinstance(ref, ir.ResultRef) and ref.as_list and not (allow_list and whole):
                self.scope.report(rules.TYPE_MISMATCH, ref.span,
                                  f"'{ref.task}' runs as a matrix, so '{ref.result}' is a JSON list; it "
                                  "can only be the whole value of an env var",
                                  _list_hint(f"tasks.{ref.task}.results.{ref.result}", allow_list, in_script))

    # --- tasks ---------------------------------------------------------------------------

    def task(self, t: spec.Task, loc: Loc, is_finally: bool) -> ir.Task:
        self.scope.task = self.scope.tasks.get(t.name)
        if self.scope.task is None or self.scope.task.is_finally != is_finally:
            self.scope.task = TaskInfo(t.name, (), t.matrix is not None, is_finally)
        self.scope.axes = tuple(t.matrix.axes) if t.matrix else ()
        self.sidecars = tuple(s.name for s in t.sidecars)
        env = [self._env(name, value, (*loc, "env", name)) for name, value in t.env.items()]
        script, anchors = self._script(t.run, (*loc, "run"), env) if t.run is not None else (None, ())
        command, args = self._argv(t, loc, env)
        self._argv_env_names(command + args)
        when = lower_condition(self.scope, t.when, self._when_span((*loc, "when"))) if t.when else None
        consumes = tuple(self._consume(c, (*loc, "consumes", i)) for i, c in enumerate(t.consumes))
        self._require_one_body(t, loc)
        return ir.Task(
            name=t.name,
            image=t.image,
            script=script,
            command=command,
            args=args,
            env=tuple(env),
            working_dir=t.working_dir,
            depends=self._depends(t, loc, env, command + args, when, consumes, is_finally),
            when=when,
            results=tuple(self._result(r, (*loc, "results", i)) for i, r in enumerate(t.results)),
            produces=tuple(ir.ArtifactOut(a.name, a.path, self.doc.span((*loc, "produces", i)))
                           for i, a in enumerate(t.produces)),
            consumes=tuple(c for c in consumes if c is not None),
            caches=tuple(self._cache(c, (*loc, "caches", i)) for i, c in enumerate(t.caches)),
            secret_files=tuple(self._secret_file(s, (*loc, "secretFiles", i))
                               for i, s in enumerate(t.secret_files)),
            sidecars=tuple(self._sidecar(s, (*loc, "sidecars", i)) for i, s in enumerate(t.sidecars)),
            security=self._security(t.kubernetes.security_context if t.kubernetes else None,
                                    (*loc, "kubernetes", "securityContext")),
            resources=self._resources(t, (*loc, "kubernetes", "resources")),
            timeout_s=self.seconds(t.timeout, (*loc, "timeout")),
            retry=self._retry(t.retries, (*loc, "retries")),
            matrix=self._matrix(t.matrix, (*loc, "matrix")),
            runs_on=t.github.runs_on if t.github else None,
            is_finally=is_finally,
            span=self.doc.span((*loc, "name")),
            image_span=self.doc.span((*loc, "image")),
            script_anchors=anchors,
            script_comments=tuple(scripts.comments(script)) if script is not None else (),
        )

    def _require_one_body(self, t: spec.Task, loc: Loc) -> None:
        if (t.run is None) == (not t.command):
            self.report(rules.MISSING_FIELD if t.run is None else rules.WRONG_TYPE, (*loc, "name"),
                        f"task '{t.name}' needs either `run` (a script) or `command`, not "
                        + ("neither" if t.run is None else "both"),
                        "give it a `run:` script, or a `command:` with `args:`")
        elif t.run is not None and t.args:
            self.report(rules.WRONG_TYPE, (*loc, "args"), "`args` go with `command`, not with `run`",
                        "pass values to the script through `env`, or use `command:` with `args:`")
        elif t.command and not t.command[0]:
            self.report(rules.WRONG_TYPE, (*loc, "command", 0), "the command is empty", "name the program to run")

    def _when_span(self, loc: Loc) -> SpanAt:
        return lambda start, end: self.doc.offset_span(loc, start, end - start)

    def _env(self, name: str, value: spec.EnvValue, loc: Loc) -> ir.EnvVar:
        span = self.doc.key_span(loc)
        if name.upper().startswith(RESERVED_ENV_PREFIX):
            self.scope.report(rules.INVALID_NAME, span, f"env var names starting with {RESERVED_ENV_PREFIX} "
                              "are shipspec's own", f"rename '{name}'")
        if isinstance(value, spec.SecretKeyRef):
            return ir.EnvVar(name, ir.SecretRef(value.secret, value.key, self.doc.span(loc)), span)
        return ir.EnvVar(name, self.template(self._as_written(value, loc), loc, allow_list=True), span)

    def _script(self, run: str, loc: Loc, env: list[ir.EnvVar]) -> tuple[str, tuple[ir.ScriptAnchor, ...]]:
        """The script with each reference replaced by its env var: values never enter the text.
        Also the anchors that map the rewritten text back to the spec (`ir.Task.script_span`)."""
        if shebang := scripts.foreign_shebang(run):
            self.report(rules.WRONG_TYPE, loc, f"`run` is a POSIX sh script on every engine; '{shebang}' "
                        "would be honoured by some and ignored by others",
                        "drop the #! line, or run the interpreter: `command: [python3, -c, ...]`")
        pieces = self._scan(run, loc)
        out = self.shell_text(pieces, run, loc, env)
        return out, self._anchors(run, pieces, out, loc)

    def shell_text(self, pieces: list[expr.Piece], text: str, loc: Loc, env: list[ir.EnvVar]) -> str:
        """Shell text with each reference replaced by `${VAR}` of an env var declared in `env`."""
        quoted = scripts.single_quoted(text)
        out: list[str] = []
        declared = {e.name: e for e in env}
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            span = self.doc.offset_span(loc, piece.start, piece.end - piece.start)
            if piece.path[0] == "sidecars":
                out.append(self._sidecar_host(piece, span))
                continue
            ref = resolve(self.scope, piece, span)
            if ref is None:
                continue
            if any(a <= piece.start < b for a, b in quoted):
                self.scope.diagnostics.append(warning(
                    rules.REFERENCE_IN_SINGLE_QUOTES, span, f"'~{{ {piece.text} }}' is inside single quotes, "
                    "where the shell does not expand the variable that carries it", "use double quotes"))
            name = ir.env_name(ref)
            template = ir.Template((ref,), span)
            self._check_scalar_use(template, allow_list=False, in_script=True)
            self._declare(env, declared, ir.EnvVar(name, template, span))
            out.append("${" + name + "}")
        return "".join(out)

    def _anchors(self, run: str, pieces: list[expr.Piece], out: str, loc: Loc) -> tuple[ir.ScriptAnchor, ...]:
        """Walk the written text and the rewritten one side by side; anchor every place where
        their offsets part (a reference, a `~~{`) and every line start."""
        anchors = [ir.ScriptAnchor(0, self.doc.offset_span(loc, 0, 0))]
        src = dst = 0
        for piece in pieces:
            if isinstance(piece, expr.RawRef):
                dst = out.find("}", dst) + 1 if out.startswith("${", dst) else dst
                src = piece.end
                anchors.append(ir.ScriptAnchor(dst, self.doc.offset_span(loc, src, 0)))
                continue
            for ch in piece:
                if run.startswith(expr.ESCAPED_OPEN, src) and ch == "~":
                    src += 1  # `~~{` became `~{`
                    anchors.append(ir.ScriptAnchor(dst, self.doc.offset_span(loc, src, 0)))
                src += 1
                dst += 1
                if ch == "\n":
                    anchors.append(ir.ScriptAnchor(dst, self.doc.offset_span(loc, src, 0)))
        return tuple(anchors)

    def _argv(self, t: spec.Task, loc: Loc, env: list[ir.EnvVar]) -> tuple[tuple[ir.Template, ...], ...]:
        """command and args; the script of `sh -c` is rewritten as a `run` script is, so a value is
        never parsed as shell, and a reference in another interpreter's code is refused."""
        words = [(text, (*loc, "command", i)) for i, text in enumerate(t.command)]
        words += [(text, (*loc, "args", i)) for i, text in enumerate(t.args)]
        code = argv.find_code([_literal_text(text) for text, _ in words])
        items = []
        for i, (text, where) in enumerate(words):
            if code is not None and i == code.index:
                items.append(self._code(code, text, where, env))
            else:
                items.append(self.template(text, where))
        return tuple(items[:len(t.command)]), tuple(items[len(t.command):])

    def _code(self, code: argv.Code, text: str, loc: Loc, env: list[ir.EnvVar]) -> ir.Template:
        pieces = self._scan(text, loc)
        if code.shell:
            return ir.literal(self.shell_text(pieces, text, loc, env), self.doc.span(loc))
        for piece in pieces:
            if isinstance(piece, expr.RawRef):
                self.report_at(rules.REFERENCE_IN_CODE, loc, piece,
                               f"'~{{ {piece.text} }}' would be spliced into the code that {code.program} "
                               "parses, so a value could run as code",
                               f"pass it in env (`env: {{VALUE: '~{{ {piece.text} }}'}}`) and read the "
                               f"variable VALUE in the {code.program} code")
        return self.template(text, loc)

    def report_at(self, rule: Rule, loc: Loc, piece: expr.RawRef, message: str, hint: str) -> None:
        self.scope.report(rule, self.doc.offset_span(loc, piece.start, piece.end - piece.start), message, hint)

    def _argv_env_names(self, argv: tuple[ir.Template, ...]) -> None:
        """A backend may carry argv references in env vars too (GitHub): their names must not clash."""
        seen: dict[str, ir.Ref] = {}
        for ref in (r for t in argv for r in t.refs):
            first = seen.setdefault(ir.env_name(ref), ref)
            if first != ref:
                self.scope.report(rules.DUPLICATE_NAME, ref.span,
                                  f"'{ir.ref_text(ref)}' and '{ir.ref_text(first)}' both need the env var "
                                  f"{ir.env_name(ref)}", "rename one of the two names")

    def _declare(self, env: list[ir.EnvVar], declared: dict[str, ir.EnvVar], var: ir.EnvVar) -> None:
        """Add the env var that carries a reference, unless the same reference is there already;
        two references whose names map to one env var are an error, not a silent merge."""
        first = declared.get(var.name)
        if first is None:
            env.append(var)
            declared[var.name] = var
        elif first.value != var.value:
            what = "your own env var" if not isinstance(first.value, ir.Template) or not first.value.refs \
                or first.value.single_ref is None else f"'{ir.ref_text(first.value.single_ref)}'"
            self.scope.report(rules.DUPLICATE_NAME, var.span, f"this reference needs the env var {var.name}, "
                              f"which {what} already uses", "rename one of the two names")

    def _sidecar_host(self, piece: expr.RawRef, span: Span) -> str:
        """`~{ sidecars.NAME.host }`: an env var every backend sets, so a script reaches the sidecar."""
        names = self.sidecars
        if len(piece.path) != 3 or piece.path[2] != "host":
            self.scope.report(rules.UNKNOWN_REFERENCE, span, f"'{piece.text}' is not a reference",
                              "write ~{ sidecars.NAME.host }")
        elif piece.path[1] not in names:
            self.scope.report(rules.UNKNOWN_REFERENCE, span, f"this task has no sidecar '{piece.path[1]}'",
                              did_you_mean(piece.path[1], names) or "declare it under `sidecars:`")
        else:
            return "${" + ir.Sidecar(piece.path[1], "").host_env + "}"
        return ""

    def _depends(self, t: spec.Task, loc: Loc, env: list[ir.EnvVar], argv: tuple[ir.Template, ...],
                 when: ir.Condition | None, consumes: Iterable[ir.ArtifactIn | None],
                 is_finally: bool) -> tuple[ir.Dependency, ...]:
        deps = [ir.Dependency(d, True, self.doc.span((*loc, "depends", i))) for i, d in enumerate(t.depends)]
        if is_finally and deps:
            self.report(rules.FINALLY_DEPENDENCY, (*loc, "depends"),
                        f"finally task '{t.name}' cannot wait for other tasks: finally tasks run "
                        "together after all others", "remove `depends`, or merge the ordered work into one task")
            return ()
        refs = [r for e in env if isinstance(e.value, ir.Template) for r in e.value.refs]
        refs += [r for a in argv for r in a.refs]
        refs += list(ir.condition_refs(when)) if when else []
        for ref in refs:
            if isinstance(ref, ir.ResultRef) and not is_finally:
                deps.append(ir.Dependency(ref.task, False, ref.span))
        if not is_finally:
            deps += [ir.Dependency(c.producer, False, c.span) for c in consumes if c is not None]
        return tuple(deps)

    def _result(self, r: str | spec.ResultDecl, loc: Loc) -> ir.Result:
        if isinstance(r, str):
            return ir.Result(r, None, self.doc.span(loc))
        return ir.Result(r.name, r.description, self.doc.span(loc))

    @staticmethod
    def _producers(body: spec.PipelineSpec) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for t in body.tasks:
            for a in t.produces:
                found.setdefault(a.name, (t.name, a.path))
        return found

    def _consume(self, use: spec.ArtifactUse, loc: Loc) -> ir.ArtifactIn | None:
        producer = self.producers.get(use.artifact)
        if producer is None:
            self.report(rules.UNKNOWN_REFERENCE, (*loc, "artifact"),
                        f"no task produces artifact '{use.artifact}'",
                        did_you_mean(use.artifact, self.producers) or "add it to a task's `produces`")
            return None
        task, path = producer
        current = self.scope.task
        if current is not None and task == current.name:
            self.report(rules.RESULT_NOT_UPSTREAM, (*loc, "artifact"),
                        f"task '{task}' consumes the artifact '{use.artifact}' it produces itself")
            return None
        return ir.ArtifactIn(use.artifact, task, use.path or path, self.doc.span(loc))

    def _cache(self, use: spec.CacheUse, loc: Loc) -> ir.CacheMount:
        if use.name not in self.cache_names:
            self.report(rules.UNKNOWN_REFERENCE, (*loc, "name"), f"cache '{use.name}' is not declared",
                        did_you_mean(use.name, self.cache_names) or "declare it under spec.caches")
        return ir.CacheMount(use.name, use.path, self.doc.span(loc))

    def _secret_file(self, s: spec.SecretFileDecl, loc: Loc) -> ir.SecretFile:
        span = self.doc.span(loc)
        return ir.SecretFile(ir.SecretRef(s.secret, s.key, span), s.path, span)

    def _sidecar(self, s: spec.Sidecar, loc: Loc) -> ir.Sidecar:
        env = [self._literal_env(name, value, (*loc, "env", name)) for name, value in s.env.items()]
        return ir.Sidecar(s.name, s.image, tuple(s.command), tuple(s.args), tuple(env), s.privileged,
                          self.doc.span(loc), self.doc.span((*loc, "image")))

    def _literal_env(self, name: str, value: spec.EnvValue, loc: Loc) -> ir.EnvVar:
        """Sidecar env: text and secrets only (a `~{` in it is reported as out of place)."""
        span = self.doc.key_span(loc)
        if isinstance(value, spec.SecretKeyRef):
            return ir.EnvVar(name, ir.SecretRef(value.secret, value.key, self.doc.span(loc)), span)
        return ir.EnvVar(name, ir.literal(self._as_written(value, loc), self.doc.span(loc)), span)

    def _security(self, s: spec.SecurityContext | None, loc: Loc) -> ir.SecurityContext | None:
        if s is None:
            return None
        return ir.SecurityContext(s.run_as_user, s.run_as_group, s.seccomp, self.doc.span(loc))

    def _resources(self, t: spec.Task, loc: Loc) -> ir.Resources | None:
        res = t.kubernetes.resources if t.kubernetes else None
        if res is None:
            return None
        return ir.Resources(
            tuple((k, self._as_written(v, (*loc, "requests", k))) for k, v in res.requests.items()),
            tuple((k, self._as_written(v, (*loc, "limits", k))) for k, v in res.limits.items()), self.doc.span(loc))

    def seconds(self, value: int | str | None, loc: Loc) -> int | None:
        if value is None:
            return None
        if isinstance(value, str):
            m = _DURATION.fullmatch(value.strip())
            h, mins, sec = (int(g) if g else 0 for g in m.groups()) if m else (0, 0, 0)
            value = h * 3600 + mins * 60 + sec
        if not 0 < value <= MAX_SECONDS:
            self.report(rules.WRONG_TYPE, loc, f"a duration must be between 1 second and 30 days, not {value}s")
            return None
        return value

    def _retry(self, value: int | spec.Retries | None, loc: Loc) -> ir.Retry | None:
        if value is None:
            return None
        span = self.doc.span(loc)
        if isinstance(value, int):
            return ir.Retry(value, None, span)
        backoff = None
        if value.backoff is not None:
            b = value.backoff
            duration = self.seconds(b.duration, (*loc, "backoff", "duration")) or 0
            cap = self.seconds(b.max_duration, (*loc, "backoff", "maxDuration"))
            if cap is not None and cap < duration:
                self.report(rules.WRONG_TYPE, (*loc, "backoff", "maxDuration"),
                            "maxDuration is shorter than the first backoff duration")
            backoff = ir.Backoff(duration, b.factor, cap)
        return ir.Retry(value.limit, backoff, span)

    def _plain_int(self, loc: Loc, value: int) -> bool:
        """Whether an int was written as itself (`10`), not as `010` or `0x10`, which stay text."""
        return self.doc.source_text(loc) in (None, str(value))

    def _matrix(self, m: spec.Matrix | None, loc: Loc) -> ir.Matrix | None:
        if m is None:
            return None
        axes = tuple(self._axis(name, values, (*loc, "axes", name)) for name, values in m.axes.items())
        return ir.Matrix(axes, m.max_parallel, self.doc.span(loc))

    def _axis(self, name: str, values: list[str | int | bool] | str, loc: Loc) -> ir.MatrixAxis:
        span = self.doc.key_span(loc)
        if isinstance(values, list):
            written = tuple(v if isinstance(v, bool) or not isinstance(v, int) or self._plain_int((*loc, i), v)
                            else self._as_written(v, (*loc, i)) for i, v in enumerate(values))
            return ir.MatrixAxis(name, written, span)
        pieces = self._scan(values, loc)
        if len(pieces) == 1 and isinstance(pieces[0], expr.RawRef):
            ref = resolve(self.scope, pieces[0], self.doc.offset_span(loc, pieces[0].start,
                                                                       pieces[0].end - pieces[0].start))
            if isinstance(ref, ir.ParamRef) and ref.type is ir.ParamType.ARRAY:
                return ir.MatrixAxis(name, ref, span)
            if ref is None:
                return ir.MatrixAxis(name, (), span)
        self.report(rules.TYPE_MISMATCH, loc, f"matrix axis '{name}' needs a list of values or an "
                    "array param", "write `[a, b]` or `~{ params.NAME }` with a param of type array")
        return ir.MatrixAxis(name, (), span)

