"""Is this decoding plausible? Everyday Chinese is written in a few thousand common characters, so
bytes decoded with the wrong codec show up as rare Han, Hangul, combining marks or other scripts."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def is_common_han(char: str, codec: str) -> bool:
    """GB2312's 6,763 characters (codec "gb2312") or Big5's 5,401 level-1 characters (codec "big5")."""
    try:
        encoded = char.encode(codec)
    except UnicodeEncodeError:
        return False
    if len(encoded) != 2:
        return False
    lead = encoded[0]
    return 0xB0 <= lead <= 0xF7 if codec == "gb2312" else 0xA4 <= lead <= 0xC6


def is_plausible(char: str) -> bool:
    """Printable ASCII, whitespace, CJK punctuation, or a common Han character (simplified or traditional)."""
    if char.isascii():
        return char.isprintable() or char in "\t\n\r"
    if "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef" or "\u2010" <= char <= "\u2027":
        return True  # CJK and full-width punctuation, dashes and quotes
    return is_common_han(char, "gb2312") or is_common_han(char, "big5")


def plausible_share(text: str) -> float:
    """Share of plausible characters; 0.0 for empty text."""
    if not text:
        return 0.0
    return sum(1 for char in text if is_plausible(char)) / len(text)
