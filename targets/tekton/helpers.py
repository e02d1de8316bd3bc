"""The small steps shipspec adds around a task's own (trim-results, a list as JSON, pipeline.status),
and the one image they run in.

Never the task's image: kaniko, distroless and other images built to run one binary have no
`/bin/sh`, and the helper scripts need only a POSIX sh. Each helper step runs with the task's
securityContext, as the same user as the task's step, so it can read and rewrite the files that
step wrote (`/tekton/results`); without one it runs as busybox's root, which can do both
whichever user wrote them.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

HELPER_IMAGE = "mirror.gcr.io/busybox@sha256:2f9af5cf39068ec3a9e124feceaa11910c511e23a1670dcfdff0bc16793545fb"
"""busybox:stable-musl (Docker's official image, as Google's Docker Hub mirror serves it), the
multi-arch manifest list: the very image Tekton's own e2e tests run for every architecture
(tektoncd/pipeline test/multiarch_utils.go, commits 78f5c8071 "update busybox image to point to
latest stable-musl" and b03f7e4cd "Migrate tests images out of dockerhub"). Pinned by digest so a
run never changes under a re-tag; mirror it and change this one line for an air-gapped cluster."""


def helper_step(name: str, args: list[str], script: str, security: Doc | None,
                results: tuple[str, ...] = ()) -> Doc:
    """A step in HELPER_IMAGE: its arguments, the task's security context, the script, and the
    step results it writes (keys in the Go field order of Step)."""
    step: Doc = {"name": name, "image": HELPER_IMAGE, "args": args}
    if security:
        step["securityContext"] = security
    step["script"] = script
    if results:
        step["results"] = [{"name": r} for r in results]
    return step
