"""Every golden case and example compiles, per target, to exactly the checked-in bytes.

`pytest --update-goldens` rewrites the expected files instead; read the diff before committing.
"""

from __future__ import annotations

import pytest

import goldens


@pytest.mark.parametrize("case", goldens.cases(), ids=lambda c: c.name)
def test_golden(case: goldens.Case, update_goldens: bool) -> None:
    produced = goldens.actual(case)
    if update_goldens:
        _rewrite(case, produced)
        return
    expected = goldens.expected_files(case)
    assert sorted(produced) == sorted(expected), "files differ (run pytest --update-goldens)"
    for name, text in produced.items():
        assert text == expected[name], f"{case.name}/{name} differs (run pytest --update-goldens)"


def test_every_example_compiles_to_every_target() -> None:
    """No errors, and no warnings but approximations an engine announces."""
    for case in goldens.cases():
        if case.name.startswith("examples/"):
            produced = goldens.actual(case)
            assert {"argo.yaml", "tekton.yaml", "github.yaml"} <= set(produced), case.name
            outs = "".join(text for name, text in produced.items() if name.endswith(".out"))
            assert ": error:" not in outs, case.name
            # the only warnings an example may have: what an engine approximates (SS501), as the spec allows
            assert all(line.endswith("[SS501]") for line in outs.splitlines()), outs


def _rewrite(case: goldens.Case, produced: dict[str, str]) -> None:
    case.expected_dir.mkdir(parents=True, exist_ok=True)
    for old in [*case.expected_dir.glob("*.yaml"), *case.expected_dir.glob("*.out")]:
        if old.name != "spec.yaml" and old.name not in produced:
            old.unlink()
    for name, text in produced.items():
        (case.expected_dir / name).write_text(text)
