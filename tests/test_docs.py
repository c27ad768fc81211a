"""The README stays short for the person who runs the app, and every page it points to exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")


def test_readme_is_under_200_lines():
    assert len((ROOT / "README.md").read_text().splitlines()) < 200


def test_every_relative_link_in_the_docs_names_a_file_that_exists():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = [
        f"{page.relative_to(ROOT)} → {target}"
        for page in pages
        for target in LINK.findall(page.read_text())
        if not (page.parent / target).exists()
    ]
    assert missing == []


def test_readme_says_how_to_run_test_configure_self_host_back_up_and_upgrade():
    headings = re.findall(r"^#+ (.+)$", (ROOT / "README.md").read_text(), re.MULTILINE)
    for needed in ("Testing", "Self-hosting", "Configuration", "Back up and upgrade", "Libraries"):
        assert any(needed in heading for heading in headings), needed
