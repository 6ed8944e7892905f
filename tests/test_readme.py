"""The README's settings table is the Settings object's (regenerate with `python -m retrieval.readme_settings`)."""

from __future__ import annotations

from conftest import PROJECT

from retrieval.settings import settings_table

START, END = "<!-- settings-table:start -->", "<!-- settings-table:end -->"


def test_readme_settings_table_matches_the_code() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    table = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == settings_table()


def test_readme_screenshots_exist() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for name in ("ask", "quiz", "library"):
        assert f"docs/screenshots/{name}.png" in readme
        assert (PROJECT / "docs" / "screenshots" / f"{name}.png").stat().st_size > 10_000
