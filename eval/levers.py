"""Issue 9's levers measured one by one: each on top of the pre-issue behaviour, and each taken out of the
shipped configuration, on the dev set, the held-out set and CMRC 2018.

Search runs once per (question, search levers); answers are drawn from the same hits for every answer lever,
exactly as KnowledgeBase.ask draws them (top_k passages, the catalog's chunks for structural answers).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from eval.answer_eval import MARKER
from eval.datasets import QAItem, contains_any
from eval.metrics import first_hit_only, mean, mrr_at_k, precision_recall_f1, recall_at_k
from eval.tables import fmt, markdown_table
from retrieval.answer import LOW_CONFIDENCE, Draft, ExtractiveAnswerer, answer_probability, refused_outright
from retrieval.kb import KnowledgeBase
from retrieval.refusal import RefusalModel
from retrieval.search import SearchOptions
from retrieval.settings import Settings
from retrieval.types import Answer, Hit

ANSWER_MAX_CHARS = 300  # "answer right": found, at most this long, and containing the gold answer
_SEARCH_FIELDS = (
    "cilin_weight",
    "cilin_stand_in",
    "abbreviations",
    "bigram_weight",
    "static_weight",
    "title_boost",
    "named_boost",
    "heading_boost",
    "type_boost",
    "list_boost",
    "phrase_boost",
    "definition_boost",
    "implied_weight",
    "story_floor",
    "dense_weight",
)
# The pre-issue behaviour: every lever off.
BEFORE: dict[str, object] = {
    "cilin_weight": 0.0,
    "cilin_stand_in": 0.0,
    "unseen_noun_weight": 1.0,
    "abbreviations": False,
    "bigram_weight": 0.0,
    "static_weight": 0.0,
    "title_boost": 0.0,
    "heading_boost": 0.0,
    "named_boost": 0.0,
    "named_answer_bonus": 0.0,
    "type_boost": 0.0,
    "list_boost": 0.0,
    "phrase_boost": 0.0,
    "definition_boost": 0.0,
    "implied_weight": 0.0,
    "story_floor": 1.0,
    "answer_typing": False,
    "sentence_bigram_weight": 0.0,
    "answer_value_clause_weight": 0.0,
    "structured_answers": False,
    "clause_answers": False,
    "calibrated_refusal": False,
}


@dataclass(frozen=True)
class Lever:
    name: str
    on: dict[str, object]  # the settings that turn it on (its shipped values, or the tried values)


def levers(shipped: Settings) -> list[Lever]:
    """Each lever with the value it ships at (or the tried value when it ships off)."""
    tried = {
        "bigram_weight": 0.3,
        "static_weight": 0.2,
        "title_boost": 0.2,
        "heading_boost": 0.2,
        "type_boost": 0.3,
        "phrase_boost": 0.3,
        "definition_boost": 0.3,
        "implied_weight": 0.3,
    }

    def value(name: str) -> object:
        current = getattr(shipped, name)
        return current if current else tried.get(name, True)

    return [
        Lever("词林 synonyms", {"cilin_weight": value("cilin_weight") or 0.3}),
        Lever("词林 stand-ins for words the library never uses", {"cilin_stand_in": value("cilin_stand_in")}),
        Lever("unseen nouns weigh half", {"unseen_noun_weight": value("unseen_noun_weight")}),
        Lever("abbreviations spelled out", {"abbreviations": True}),
        Lever("char-bigram leg", {"bigram_weight": value("bigram_weight")}),
        Lever("static-vector leg", {"static_weight": value("static_weight")}),
        Lever("title/heading boosts", {"title_boost": value("title_boost"), "heading_boost": value("heading_boost")}),
        Lever(
            "documents the question names (个保法, 二十大报告)",
            {"named_boost": value("named_boost"), "named_answer_bonus": value("named_answer_bonus")},
        ),
        Lever(
            "the document most best passages come from, searched without its topic words",
            {"implied_weight": value("implied_weight")},
        ),
        Lever("everyday story words weigh less (觉得, 一天)", {"story_floor": value("story_floor")}),
        Lever("answer typing (with units)", {"answer_typing": True}),
        Lever("passages of the asked type", {"type_boost": value("type_boost")}),
        Lever("passages listing what a list question asks", {"list_boost": value("list_boost")}),
        Lever("passages saying the question word for word", {"phrase_boost": value("phrase_boost")}),
        Lever("definitions of the term asked (“消防设施”包括哪些)", {"definition_boost": value("definition_boost")}),
        Lever("answer sentences by shared bigrams", {"sentence_bigram_weight": value("sentence_bigram_weight")}),
        Lever(
            "typed sentences by the clause holding the value",
            {"answer_value_clause_weight": value("answer_value_clause_weight")},
        ),
        Lever("structure-aware answers", {"structured_answers": True}),
        Lever("clause answers", {"clause_answers": True}),
        Lever("calibrated refusal", {"calibrated_refusal": True}),
    ]


@dataclass(frozen=True)
class RunScores:
    r1: float
    r5: float
    mrr10: float
    answer_right: float | None
    refusal_f1: float | None
    false_refusal: float | None
    ms_per_query: float


def options_for(settings: Settings) -> SearchOptions:
    return SearchOptions.from_settings(settings)


def answer_right(item: QAItem, answer: Answer) -> bool:
    text = strip_markers(answer.text)
    golds = item.answers or item.evidences
    return answer.found and len(text) <= ANSWER_MAX_CHARS and contains_any(text, golds)


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


class LeverRunner:
    """Search and answers of one index under settings overrides, with search results cached per config."""

    def __init__(self, kb: KnowledgeBase, sources: dict[str, str] | None = None):
        self.kb = kb
        self.sources = sources or {d.doc_id: d.source.rsplit("/", 1)[-1] for d in kb.documents()}
        self._hits: dict[tuple, tuple[list[list[Hit]], float]] = {}

    def settings(self, overrides: dict[str, object]) -> Settings:
        return self.kb.settings.model_copy(update=overrides)

    def hits(self, items: Sequence[QAItem], settings: Settings) -> tuple[list[list[Hit]], float]:
        key = (id(items), tuple(getattr(settings, f) for f in _SEARCH_FIELDS))
        if key not in self._hits:
            options = options_for(settings)
            started = time.perf_counter()
            found = [self.kb.search(item.question, 10, options=options) for item in items]
            self._hits[key] = (found, (time.perf_counter() - started) * 1000 / max(len(items), 1))
        return self._hits[key]

    def answerer(self, settings: Settings, model: RefusalModel | None) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(self.kb.tokenizer, settings, self.kb.thesaurus, self.kb.cilin, model)

    def draft(
        self, answerer: ExtractiveAnswerer, question: str, hits: Sequence[Hit], doc_ids: Sequence[str] | None = None
    ) -> Draft:
        """The draft answer as `KnowledgeBase.retrieve` makes it, from these hits."""
        kb = self.kb
        missing = kb.searcher.missing_documents(question) if not doc_ids else []
        outline = partial(kb.outline, doc_ids)
        catalog = kb.catalog
        return answerer.draft(question, hits, kb.index.lexical(), catalog.chunks_of, missing, outline, catalog.opening)

    def drafts(
        self, items: Sequence[QAItem], settings: Settings, model: RefusalModel | None = None
    ) -> tuple[list[Draft], list[list[Hit]], float]:
        hits, search_ms = self.hits(items, settings)
        answerer = self.answerer(settings, model)  # with a model, drafts go down to the lower coverage floor
        top = settings.top_k
        started = time.perf_counter()
        drafts = [self.draft(answerer, i.question, h[:top]) for i, h in zip(items, hits)]
        ms = search_ms + (time.perf_counter() - started) * 1000 / max(len(items), 1)
        return drafts, hits, ms

    def run(self, items: Sequence[QAItem], overrides: dict[str, object], model: RefusalModel | None) -> RunScores:
        settings = self.settings(overrides)
        drafts, hits, ms = self.drafts(items, settings, model)
        started = time.perf_counter()
        answerer = self.answerer(settings, model)
        answers = [answerer.decide(d) for d in drafts]
        ms += (time.perf_counter() - started) * 1000 / max(len(items), 1)
        return self.score(items, hits, answers, ms)

    def relevant(self, item: QAItem, hits: list[Hit]) -> list[bool]:
        return [
            (not item.strict_doc or self.sources.get(h.chunk.doc_id) == item.doc)
            and contains_any(h.chunk.text, item.evidences)
            for h in hits
        ]

    def score(self, items: Sequence[QAItem], hits: list[list[Hit]], answers: list[Answer], ms: float) -> RunScores:
        answerable = [(i, h, a) for i, h, a in zip(items, hits, answers) if i.answerable]
        ranks = [first_hit_only(self.relevant(i, h)) for i, h, _ in answerable]
        refusal_f1 = false_refusal = None
        if any(not i.answerable for i in items):
            _, _, refusal_f1 = precision_recall_f1([not a.found for a in answers], [not i.answerable for i in items])
            false_refusal = mean([not a.found for _, _, a in answerable])
        return RunScores(
            r1=mean([recall_at_k(r, 1) for r in ranks]),
            r5=mean([recall_at_k(r, 5) for r in ranks]),
            mrr10=mean([mrr_at_k(r, 10) for r in ranks]),
            answer_right=mean([answer_right(i, a) for i, _, a in answerable]) if answerable else None,
            refusal_f1=refusal_f1,
            false_refusal=false_refusal,
            ms_per_query=ms,
        )


@dataclass(frozen=True)
class WithheldScores:
    """Answerable questions asked with the document that answers them withheld (searched among the others): on-topic
    questions the library can no longer answer, several times as many as the hand-written unanswerable ones, and
    never seen by the refusal model's fit. Questions whose evidence another document also holds are left out."""

    questions: int
    refused: float  # share refused, as they should all be
    doubtful: float  # share answered with the 仅供参考 notice


def withheld_scores(
    runner: LeverRunner, items: Sequence[QAItem], overrides: dict[str, object], model: RefusalModel | None
) -> WithheldScores:
    settings = runner.settings(overrides)
    answerer = runner.answerer(settings, model)
    options = options_for(settings)
    answers = []
    for item in items:
        if not item.answerable or not item.doc:
            continue
        others = [doc_id for doc_id, source in runner.sources.items() if source != item.doc]
        hits = runner.kb.search(item.question, 10, doc_ids=others, options=options)
        if any(contains_any(h.chunk.text, item.evidences) for h in hits):
            continue
        answers.append(answerer.decide(runner.draft(answerer, item.question, hits[: settings.top_k], others)))
    return WithheldScores(
        len(answers),
        mean([not a.found for a in answers]),
        mean([a.found and LOW_CONFIDENCE in a.notices for a in answers]),
    )


# The target is ≤ 5 % false refusals; the threshold is picked on the fitted sets with room to spare, since a
# threshold fitted to a few hundred answerable questions moves on new ones (the coverage floor alone refuses some).
MAX_FALSE_REFUSALS = 0.04


def fit_refusal(
    runner: LeverRunner,
    items: Sequence[QAItem],
    overrides: dict[str, object],
    general: tuple[LeverRunner, Sequence[QAItem]] | None = None,
) -> RefusalModel:
    """Fit the refusal model on these items (the sets read and tuned on): label = the library answers the question,
    with the threshold `refusal_threshold` picks (checked also on `general`'s answerable questions when given)."""
    settings = runner.settings({**overrides, "calibrated_refusal": True})
    drafts = _floor_drafts(runner, items, settings)
    # evidence refused outright never reaches the model
    fitted = [
        (d.evidence, i.answerable) for i, d in zip(items, drafts) if d.evidence and not refused_outright(d.evidence)
    ]
    model = RefusalModel.fit([e for e, _ in fitted], [y for _, y in fitted])
    general_drafts = _floor_drafts(general[0], general[1], settings) if general else []
    threshold = refusal_threshold(
        _probabilities(model, drafts), [i.answerable for i in items], _probabilities(model, general_drafts)
    )
    return replace(model, threshold=threshold)


def refusal_threshold(
    probabilities: Sequence[float | None], answerable: Sequence[bool], general: Sequence[float | None] = ()
) -> float:
    """The threshold with the best refusal F1 that keeps false refusals of answerable questions (None: refused
    before the model) at or below MAX_FALSE_REFUSALS — on the fit sets and on `general`, answerable questions
    of another kind over their own library (CMRC 2018). The fit sets hold few plainly worded answerable
    questions, so without them a threshold could land just above a cluster of such answers (session 23: 0.64
    refused 6 % of CMRC's answers that 0.63 kept)."""
    best = (-1.0, 0.0)
    for threshold in [t / 100 for t in range(5, 96)]:
        refused = [p is None or p < threshold for p in probabilities]
        false_refusals = mean([r for r, a in zip(refused, answerable) if a])
        general_false = mean([p is None or p < threshold for p in general]) if general else 0.0
        f1 = precision_recall_f1(refused, [not a for a in answerable])[2]
        if max(false_refusals, general_false) <= MAX_FALSE_REFUSALS and f1 > best[0]:
            best = (f1, threshold)
    return best[1]


def _floor_drafts(runner: LeverRunner, items: Sequence[QAItem], settings: Settings) -> list[Draft]:
    """Drafts down to the lower coverage floor, as a calibrated answerer draws them."""
    answerer = runner.answerer(settings, RefusalModel((0.0,), 0.0, (0.0,), (1.0,), ("coverage",)))
    hits, _ = runner.hits(items, settings)
    return [runner.draft(answerer, i.question, h[: settings.top_k]) for i, h in zip(items, hits)]


def _probabilities(model: RefusalModel, drafts: Sequence[Draft]) -> list[float | None]:
    """What the answerer would weigh each draft at (None: no answer drafted; 1: a structural answer)."""
    return [
        None if not d.answer.found else 1.0 if d.evidence is None else answer_probability(model, d.evidence)
        for d in drafts
    ]


LEVER_HEADERS = ["configuration", "set", "R@1", "R@5", "MRR@10", "answer right", "refusal F1", "false refusals", "ms/q"]


def lever_rows(name: str, results: dict[str, RunScores]) -> list[list[str]]:
    return [
        [
            name,
            dataset,
            fmt(s.r1),
            fmt(s.r5),
            fmt(s.mrr10),
            fmt(s.answer_right),
            fmt(s.refusal_f1),
            fmt(s.false_refusal),
            f"{s.ms_per_query:.1f}",
        ]
        for dataset, s in results.items()
    ]


def lever_table(rows: list[list[str]]) -> str:
    return markdown_table(LEVER_HEADERS, rows)


# -- the command ----------------------------------------------------------------------------------------------
def parse_overrides(text: str) -> dict[str, object]:
    """“bigram_weight=0.3,answer_typing=false” → settings overrides."""
    found: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        lowered = value.strip().lower()
        found[name.strip()] = lowered == "true" if lowered in ("true", "false") else float(value)
    return found


def configurations(shipped: Settings, mode: str) -> list[tuple[str, dict[str, object]]]:
    """(name, overrides): before, before + each lever, shipped, shipped − each lever (mode picks a subset)."""
    chosen = levers(shipped)
    configs: list[tuple[str, dict[str, object]]] = [("before (all levers off)", dict(BEFORE))]
    if mode in ("all", "add"):
        configs += [(f"before + {lever.name}", {**BEFORE, **lever.on}) for lever in chosen]
    configs.append(("shipped (levers kept)", {}))
    if mode in ("all", "remove"):
        configs += [(f"shipped − {lever.name}", {k: BEFORE[k] for k in lever.on}) for lever in chosen]
    return configs
