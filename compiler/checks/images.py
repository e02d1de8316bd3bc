"""Images that are not pinned: no tag (Docker reads `latest`), or `latest` itself. Such a task runs
whatever the registry serves that day, and zizmor's unpinned-images refuses the GitHub workflow.
A version tag or a digest (`@sha256:…`) pins it."""

from __future__ import annotations

from collections.abc import Iterator

from .. import ir, rules
from ..diagnostics import Diagnostic, Span, warning

RULES = (rules.UNPINNED_IMAGE,)
ADVISORY = False


def check(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    for task in pipeline.all_tasks:
        if task.image:  # a checkout task has none (its backend's image is pinned)
            yield from _image(task.image, task.image_span, f"task '{task.name}'")
        for step in task.steps:
            if step.image and step.image != task.image:
                yield from _image(step.image, step.image_span, f"step '{step.name}'")
        for sidecar in task.sidecars:
            yield from _image(sidecar.image, sidecar.image_span, f"sidecar '{sidecar.name}'")


def _image(image: str, span: Span, owner: str) -> Iterator[Diagnostic]:
    tag = image_tag(image)
    if tag is None or tag == "latest":
        what = "has no tag, so it runs `latest`" if tag is None else "is tagged `latest`"
        yield warning(rules.UNPINNED_IMAGE, span, f"the image '{image}' of {owner} {what}, whatever the registry "
                      "serves on the day", "pin a version tag (alpine:3.20) or a digest (alpine@sha256:...)")


def image_tag(image: str) -> str | None:
    """The tag of an image reference; '' for one pinned by digest, None when it has none."""
    if "@" in image:
        return ""
    last = image.rsplit("/", 1)[-1]  # a registry's port (`host:5000/app`) is not a tag
    return last.rsplit(":", 1)[1] if ":" in last else None
