"""Example questions for a first-time member, chosen by which documents the library holds."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.catalog import DocumentRecord

# (a word of the document's title, a question that document answers); the first ones fit the bundled report.
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("政协系统党的建设", "政协党组如何发挥领导作用？"),
    ("政协系统党的建设", "如何加强政协委员的教育管理？"),
    ("政治协商会议章程", "中国人民政治协商会议全国委员会每届任期几年？"),
    ("信访工作条例", "信访事项应当在多长时间内办结？"),
    ("中国共产党章程", "党员有哪些权利？"),
    ("八项规定", "八项规定对精简会议活动有什么要求？"),
    ("公务员法", "公务员应当履行哪些义务？"),
)
MAX_EXAMPLES = 4


def example_questions(documents: Sequence[DocumentRecord], limit: int = MAX_EXAMPLES) -> list[str]:
    titles = [d.title for d in documents]
    chosen = [q for word, q in EXAMPLES if any(word in t for t in titles)]
    return chosen[:limit]
