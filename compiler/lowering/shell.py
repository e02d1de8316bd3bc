"""Shell text that holds references: a task's `run` script and the script of `sh -c` in its argv.

Each reference becomes `${VAR}` of an env var the task declares, so a value is never parsed as
shell; the rewritten script keeps anchors back to the spec (`ir.Task.script_span`). A reference
in the code of another interpreter (`python -c`) has no such rewrite and is refused (SS403).
"""

from __future__ import annotations

from .. import argv, expr, ir, rules, scripts, spec
from ..diagnostics import Span, warning
from ..refs import did_you_mean, resolve
from .context import Context
from .site import Site


def script(ctx: Context, run: str, site: Site, env: list[ir.EnvVar]) -> tuple[str, tuple[ir.ScriptAnchor, ...]]:
    """The `run` script with each reference replaced by its env var, and its anchors."""
    if shebang := scripts.foreign_shebang(run):
        ctx.report(rules.WRONG_TYPE, site, f"`run` is a POSIX sh script on every engine; '{shebang}' "
                   "would be honoured by some and ignored by others",
                   "drop the #! line, or run the interpreter: `command: [python3, -c, ...]`")
    pieces = ctx.scan(run, site)
    out = shell_text(ctx, pieces, run, site, env)
    return out, _anchors(run, pieces, out, site)


def shell_text(ctx: Context, pieces: list[expr.Piece], text: str, site: Site, env: list[ir.EnvVar]) -> str:
    """Shell text with each reference replaced by `${VAR}` of an env var declared in `env`."""
    quoted = scripts.single_quoted(text)
    out: list[str] = []
    declared = {e.name: e for e in env}
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        span = site.offset(piece.start, piece.end - piece.start)
        if piece.path[0] == "sidecars":
            out.append(_sidecar_host(ctx, piece, span))
            continue
        ref = resolve(ctx.scope, piece, span)
        if ref is None:
            continue
        if any(a <= piece.start < b for a, b in quoted):
            ctx.scope.diagnostics.append(warning(
                rules.REFERENCE_IN_SINGLE_QUOTES, span, f"'~{{ {piece.text} }}' is inside single quotes, "
                "where the shell does not expand the variable that carries it", "use double quotes"))
        name = ir.env_name(ref)
        template = ir.Template((ref,), span)
        ctx.check_scalar_use(template, allow_list=False, in_script=True)
        _declare(ctx, env, declared, ir.EnvVar(name, template, span))
        out.append("${" + name + "}")
    return "".join(out)


def _anchors(run: str, pieces: list[expr.Piece], out: str, site: Site) -> tuple[ir.ScriptAnchor, ...]:
    """Walk the written text and the rewritten one side by side; anchor every place where their
    offsets part (a reference, a `~~{`) and every line start."""
    anchors = [ir.ScriptAnchor(0, site.offset(0, 0))]
    src = dst = 0
    for piece in pieces:
        if isinstance(piece, expr.RawRef):
            dst = out.find("}", dst) + 1 if out.startswith("${", dst) else dst
            src = piece.end
            anchors.append(ir.ScriptAnchor(dst, site.offset(src, 0)))
            continue
        for ch in piece:
            if run.startswith(expr.ESCAPED_OPEN, src) and ch == "~":
                src += 1  # `~~{` became `~{`
                anchors.append(ir.ScriptAnchor(dst, site.offset(src, 0)))
            src += 1
            dst += 1
            if ch == "\n":
                anchors.append(ir.ScriptAnchor(dst, site.offset(src, 0)))
    return tuple(anchors)


def argv_templates(ctx: Context, t: spec.Task | spec.Step, site: Site,
                   env: list[ir.EnvVar]) -> tuple[tuple[ir.Template, ...], tuple[ir.Template, ...]]:
    """command and args; the script of `sh -c` is rewritten as a `run` script is, so a value is
    never parsed as shell, and a reference in another interpreter's code is refused."""
    words = [(text, site / "command" / i) for i, text in enumerate(t.command)]
    words += [(text, site / "args" / i) for i, text in enumerate(t.args)]
    code = argv.find_code([_literal_text(text) for text, _ in words])
    items = []
    for i, (text, where) in enumerate(words):
        if code is not None and i == code.index:
            items.append(_code(ctx, code, text, where, env))
        else:
            items.append(ctx.template(text, where))
    _argv_env_names(ctx, tuple(items))
    return tuple(items[:len(t.command)]), tuple(items[len(t.command):])


def _code(ctx: Context, code: argv.Code, text: str, site: Site, env: list[ir.EnvVar]) -> ir.Template:
    pieces = ctx.scan(text, site)
    if code.shell:
        return ir.literal(shell_text(ctx, pieces, text, site, env), site.span)
    for piece in pieces:
        if isinstance(piece, expr.RawRef):
            ctx.scope.report(rules.REFERENCE_IN_CODE, site.offset(piece.start, piece.end - piece.start),
                             f"'~{{ {piece.text} }}' would be spliced into the code that {code.program} "
                             "parses, so a value could run as code",
                             f"pass it in env (`env: {{VALUE: '~{{ {piece.text} }}'}}`) and read the "
                             f"variable VALUE in the {code.program} code")
    return ctx.template(text, site)


def _literal_text(text: str) -> str | None:
    """The text of an argv item without references, None when it has one (or does not scan)."""
    try:
        pieces = expr.scan(text)
    except expr.ExprError:
        return None
    return "".join(p for p in pieces if isinstance(p, str)) if all(isinstance(p, str) for p in pieces) else None


def _argv_env_names(ctx: Context, argv_items: tuple[ir.Template, ...]) -> None:
    """A backend may carry argv references in env vars too (GitHub): their names must not clash."""
    seen: dict[str, ir.Ref] = {}
    for ref in (r for t in argv_items for r in t.refs):
        first = seen.setdefault(ir.env_name(ref), ref)
        if first != ref:
            ctx.scope.report(rules.DUPLICATE_NAME, ref.span,
                             f"'{ir.ref_text(ref)}' and '{ir.ref_text(first)}' both need the env var "
                             f"{ir.env_name(ref)}", "rename one of the two names")


def _declare(ctx: Context, env: list[ir.EnvVar], declared: dict[str, ir.EnvVar], var: ir.EnvVar) -> None:
    """Add the env var that carries a reference, unless the same reference is there already;
    two references whose names map to one env var are an error, not a silent merge."""
    first = declared.get(var.name)
    if first is None:
        env.append(var)
        declared[var.name] = var
    elif first.value != var.value:
        what = "your own env var" if not isinstance(first.value, ir.Template) or not first.value.refs \
            or first.value.single_ref is None else f"'{ir.ref_text(first.value.single_ref)}'"
        ctx.scope.report(rules.DUPLICATE_NAME, var.span, f"this reference needs the env var {var.name}, "
                         f"which {what} already uses", "rename one of the two names")


def _sidecar_host(ctx: Context, piece: expr.RawRef, span: Span) -> str:
    """`~{ sidecars.NAME.host }`: an env var every backend sets, so a script reaches the sidecar."""
    names = ctx.sidecars
    if len(piece.path) != 3 or piece.path[2] != "host":
        ctx.scope.report(rules.UNKNOWN_REFERENCE, span, f"'{piece.text}' is not a reference",
                         "write ~{ sidecars.NAME.host }")
    elif piece.path[1] not in names:
        ctx.scope.report(rules.UNKNOWN_REFERENCE, span, f"this task has no sidecar '{piece.path[1]}'",
                         did_you_mean(piece.path[1], names) or "declare it under `sidecars:`")
    else:
        return "${" + ir.Sidecar(piece.path[1], "").host_env + "}"
    return ""
