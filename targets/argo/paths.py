"""A push's path filter as a Sensor `script` filter: Lua over the payload's changed files.

Argo Events runs a dependency's `filters.script` with gopher-lua (Lua 5.1) and the event data as
the global table `event` (pkg/sensors/dependencies/filter.go `filterScript`; JSON lists become
1-based tables, transform.go `mapToTable`); the event passes when the script returns `true`, and
the script is ANDed with the data filters. A push's payload lists its commits with the files each
`added`, `modified` and `removed` (GitHub's push webhook; GitLab's push event likewise). GitHub's
meaning of the filters is kept: a file counts when the last `paths` pattern it matches is not a
`!pattern` (every file with no `paths`) and no `paths-ignore` pattern matches it; the run starts when
one file counts. Path filters do not apply to tag pushes, as on GitHub.

What the payload cannot say starts the run rather than drop it: a push with no commit listed (a new
branch at a known commit), or one whose payload lists fewer commits than it has (GitLab lists 20 of
`total_commits_count`). The globs are the spec's, as Lua patterns in Lua string literals
(`lua_string`); no event value is ever part of the script's text.
"""

from __future__ import annotations

from ...compiler import ir

_MAGIC = set("^$()%.[]*+-?")

_BODY = """\
local function wanted(path)
  local keep = #include == 0
  for _, rule in ipairs(include) do
    if string.find(path, rule[1]) then keep = rule[2] end
  end
  if not keep then return false end
  for _, pattern in ipairs(ignore) do
    if string.find(path, pattern) then return false end
  end
  return true
end
local body = event.body
if string.sub(body.ref or "", 1, 10) == "refs/tags/" then return true end
local commits = body.commits or {}
if #commits == 0 or (body.total_commits_count or #commits) > #commits then return true end
for _, commit in ipairs(commits) do
  for _, key in ipairs({"added", "modified", "removed"}) do
    for _, path in ipairs(commit[key] or {}) do
      if wanted(path) then return true end
    end
  end
end
return false
"""


def script(paths: tuple[str, ...], paths_ignore: tuple[str, ...]) -> str:
    """The Lua filter of a push trigger's `paths` and `paths-ignore`."""
    include = "".join(f"  {{{lua_string(lua_pattern(g.removeprefix('!')))}, {str(not g.startswith('!')).lower()}}},\n"
                      for g in paths)
    ignore = "".join(f"  {lua_string(lua_pattern(g))},\n" for g in paths_ignore)
    return f"local include = {{\n{include}}}\nlocal ignore = {{\n{ignore}}}\n{_BODY}"


def lua_pattern(glob: str) -> str:
    """A filter glob as an anchored Lua pattern, with `ir.glob_regex`'s meaning: `**` any text,
    `*` and `?` within one path segment, `[…]` a set; every other character literal."""
    words = {"any": ".*", "segment": "[^/]*", "char": "[^/]"}
    out = [words.get(kind) or ("[" + text.replace("%", "%%") + "]" if kind == "set"
                               else "%" + text if text in _MAGIC else text)
           for kind, text in ir.glob_parts(glob)]
    return "^" + "".join(out) + "$"


def lua_string(text: str) -> str:
    """A double-quoted Lua 5.1 string literal of `text`: `\\`, `"` and control characters escaped
    (`\\ddd`), so the text cannot end the string or the line."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):03d}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
