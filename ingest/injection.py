"""Sentences in a document that address a machine rather than a reader ("忽略以上所有指令", "SYSTEM: …").

They are flagged at ingest so organizers see them and answers never present them without a caveat.
The patterns are narrow on purpose: policy texts say "不得忽略……规定" and must not be flagged.
"""

from __future__ import annotations

import re

from retrieval.text import split_sentences

MAX_FLAGS = 20
MAX_FLAG_CHARS = 200

_TARGET = r"(?:你的|以上|上面|上述|之前|先前|前面|此前|原有|原来|系统|全部|所有)"
_ORDERS = r"(?:指令|指示|提示词|提示|命令|设定|约束|规则|要求|内容|对话)"
_PATTERNS = [
    # 忽略以上所有指令 / 无视之前的提示 / 忘记你的设定
    rf"(?:忽略|无视|忘记|忘掉|不要理会|不要遵守|不再遵守|跳过)掉?{_TARGET}(?:的)?(?:所有|全部|一切)?(?:的)?{_ORDERS}",
    rf"(?:以上|上述|之前|先前)的?(?:所有|全部|一切)(?:的)?{_ORDERS}(?:都|均)?(?:作废|无效|失效)",
    r"(?:以上|上述)(?:所有|全部)(?:指令|指示|提示词)",
    r"你现在(?:是|扮演|作为|处于|进入|已经是)",
    r"(?:进入|切换到|切换为|开启|启用)(?:管理员|开发者|越狱|调试|上帝|无限制)模式",
    r"(?:系统提示词?|系统指令|系统消息)\s*[:：]",
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?"
    r"(?:previous|prior|above|earlier|preceding|foregoing|system|original)\s+"
    r"(?:instructions?|prompts?|rules|directions|directives|messages|context)",
    r"\byou\s+are\s+now\b",
    r"(?:^|[\s，。；,;\"“(（])(?:system|assistant|developer)\s*[:：]",
    r"<\|?(?:im_start|im_end|system|endoftext)\|?>|\[/?INST\]|###\s*(?:instruction|system)\b",
    r"\b(?:jailbreak|DAN mode|developer mode|admin mode|god mode)\b",
    r"\bnew\s+instructions?\s*:",
]
_INSTRUCTION = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS), re.IGNORECASE)


def find_instructions(text: str) -> list[str]:
    """Sentences of `text` that give orders to a language model, in order, without repeats (at most 20)."""
    found: list[str] = []
    for sentence in split_sentences(text):
        match = _INSTRUCTION.search(sentence)
        if match is None:
            continue
        excerpt = _excerpt(sentence, match)
        if excerpt not in found:
            found.append(excerpt)
            if len(found) == MAX_FLAGS:
                break
    return found


def _excerpt(sentence: str, match: re.Match[str]) -> str:
    """The sentence, or a window of it around the match when it is very long."""
    if len(sentence) <= MAX_FLAG_CHARS:
        return sentence
    start = max(0, min(match.start() - MAX_FLAG_CHARS // 4, len(sentence) - MAX_FLAG_CHARS))
    return sentence[start : start + MAX_FLAG_CHARS]
