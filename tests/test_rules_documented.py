"""Every rule is exercised by a case whose expected output names it (actionlint's check-checks)."""

from __future__ import annotations

from pathlib import Path

from shipspec.compiler import rules
from shipspec.compiler.diagnostics import Rule

ROOT = Path(__file__).resolve().parent.parent


def _all_rules() -> list[Rule]:
    return [v for v in vars(rules).values() if isinstance(v, Rule)]


def test_codes_are_unique_and_well_formed() -> None:
    codes = [r.code for r in _all_rules()]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 5 and c.startswith("SS") and c[2:].isdigit() for c in codes)
    names = [r.name for r in _all_rules()]
    assert len(names) == len(set(names))


def test_every_rule_has_an_expected_output_case() -> None:
    outputs = "".join(p.read_text() for p in (ROOT / "golden_tests").rglob("*.out"))
    missing = [f"{r.code} {r.name}" for r in _all_rules() if f"[{r.code}]" not in outputs]
    assert not missing, f"rules with no case in golden_tests/: {missing}"


def test_rules_page_lists_every_rule_with_an_example(update_goldens: bool) -> None:
    """docs/rules.md ends with a table generated from rules.py; `--update-goldens` rewrites it."""
    page = ROOT / "docs" / "rules.md"
    text = page.read_text()
    expected = text[: text.index("| code |")] + _table()
    if update_goldens:
        page.write_text(expected)
        return
    assert text == expected


def _table() -> str:
    outputs = {p: p.read_text() for p in sorted((ROOT / "golden_tests").rglob("*.out"))}
    rows = ["| code | name | what it means | example |", "|---|---|---|---|"]
    for r in _all_rules():
        example = next((p for p, text in outputs.items() if f"[{r.code}]" in text), None)
        link = f"[{example.parent.name}/{example.name}](../{example.relative_to(ROOT).as_posix()})" if example else ""
        rows.append(f"| `{r.code}` | {r.name} | {r.summary} | {link} |")
    return "\n".join(rows) + "\n"


def test_readme_lists_every_run_field_with_its_meaning() -> None:
    from shipspec.compiler import ir

    readme = (ROOT / "README.md").read_text()
    for field, (meaning, _) in ir.RUN_FIELDS.items():
        assert f"| `run.{field.value}` | {meaning} |" in readme, field
    assert set(ir.RUN_FIELDS) == set(ir.RunField)
