"""Chinese tokenizer for BM25 and answer scoring: our own jieba.Tokenizer plus a domain dictionary.

The same instance tokenizes documents and queries, so both sides see the same vocabulary.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import jieba
import jieba.posseg
import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"
STOPWORDS = DATA_DIR / "stopwords.txt"
# Bump when the tokenization rules below change: BM25 indexes record it and are rebuilt on mismatch.
RULES_VERSION = "6"  # 4: traditional folded to simplified; 5: separable words (献完血 → 献血); 6: not across words


def is_word(token: str) -> bool:
    """True for tokens that carry letters, digits or CJK characters (not punctuation or space)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def normalize(text: str) -> str:
    """Width-, case- and script-fold so that "２０２４" and "2024", "ＡＩ" and "ai", "屆" and "届" meet.

    Traditional characters become simplified ones (OpenCC's character table, first choice) on both sides of
    every match — questions and documents — so a question typed in traditional Chinese finds simplified text."""
    return unicodedata.normalize("NFKC", text).lower().translate(_traditional_to_simplified())


def normalize_code_points(texts: Sequence[str], separator: str = "\x00") -> np.ndarray:
    """normalize() of these texts, joined by `separator` (removed from the texts), as one array of code points:
    the script fold is a table lookup on the array instead of str.translate per text (a third of the time)."""
    joined = separator.join(unicodedata.normalize("NFKC", t).replace(separator, " ").lower() for t in texts)
    table = _simplified_lookup()
    if table is None:
        joined = joined.translate(_traditional_to_simplified())
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    if table is None:
        return codes
    return np.where(codes < len(table), table[np.minimum(codes, len(table) - 1)], codes)


@functools.cache
def _simplified_lookup() -> np.ndarray | None:
    """The script fold as code point → code point (None if some target is longer than one character)."""
    mapping = _traditional_to_simplified()
    if any(len(target) != 1 for target in mapping.values()):
        return None
    table = np.arange(max(mapping, default=0) + 1, dtype=np.uint32)
    for source, target in mapping.items():
        table[source] = ord(target)
    return table


@functools.cache
def _traditional_to_simplified() -> dict[int, str]:
    """OpenCC's TSCharacters table (opencc-python-reimplemented, Apache-2.0) as a str.translate map."""
    try:
        import opencc
    except ImportError:  # the package is a dependency; without it, matching is simply script-sensitive
        return {}
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    mapping: dict[int, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets:
            mapping[ord(source)] = targets.split()[0]
    return mapping


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
_ORDINAL = re.compile(rf"第([{NUMERAL_CHARS}]+|\d+)\s*([编章节条款项])")


def chinese_numeral(text: str) -> int | None:
    """ "三十八" → 38, "一百零五" → 105, "十" → 10; None when text is not a plain numeral."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def canonical_ordinal(word: str) -> str | None:
    """ "第三十八条" and "第38条" → "第38条"; None for other words."""
    match = _ORDINAL.fullmatch(word)
    if not match:
        return None
    number, unit = match.groups()
    value = int(number) if number.isdigit() else chinese_numeral(number)
    return f"第{value}{unit}" if value is not None else None


def _split_ordinals(text: str) -> list[tuple[str, bool]]:
    """Cut text into (piece, is_ordinal) runs, ordinals already canonical."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in _ORDINAL.finditer(text):
        canonical = canonical_ordinal(match.group(0).replace(" ", ""))
        if canonical is None:
            continue
        pieces.append((text[last : match.start()], False))
        pieces.append((canonical, True))
        last = match.end()
    pieces.append((text[last:], False))
    return [(piece, flag) for piece, flag in pieces if piece]


# Measure words: of time and age, which the laws state as values (一年, 三十日), and of things and of times done,
# which count what happens in the member's story (砍两棵, 干了三次)
_TIME_MEASURES = "年月日天时周岁"
_THING_MEASURES = "个只棵间次件张台辆块盒包瓶袋趟回遍"
# A separable verb-object word with an aspect particle, a measure word or a count of times inside: 献完血, 当过兵,
# 离了婚, 请个假, 当了三年兵, 献过好几次血.
_TIMES = r"[一二三四五六七八九十两几好多]{1,3}[次回年个天趟遍]"
_COMMON_PAIR = 1000  # jieba frequency of 通过, 超过, 为了, 跟着, 一个, 哪个: words, not verb + particle
_ESTABLISHED_WORD = 100  # jieba frequency: 判处 889, 处分 973, 至少 5775 are words; 被判 3, 当了 3 are not
_NOT_VERB_OBJECT = frozenset(f"{NUMERAL_CHARS}万几{_TIME_MEASURES}次")
_SEPARATED = re.compile(rf"(?=([\u4e00-\u9fff])([了过完着](?:{_TIMES})?|{_TIMES}|个)([\u4e00-\u9fff]))")


# The hundred-odd commonest Chinese surnames (about nine in ten people bear one) and the compound ones
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊"
    "葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉"
    "骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏"
    "宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝习栗"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "令狐", "司徒")


def _starts_with_surname(word: str) -> bool:
    return word[0] in _SURNAMES or word.startswith(_COMPOUND_SURNAMES)


# jieba part-of-speech tags of words that shape a question rather than carry its topic:
# pronouns, adverbs, prepositions, conjunctions, particles, interjections, locatives, measure words, time words.
FUNCTION_TAGS = ("r", "d", "p", "c", "u", "y", "e", "o", "f", "q", "t", "z", "x")
NOUN_TAGS = ("n", "j", "l", "i", "eng", "s")
QUESTION_NUMBERS = ("几", "多少", "多久", "多长", "多大", "哪")
# directional complements (撤出来, 交上去, 批下来): they tell which way the verb goes, not what it is about, and
# jieba's search mode makes tokens of them that are rare in the laws, so they weighed like a topic. Alone they
# are verbs (出国回来, 刑满出来) and count; 过去 is also "the past".
DIRECTIONAL_COMPLEMENTS = frozenset(
    {"出来", "起来", "上去", "下来", "下去", "进来", "进去", "回来", "回去", "过来", "上来", "出去"}
)


def is_complement_in(token: str, word: str) -> bool:
    """The token is a directional complement ending a longer word of the question (出来 of 撤出来)."""
    return token in DIRECTIONAL_COMPLEMENTS and len(word) > len(token) and word.endswith(token)


CLASSES_CACHE_SIZE = 256
T = TypeVar("T")


def _remembered(cache: dict[str, T], key: str, make: Callable[[], T]) -> T:
    """The cached value, made and kept when missing; past CLASSES_CACHE_SIZE entries the oldest goes."""
    value = cache.get(key)
    if value is None:
        value = make()
        if len(cache) >= CLASSES_CACHE_SIZE:
            cache.pop(next(iter(cache)), None)
        cache[key] = value
    return value


# jieba's HMM makes words of an asking word or a demonstrative and what follows it (哪天起, 这版, 那部, 那部法):
# they point, they name nothing
_POINTING = re.compile(r"哪.{0,2}|[这那][一]?[版部条项款次届个种份本](?:法|法律|条例|规定)?")


def is_pointing(word: str) -> bool:
    return bool(_POINTING.fullmatch(word))


# a count in the member's story (拖了半个月, 砍两棵, 干了三次): a numeral and a measure word of things
_STORY_COUNT = re.compile(rf"[半{NUMERAL_CHARS}]+[{_THING_MEASURES}]")


def word_class(word: str, tag: str) -> str:
    """ "noun", "content" or "function": how much a question word says about what is asked."""
    if tag.startswith(FUNCTION_TAGS) or is_pointing(word):
        return "function"
    if tag.startswith("m"):  # numerals: "60" and "一年" matter, "几届" and "多少" only ask
        asks = any(q in word for q in QUESTION_NUMBERS)
        return "function" if asks or _STORY_COUNT.fullmatch(word) else "content"
    return "noun" if tag.startswith(NOUN_TAGS) else "content"


_QUOTED = re.compile(r"“[^”]{1,24}”|「[^」]{1,24}」|『[^』]{1,24}』|\"[^\"]{1,24}\"")


def _quoted_positions(text: str) -> set[int]:
    """Character offsets inside quotation marks."""
    return {i for match in _QUOTED.finditer(text) for i in range(match.start() + 1, match.end() - 1)}


class ChineseTokenizer:
    """jieba in search mode (words and their sub-words), domain terms kept whole, stopwords dropped."""

    def __init__(self, cache_dir: Path | None = None, user_dict: Path = USER_DICT, stopwords: Path = STOPWORDS):
        self._user_dict = user_dict
        self._stopwords_path = stopwords
        self._jieba = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._jieba.tmp_dir = str(cache_dir)
            self._jieba.cache_file = "jieba.cache"
        self._lock = threading.Lock()
        self._ready = False
        self._classes_cache: dict[str, dict[str, str]] = {}
        self._tagged_cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self._everyday_counts: dict[str, int] = {}  # jieba's own counts of the words the domain's replaced
        self._everyday_total = 1

    @cached_property
    def stopwords(self) -> frozenset[str]:
        lines = self._stopwords_path.read_text(encoding="utf-8").splitlines()
        return frozenset(line.strip() for line in lines if line.strip())

    @cached_property
    def _user_dict_bytes(self) -> bytes:
        return self._user_dict.read_bytes()  # read once: the version digest, the everyday counts and jieba use it

    @cached_property
    def version(self) -> str:
        """Identifies jieba, the rules, the dictionary and the stopwords: an index built with another is stale."""
        digest = hashlib.sha256(self._user_dict_bytes + self._stopwords_path.read_bytes()).hexdigest()
        return f"jieba-{jieba.__version__}/r{RULES_VERSION}/{digest[:10]}"

    def _ensure_ready(self) -> None:
        # jieba loads its 5 MB dictionary lazily; do it once, under a lock (Streamlit serves threads).
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                self._jieba.initialize()
                self._remember_everyday(self._user_dict_words())
                self._everyday_total = self._jieba.total
                self._jieba.load_userdict(io.BytesIO(self._user_dict_bytes))
                self._pos = jieba.posseg.POSTokenizer(self._jieba)
                self._ready = True

    def add_words(self, words: list[str]) -> None:
        """Teach the tokenizer extra terms (e.g. document titles) so they stay whole."""
        self._ensure_ready()
        self._remember_everyday(words)
        for word in words:
            self._jieba.add_word(word)

    def everyday_share(self, word: str) -> float:
        """The word's share of everyday Chinese, by jieba's own dictionary counts (0 when it lacks the word): not
        the counts the user dictionary and added titles set, which only keep domain terms whole (书香政协 100000)."""
        self._ensure_ready()
        count = self._everyday_counts.get(word, self._jieba.FREQ.get(word))
        return (count or 0) / self._everyday_total

    def _remember_everyday(self, words: Iterable[str]) -> None:
        """Keep jieba's own count of words about to get the domain's (the first time only)."""
        for word in words:
            self._everyday_counts.setdefault(word, self._jieba.FREQ.get(word) or 0)

    def _user_dict_words(self) -> list[str]:
        lines = self._user_dict_bytes.decode("utf-8-sig").splitlines()
        return [line.split()[0] for line in lines if line.strip()]

    def tokenize(self, text: str) -> list[str]:
        """Search-mode tokens: "书香政协活动" → ["书香", "政协", "书香政协", "活动"], stopwords removed.

        Ordinals such as "第三十八条" become one canonical token "第38条" instead of jieba's
        pieces (第, 三十八, 条), which would match unrelated numbers everywhere.
        """
        self._ensure_ready()
        tokens: list[str] = []
        for piece, is_ordinal in _split_ordinals(normalize(text)):
            if is_ordinal:
                tokens.append(piece)
                continue
            words = list(self._jieba.cut(piece))
            for word in words:
                word = word.strip()
                if word and is_word(word) and word not in self.stopwords:
                    tokens.extend(self._subwords(word))
                    tokens.append(word)
            tokens.extend(self._rejoined(piece, words))
        return tokens

    def _rejoined(self, text: str, words: list[str]) -> list[str]:
        """The separable words said apart (上回献完血 → 献血, 当过兵 → 当兵): jieba cuts 回献 / 完血, so the
        word the texts use is lost. Not when the particle's right pair is a word (一个人 keeps 个人, 为了解决 keeps
        了解, 每个月 keeps 个月), nor after a common word ending in the particle (通过, 超过, 为了, 这个: 通过国家
        is no 通国), nor around numerals and units (每三个月 is no 每月); 当过 and 当了 are rare words in jieba's
        dictionary, so 当过兵 and 当了三年兵 are 当兵. Nor when jieba's cut (words, of text) puts the verb at the
        end of an established word or the noun inside a dictionary word: 判处十年以上 is no 处以, 至少一次将 no 少将,
        遗属一次性 no 属性."""
        verb_ends, word_start = self._dictionary_word_edges(words)
        found = []
        for match in _SEPARATED.finditer(text):
            verb, middle, noun = match.groups()
            joined = verb + noun
            if (
                self._jieba.FREQ.get(joined)
                and (self._jieba.FREQ.get(verb + middle[0]) or 0) < _COMMON_PAIR
                and not self._jieba.FREQ.get(middle[-1] + noun)
                and not (_NOT_VERB_OBJECT & {verb, noun})
                and joined not in self.stopwords
                and match.start(1) not in verb_ends
                and word_start.get(match.start(3), 0) <= match.start(1)
            ):
                found.append(joined)
        return found

    def _dictionary_word_edges(self, words: list[str]) -> tuple[set[int], dict[int, int]]:
        """Where jieba's cut says a verb or a noun is no separable word's: the offsets of the last character of
        each established word of two or more characters (判处), and for each character of a dictionary word of
        two or more characters the offset where that word starts (工作日内, 家暴, 一次性: a noun inside a word
        that starts after the verb belongs to it; 离了婚 and 吃完饭 are words holding the verb). Words the HMM
        guessed (回献, 完血得) count for neither; rare entries ending in the verb (被判 of 被判过刑, 当了) do not
        block it."""
        verb_ends, word_start, offset = set(), {}, 0
        for word in words:
            frequency = self._jieba.FREQ.get(word) or 0 if len(word) > 1 else 0
            if frequency:
                word_start.update(dict.fromkeys(range(offset, offset + len(word)), offset))
            if frequency >= _ESTABLISHED_WORD:
                verb_ends.add(offset + len(word) - 1)
            offset += len(word)
        return verb_ends, word_start

    def term_classes(self, text: str) -> dict[str, str]:
        """Each token of tokenize(text) with the class of the word it came from (see word_class).

        Part-of-speech tagging is the slowest step of a search (jieba's HMM), and one question is classed by
        the word leg, the field boosts and the answerer alike: the last few questions are remembered."""
        return dict(_remembered(self._classes_cache, text, lambda: self._term_classes(text)))

    def _term_classes(self, text: str) -> dict[str, str]:
        classes: dict[str, str] = {}
        text = normalize(text)
        quoted = _quoted_positions(text)
        offset = 0
        for word, flag in self.tagged_words(text):
            word_cls = word_class(word, flag)
            if offset in quoted and word_cls == "function":
                word_cls = "content"  # the asker quotes what the question is about (“三个务必”)
            offset += len(word)
            for token in self.tokenize(word):
                token_cls = "function" if is_complement_in(token, word) else word_cls
                # a token seen in several words keeps its most meaningful class
                if classes.get(token) not in ("noun", "content") or token_cls == "noun":
                    classes[token] = token_cls
        return {token: classes.get(token) or self._class_of(token) for token in self.tokenize(text)}

    def _class_of(self, token: str) -> str:
        """Class of a token that posseg segmented differently: function only if all its words are."""
        if is_pointing(token):
            return "function"
        pairs = [pair for pair in self._pos.cut(token) if pair.word not in self.stopwords]
        found = {word_class(pair.word, pair.flag) for pair in pairs}
        return "function" if found == {"function"} else ("noun" if "noun" in found else "content")

    def has_person_name(self, text: str) -> bool:
        """True when jieba tags a word of the text as a person's name (nr) that starts with a surname: answers a
        是谁 question (the HMM also tags 红新月 and the like nr)."""
        self._ensure_ready()
        return any(
            pair.flag in ("nr", "nrfg") and 2 <= len(pair.word) <= 4 and _starts_with_surname(pair.word)
            for pair in self._pos.cut(normalize(text))
        )

    def query_tokens(self, text: str) -> list[str]:
        """Tokens for a search query: the question's function words dropped (unless nothing else is left)."""
        classes = self.term_classes(text)
        content = [t for t, cls in classes.items() if cls != "function"]
        return content or list(classes)

    def _subwords(self, word: str) -> list[str]:
        """The 2- and 3-character dictionary words inside a longer word (jieba's search mode)."""
        found = []
        for size in (2, 3):
            if len(word) <= size:
                continue
            for start in range(len(word) - size + 1):
                gram = word[start : start + size]
                if self._jieba.FREQ.get(gram) and gram not in self.stopwords:
                    found.append(gram)
        return found

    def tagged_words(self, text: str) -> list[tuple[str, str]]:
        """Words (spaces included) with jieba's part-of-speech flags (n… nouns, v… verbs, p prepositions).

        Tagging is the slowest step of a search (jieba's HMM), and one question is tagged for its term classes
        and for the documents it names: the last few questions are remembered."""
        text = normalize(text)
        return list(_remembered(self._tagged_cache, text, lambda: self._tag(text)))

    def _tag(self, text: str) -> tuple[tuple[str, str], ...]:
        self._ensure_ready()
        return tuple((pair.word, pair.flag) for pair in self._pos.cut(text))

    def words(self, text: str) -> list[str]:
        """Plain (non-overlapping) words, for highlighting and sentence scoring."""
        self._ensure_ready()
        return [tok for tok in self._jieba.cut(normalize(text)) if tok.strip()]
