"""A question asked of chosen documents: when they hold no answer, or only a doubtful one, the whole library is
asked (app and API alike).

A member who narrowed the search wants the answer wherever it is; and a refusal logged then would tell organizers
the library lacks what it holds. The answer from outside the chosen documents is shown with OUTSIDE_FILTER and
logged with `outside_filter=True` (library.questions.QuestionLog.record).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass

from retrieval.answer import LOW_CONFIDENCE
from retrieval.types import Answer

OUTSIDE_FILTER = "所选文件中没有找到相关内容；在其他资料中找到了以下内容："
# An attempt: the question and the documents to search (None: all), yielding streamed text, returning the Answer.
Attempt = Callable[[str, Sequence[str] | None], Generator[str, None, Answer]]


@dataclass(frozen=True)
class ScopedAnswer:
    answer: Answer
    outside_filter: bool = False  # the chosen documents had no answer: this one is the whole library's


class Widening:
    """Yielded by stream_in_scope between its attempts: the chosen documents held no answer and the whole library
    is asked next; the text streamed so far is void."""

    def __repr__(self) -> str:
        return "WIDENING"


WIDENING = Widening()


def stream_in_scope(
    question: str, doc_ids: Sequence[str] | None, attempt: Attempt
) -> Generator[str | Widening, None, ScopedAnswer]:
    """Yields the attempts' streamed text (WIDENING before a second attempt); returns the answer to show."""
    answer = yield from attempt(question, doc_ids)
    if not doc_ids or (answer.found and not doubtful(answer)):
        return ScopedAnswer(answer)
    yield WIDENING
    whole = yield from attempt(question, None)
    # a refusal gives way to any answer; a doubtful answer only to one the library is sure of (“全国政协一届是几年”
    # asked of 宪法 found 全国人民代表大会每届任期五年, 仅供参考; the 政协章程 says 全国委员会每届任期五年)
    if whole.found and (not answer.found or not doubtful(whole)):
        return ScopedAnswer(whole, outside_filter=True)
    return ScopedAnswer(answer)


def doubtful(answer: Answer) -> bool:
    return LOW_CONFIDENCE in answer.notices


def ask_in_scope(
    question: str, doc_ids: Sequence[str] | None, ask: Callable[[str, Sequence[str] | None], Answer]
) -> ScopedAnswer:
    """The same without streaming: `ask` is KnowledgeBase.ask, LLMAnswerer.ask, or anything that answers."""

    def attempt(q: str, scope: Sequence[str] | None) -> Generator[str, None, Answer]:
        yield from ()  # streams nothing
        return ask(q, scope)

    return finish(stream_in_scope(question, doc_ids, attempt))


def finish(run: Generator[object, None, ScopedAnswer]) -> ScopedAnswer:
    """Drain a stream_in_scope run (dropping its streamed text) and return its answer."""
    while True:
        try:
            next(run)
        except StopIteration as done:
            return done.value
