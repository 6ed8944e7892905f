"""Answer text: the clause that answers rather than a 200-character sentence, without “...” artefacts,
with its subject when the sentence starts mid-thought. Pure functions (the quiz generator uses them too).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ELLIPSIS = re.compile(r"^(?:\.{3,}|…+|。{3,})|(?:\.{3,}|…+)$")
_CLAUSE_END = "，,；;"  # not the colon: what follows “包括：” is the answer
# A sentence that opens with one of these continues the previous one's subject (“……，应当在三十日内答复”).
# “要…” is left alone: in policy text it exhorts the reader (全党, 各级政府), whom no earlier sentence names.
# A one-character modal must not be the first character of a word: 经济, 可再生, 应急, 由于, 还有 are no predicates.
_MODAL = r"应当|应(?![急用])|可以|可(?![再持能靠信见行观喜贵])|不得|须|由(?!于)|经(?![济营费历验常典纪])|方可"
_PREDICATE_START = re.compile(rf"^(?:{_MODAL}|必须|并|并且|且|也|还|均|都|即|但|但是|同时|其中)")
# What a sentence left without its subject opens with, past a framing clause: a modal, or 向 (向…提出: by whom?).
# Not 必须 / 要: a report's exhortations (必须坚持人民至上) address the reader.
_ORPHAN_START = re.compile(rf"^(?:{_MODAL}|向)")
# Words a subject does not hold: a disposal (把, 将), a passive (被), a causative (使, 让) or a purpose (为了).
_NOT_A_SUBJECT = re.compile(r"[把将被使让，,；;：:]|为了|^要")
# The subject of a sentence: what precedes its first verb-like word, when that is short.
_SUBJECT = re.compile(r"^(.{2,16}?)(?:应当|可以|不得|必须|须|是|有权|负责|由|对|在|实行|每届)")
# A clause that only frames what follows (在代表大会闭会期间，/ 通过调研报告…形式，): the subject comes after it.
# Not 对…的，: a condition (对于公布的选民名单有不同意见的，可以…申诉) names who may act.
_FRAME = re.compile(r"^(?:在|通过|按照|依照|依据|根据|经过)[^，,。；;]{1,30}[，,]")
SHORT_SENTENCE = 120
FOLLOWING_CLAUSES = 2  # clauses kept after the best run: the value usually follows the words that name it
SUBJECT_CLAUSE_MAX = 20


def strip_ellipsis(text: str) -> str:
    """“得到省政协的认可和推介。...” → “得到省政协的认可和推介。”: omission marks are not part of the text."""
    previous = None
    while previous != text:
        previous, text = text, _ELLIPSIS.sub("", text.strip()).strip()
    return text


def split_clauses(sentence: str) -> list[str]:
    """Cut at commas and semicolons; each clause keeps its mark."""
    clauses, start = [], 0
    for index, char in enumerate(sentence):
        if char in _CLAUSE_END:
            clauses.append(sentence[start : index + 1])
            start = index + 1
    if sentence[start:]:
        clauses.append(sentence[start:])
    return [c for c in clauses if c.strip()]


def answering_clause(sentence: str, score: Callable[[str], float], max_chars: int = SHORT_SENTENCE) -> str:
    """The shortest run of clauses that scores as well as any run (the sentence itself when short), plus
    the clauses after it: the question's words name the topic, and the value usually follows them
    (“试用期工资不得低于……，并不得低于……”).

    `score` rates a piece of text (weighted term coverage plus answer-type match). A run that starts after
    the first clause gets the first clause back when that is short: it usually names the subject.
    """
    sentence = sentence.strip()
    clauses = split_clauses(sentence)
    if len(sentence) <= max_chars or len(clauses) < 2:
        return sentence
    best: tuple[float, int, int, int] | None = None  # (score, -length, start, end)
    for start in range(len(clauses)):
        for end in range(start + 1, len(clauses) + 1):
            text = "".join(clauses[start:end])
            if len(text) > max_chars and end > start + 1:
                break
            key = (round(score(text), 6), -len(text), start, end)
            if best is None or key[:2] > best[:2]:
                best = key
    assert best is not None
    _, _, start, end = best
    for _ in range(FOLLOWING_CLAUSES):
        if end < len(clauses) and len("".join(clauses[start : end + 1])) <= max_chars:
            end += 1
    run = "".join(clauses[start:end])
    if start > 0 and len(clauses[0]) <= SUBJECT_CLAUSE_MAX:
        run = clauses[0] + run
    return _close(run)


def _close(text: str) -> str:
    """A run cut after a comma ends with 。 instead."""
    text = text.rstrip("，,：: ")
    return text if text.endswith(("。", "；", "！", "？", ";", "!", "?")) else text + "。"


def lacks_subject(sentence: str) -> bool:
    """The sentence, past a framing clause, starts with what its subject does (“在闭会期间，须经…通过”): the
    subject is in the sentence before."""
    rest = sentence.strip()
    while _FRAME.match(rest):  # 在…基础上，经过…，我们党…
        rest = _FRAME.sub("", rest, count=1)
    clauses = split_clauses(rest)
    if clauses and clauses[0].rstrip("，,").endswith("的"):
        return False  # 由选民直接选举…的，代表候选人…: a condition, and the subject follows it
    return bool(_ORPHAN_START.match(rest))


def restore_subject(sentence: str, previous: str | None) -> str:
    """Prefix the previous sentence's subject to a sentence that opens with a predicate (应当…, 可以…)."""
    if not previous or not _PREDICATE_START.match(sentence):
        return sentence
    match = _SUBJECT.match(re.sub(r"^第[^ ]{1,8}条\s*", "", previous.strip()))
    if not match:
        return sentence
    subject = match.group(1).rstrip("，,")
    if _NOT_A_SUBJECT.search(subject) or _PREDICATE_START.match(subject):
        return sentence  # “要把坚持党的全面领导摆” is a clause cut at 在, not who does something
    return f"{subject}{sentence}" if subject and subject not in sentence else sentence
