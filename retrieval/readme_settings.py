"""python -m retrieval.readme_settings: rewrite the README's settings table from the Settings object."""

from __future__ import annotations

from retrieval.settings import PROJECT_ROOT, settings_table

START, END = "<!-- settings-table:start -->", "<!-- settings-table:end -->"

readme = PROJECT_ROOT / "README.md"
text = readme.read_text(encoding="utf-8")
head, rest = text.split(START, 1)
_, tail = rest.split(END, 1)
readme.write_text(f"{head}{START}\n{settings_table()}\n{END}{tail}", encoding="utf-8")
