"""The generated layer says it is generated, and carries no explanation copied from a template."""

from __future__ import annotations

from collections import Counter

from tests.support.spec import REPO_ROOT

GENERATED = REPO_ROOT / "talon_async" / "_generated"
FILES = sorted(GENERATED.rglob("*.py"))


def test_every_generated_file_starts_with_the_generated_marker() -> None:
    """Each file under talon_async/_generated opens with the standard ``@generated`` banner."""
    unmarked = [str(p) for p in FILES if not p.read_text().startswith("# @generated ")]
    assert FILES
    assert unmarked == []


def test_gitattributes_marks_the_generated_tree() -> None:
    """.gitattributes tells code hosts (diffs, language statistics) the tree is generated."""
    lines = (REPO_ROOT / ".gitattributes").read_text().splitlines()
    assert "talon_async/_generated/** linguist-generated=true" in lines


def test_template_explanations_are_not_copied_into_generated_files() -> None:
    """No comment line other than the banner repeats across generated files: templates explain in Jinja."""
    counts: Counter[str] = Counter()
    for path in FILES:
        lines = path.read_text().splitlines()
        counts.update({line.strip() for line in lines[2:] if line.strip().startswith("#")})
    repeated = {line: n for line, n in counts.items() if n > 1 and not line.startswith("# type:")}
    assert repeated == {}
