"""Every diagnostic rule, one table. Codes are never reused; names describe the problem.

Families: SS0xx input, SS1xx graph, SS2xx data flow, SS3xx expressions, SS4xx security,
SS5xx target limits.
"""

from __future__ import annotations

from .diagnostics import Rule

YAML_SYNTAX = Rule("SS001", "invalid-yaml", "the file is not valid YAML, or not UTF-8")
DUPLICATE_KEY = Rule("SS002", "duplicate-key", "a mapping repeats a key")
UNSAFE_YAML = Rule("SS003", "unsafe-yaml", "the file uses tags, anchors or aliases, or is too large")
UNKNOWN_FIELD = Rule("SS010", "unknown-field", "a key the spec does not define")
MISSING_FIELD = Rule("SS011", "missing-field", "a required key is absent")
WRONG_TYPE = Rule("SS012", "wrong-type", "a value of the wrong type or form")
WRONG_HEADER = Rule("SS013", "wrong-api-version", "apiVersion or kind is not one this version reads")

DUPLICATE_NAME = Rule("SS101", "duplicate-name", "two things of one kind share a name")
INVALID_NAME = Rule("SS102", "invalid-name", "a name no engine accepts (DNS-1123, length)")
UNKNOWN_DEPENDENCY = Rule("SS103", "unknown-task-dependency", "depends names no task")
DEPENDENCY_CYCLE = Rule("SS104", "dependency-cycle", "tasks wait for each other")
FINALLY_DEPENDENCY = Rule("SS105", "finally-task-dependency", "a finally task waits for another")

UNKNOWN_REFERENCE = Rule("SS201", "unknown-reference", "a reference to a name that is not defined")
RESULT_NOT_UPSTREAM = Rule("SS202", "result-not-upstream", "a result or artifact read before it can exist")
UNUSED_PARAM = Rule("SS203", "unused-param", "a param nothing reads")
UNUSED_RESULT = Rule("SS204", "unused-result", "a task result nothing reads")
DUPLICATE_PRODUCER = Rule("SS205", "duplicate-artifact-producer", "two tasks produce one artifact")

EXPRESSION_SYNTAX = Rule("SS301", "invalid-expression", "an expression that does not parse")
TYPE_MISMATCH = Rule("SS302", "type-mismatch", "an expression compares or uses values of the wrong type")
EXPRESSION_NOT_ALLOWED = Rule("SS304", "expression-not-allowed", "a ~{ } expression in a field that takes only text")
STATUS_OUTSIDE_FINALLY = Rule("SS303", "status-outside-finally", "pipeline.status read outside finally")

REFERENCE_IN_SINGLE_QUOTES = Rule("SS402", "reference-in-single-quotes",
                                  "a reference in a script's single quotes, which the shell never expands")
SECRET_IN_LITERAL = Rule("SS401", "secret-in-literal", "a value that looks like an inlined secret")
REFERENCE_IN_CODE = Rule("SS403", "reference-in-code",
                         "a reference inside code another interpreter parses (python -c, node -e, ...)")
UNPINNED_IMAGE = Rule("SS404", "unpinned-image", "an image without a version tag or digest, or tagged latest")
UNPINNED_ACTION = Rule("SS405", "unpinned-action", "a GitHub action not pinned to a full commit SHA")

UNSUPPORTED_ON_TARGET = Rule("SS501", "unsupported-on-target", "the target cannot express a feature")
