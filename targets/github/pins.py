"""The one table of third-party actions the GitHub backend uses, pinned to full commit SHAs.

A tag can be moved; a commit cannot, so every `uses:` names the commit and the release tag only as
a comment (zizmor's unpinned-uses). Each SHA is the commit the tag points to, read from the
action's own repository (`git show-ref --tags`); update both columns together.
"""

from __future__ import annotations

from typing import NamedTuple

from ..yamlout import Commented


class Pin(NamedTuple):
    sha: str  # the full 40-hex commit of the release tag
    version: str  # the tag, written as the end-of-line comment


PINS: dict[str, Pin] = {
    # node24 actions: need runner >= 2.327.1 on self-hosted runners
    "actions/checkout": Pin("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/upload-artifact": Pin("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": Pin("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "actions/cache/restore": Pin("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "actions/cache/save": Pin("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "actions/github-script": Pin("ed597411d8f924073f98dfc5c65a23a2325f34cd", "v8.0.0"),
}


def uses(action: str) -> Commented:
    """`owner/repo[/path]@<sha> # <tag>` for a `uses:` key."""
    pin = PINS[action]
    return Commented(f"{action}@{pin.sha}", pin.version)
