"""Answer typing: what kind of answer a question asks for, and whether a sentence holds one.

多久 / 几年 / 多长时间 → a duration; 几个 / 多少 → a count; 多大岁数 → an age; 多少钱 → money;
哪天 / 什么时候 → a date; 谁 / 哪个机关 → a person or body; 能不能 / 是否 → a rule (应当, 不得, 可以);
有哪些 / 哪几 → a list. Pure functions, shared by the answerer and the quiz generator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from retrieval.tokenizer import normalize


class AnswerType(StrEnum):
    DURATION = "duration"
    AGE = "age"
    MONEY = "money"
    COUNT = "count"
    DATE = "date"
    BODY = "body"
    PERSON = "person"
    LIST = "list"
    RULE = "rule"
    NONE = "none"


# …是谁 / …是哪位 closing a question: it asks who holds what stands before it (部长是谁, 主席是哪一位)
_HOLDER_ASKED = r"(?:是谁|是哪一?位)(?=[？?！!。，,]|呢|啊|呀|$)"
_CHINESE_NUMERAL = "[零〇一二两三四五六七八九十百千万半]"
_NUM = r"(?:[0-9]+(?:\.[0-9]+)?|" + _CHINESE_NUMERAL + "+)"
# what a 标准…是多少 may measure instead of a sum (轨距的标准宽度是多少)
_MEASURES = "宽度|长度|高度|深度|距离|面积|重量|体积|温度|速度"
# asking a length or a distance (离铁路多近, 有多宽): answered by a number of metres
_DISTANCE_ASKED = r"多远|多近|多宽|多高|多深|多粗|多厚|(?:宽度|长度|高度|深度|距离)(?:是|为|有)?多少"
# Question cues, tried in this order: the first that matches names the type.
_QUESTION_CUES: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    (
        AnswerType.MONEY,
        re.compile(
            rf"多少钱|几块钱|多少元|什么价|(?:费|工资|补贴|补助|津贴|奖金|罚款|租金|薪酬|标准|营业额|销售额|收入|投资)"
            rf"(?:(?!{_MEASURES})[^，。？]){{0,4}}多少(?![个种项类名人次条家所])|多少(?:工资|补|会费|费|钱|津贴|奖金|薪)"
            # 多少党费, 多少学费: a fee named after 多少 (多少违约金 stays a count: the law answers it by a rule)
            r"|多少[^，。？的]{1,2}?费"
            # 按平方怎么收费, 多少万 (元), 多少亿: a charge or a sum of money (多少亿人 is a count)
            r"|(?:怎么|如何|咋)(?:收费|收钱|算钱|计费)|收费标准|多少[万亿](?![人个户名家所吨斤亩次])"
        ),
    ),
    # a name is asked for an office's holder (会长是谁, 谁是主任, 一把手是谁啊); who acts (是谁出面请来的, 负总责的
    # 是谁) is answered by a body or a role as often (由理事会聘请, 主要负责人): the BODY cue below takes those
    (
        AnswerType.PERSON,
        re.compile(
            rf"(?:长|主席|主任|书记|总理|主委|委员|理事|经理|一把手|头头){_HOLDER_ASKED}|谁是|哪一?位|叫什么名字|姓什么"
        ),
    ),
    (
        AnswerType.AGE,
        re.compile(
            r"多大岁数|多大年纪|几岁|多少岁|多大年龄|年满多少|什么年龄|多大的?人|年龄多大"
            r"|年龄(?:上)?(?:有|是)?(?:啥|什么|哪些)?(?:要求|限制|条件|门槛|规定)"  # 对年龄有啥要求
        ),
    ),
    (
        AnswerType.DURATION,
        re.compile(
            r"多久|多长时间|多长期限|多少天|多少日|几天|几日|几年|多少年|几个月|多少个月|多少小时|几个小时|几小时"
            r"|多长|多少时间|期限是|有效期|一届干|一届是|任期"
        ),
    ),
    (
        AnswerType.DATE,
        re.compile(
            r"什么时候|何时|哪天|哪一天|哪一年|哪年|哪个月|几月|几号|什么时间|哪个时间"
            # a clock time, not 几点意见 (how many points)
            r"|几点(?:钟|到|至|前|后|以前|以后|之前|之后)|(?:早上|上午|中午|下午|晚上|夜里|凌晨)几点"
        ),
    ),
    (
        AnswerType.LIST,
        re.compile(
            r"哪些|哪几|有什么|包括什么|包含什么|都有啥|哪几种|什么样的|几种|几类|几项|几个方面|哪两|哪三|哪四|哪五"
            r"|什么(?:情况|情形|条件)"  # conditions: the text lists them (有下列情形之一的)
        ),
    ),
    (AnswerType.COUNT, re.compile(_DISTANCE_ASKED + r"|多少|几个|几名|几人|几次|几倍|几成|百分之几|多大比例|比例是")),
    (
        AnswerType.BODY,
        re.compile(r"谁|哪个机关|哪个部门|哪个单位|哪级|哪一级|什么机关|什么部门|由哪|归哪|哪个法院|哪个组织"),
    ),
    (
        AnswerType.RULE,
        re.compile(
            r"能不能|能否|可不可以|可以.{0,12}吗|是否|允许|行不行|要不要|需不需要|必须.{0,12}吗|得不得|会不会|"
            r"该不该|应不应该|有没有权|算不算|能.{0,12}吗|要.{0,12}吗|是不是|"
            # 这样行吗, 让不让, 能拿他怎么办: laws answer with what may or must be done (可以停止为其提供服务)
            r"行吗|让不让|准不准|许不许|合法吗|违法吗|违规吗|怎么办|该[^，。？]{0,8}吗"
        ),
    ),
    # a bare 几 before a measure word not listed above asks a number only when nothing else asks: “摆几盆花、做块
    # 背景板，算不算违规” asks whether it is allowed
    (AnswerType.COUNT, re.compile(r"几")),
)
# 几 that asks nothing: 好几家 (several), 那几个党员 (those), 十几 / 几十 (a rough number), 几乎 (almost)
# …and 要是哪位委员… / 如果谁…: anyone, in a condition — the question asks what follows (能不能申请复议)
_INDEFINITE = re.compile(r"[那这好十没]几|几(?=[乎十百千万])|(?:要是|如果|假如|万一|若是?)(?:哪位|谁)")
# in a question that asks yes or no (…还会挨罚吗), 推搡了几下 / 住了几天 tells the story: a few (开了几年才能换 asks)
_STORY_FEW = re.compile(r"了几(?=[下次回遍天年个样件只本趟])")
_YES_NO = re.compile(r"吗\W*$")
# …and 把我家几口人、一年挣多少都问得清清楚楚，他们能往外说吗: an amount in a clause before the one asking yes or no
# is the story's, not what is asked
_STORY_AMOUNT = re.compile(r"多少|几(?!乎)")
# marks that end a clause inside a question; a question mark ends the whole question, so it bounds a clause only
# looking back from a cue (_governed_by_yes_or_no)
_CLAUSE_MARKS = "，,。；;！!"
_CLAUSE_MARK = re.compile(f"[{_CLAUSE_MARKS}]")
# 想办多少张就能办多少张吗, 要几个就给几个: as many as one likes, a question whether that is allowed
# (not 几点到几点: a span)
_FREE_CHOICE = re.compile(r"(多少|几|什么时候)([^，。？！?!,]{0,6}就[^，。？！?!,]{0,6}?)\1")

_SENTENCE_CUES: dict[AnswerType, re.Pattern[str]] = {
    AnswerType.DURATION: re.compile(
        _NUM + r"\s*(?:个)?(?:年|个月|月|日|天|小时|周|星期|工作日)|每(?:届|年|季度|月|周)|长期"
    ),
    AnswerType.AGE: re.compile(_NUM + r"\s*(?:周岁|岁)"),
    AnswerType.MONEY: re.compile(_NUM + r"\s*(?:元|万元|亿元)|" + _NUM + r"\s*倍的?(?:工资|报酬)|百分之|%"),
    # an amount of money answers 多少 too (价格上限是多少 → 18万元)
    AnswerType.COUNT: re.compile(
        _NUM
        # 一个月, 三个工作日: a length of time, no count
        + r"\s*(?:万|亿)*(?:人|名|个(?!月|工作日|小时|星期|季度)|次|件|项|条|户|倍|家|位|所|种|类|票|%|元|斤|"
        + r"公斤|吨|亩|公顷|平方米|公里|千瓦|"
        + r"米|毫米|厘米)"
        + r"|百分之|分之|半数|过半"
    ),
    AnswerType.DATE: re.compile(
        r"(?:19|20)[0-9]{2}\s*年|[〇一二三四五六七八九零]{4}年|"
        + _NUM
        + r"\s*月|[上中下]旬|年底|年初"
        + r"|"
        + _NUM
        + r"\s*(?:时|点钟|点半)(?![期候间代])"
        + r"|之日起?|当日|次日"  # 自作出之日起生效: a date the text states by an event
        + r"|时间为|之时"  # 收货人签收时间为交付时间: a moment the text states by an event
    ),
    AnswerType.BODY: re.compile(
        r"机关|部门|政府|委员会|法院|检察院|主席|主任|代表大会|公安|组织|单位|监护人|本人|党委|党组|支部|常委会|"
        r"办公厅|国务院|中央|书记|负责人|领导|群众|公民|理事会|"
        # who bears it as laws name them: 经营者, 组团社, 金融机构, 所有权人; 由…承担 names whoever it is
        r"机构|企业|公司|(?<![或再])者|旅行社|组团社|学校|医院|协会|银行|所有权人|管理人|责任人|"
        r"由[^，。；]{1,20}(?:承担|负责|支付|赔偿)"
    ),
    # a person's name needs part-of-speech tagging: the answerer checks it (ChineseTokenizer.has_person_name)
    AnswerType.PERSON: re.compile(r"(?!)"),
    # 一律不摆花草, 不准, 只能: a rule as policy texts also say it
    AnswerType.RULE: re.compile(
        r"应当|不得|可以|必须|禁止|有权|不能|无权|不予|须|严禁|方可|才能|允许|一律|不准|不许|不宜|不应|只能|"
        r"有[^，。；]{0,12}权利"  # 有优先通行的权利
    ),
    AnswerType.LIST: re.compile(r"[、；;]|[：:]\s*$|^[（(][一二三四五六七八九十]+[）)]|^[0-9]+[.、．]"),
}


# 第七十四条, 第三章: where a sentence stands, not a count it states
_ARTICLE_NUMBER = re.compile(r"第[零〇一二两三四五六七八九十百千万0-9]+[条章节款项编]")
# a figure: digits, or a Chinese numeral before a measure word (三个月, 十一点半, 两届; not 统一, 万一)
_NUMBER = re.compile(
    r"[0-9]|" + _CHINESE_NUMERAL + r"+\s*(?:万|亿)*"
    r"[个人名位次件项条户倍家所种类票元斤吨亩年月日天周时点分秒岁届期批轮座处张本篇份部台辆套层级档米升度块场成]"
)


def states_a_number(sentence: str) -> bool:
    """Any figure at all, article numbers aside: with none among the passages, a 多少 / 几年 / 哪一年 question has
    no answer there, whatever unit the text would have used (1.3万亿斤 is no count the cues know)."""
    return bool(_NUMBER.search(_ARTICLE_NUMBER.sub("", normalize(sentence))))


_BLANK = re.compile(r"[（(]\s*[）)]|_{2,}")


def _asking_text(question: str) -> str:
    """The question normalised, its 几 that ask nothing masked."""
    text = _INDEFINITE.sub("·", normalize(question))
    if _YES_NO.search(text):
        text = _STORY_FEW.sub("了·", text)
        last_clause = max((m.end() for m in _CLAUSE_MARK.finditer(text)), default=0)
        text = _STORY_AMOUNT.sub("·", text[:last_clause]) + text[last_clause:]
    return _FREE_CHOICE.sub(r"·\2·", text)


def question_type(question: str) -> AnswerType:
    text = _asking_text(question)
    if _BLANK.search(text):  # a fill-in-the-blank stem asks for the missing words, whatever they are
        return AnswerType.NONE
    # a value asked in the last clause that asks is what is asked (具体罚多少，执法的人主要看哪些方面来定: the
    # list; the sum is the story); a yes-or-no there leaves the whole question to its cues' order (一届干几年，
    # 能不能连着干: the years)
    clauses = _clauses(text)
    lone_ji = len(clauses) == 1  # a lone 几 asks a value of a clause only when the question is that clause
    last = next((kind for start, end in reversed(clauses) if (kind := _clause_type(text, start, end, lone_ji))), None)
    if last not in (None, AnswerType.RULE):
        return last
    return _clause_type(text, 0, len(text), lone_ji=True) or AnswerType.NONE


def _clauses(text: str) -> list[tuple[int, int]]:
    starts = [0, *(m.end() for m in _CLAUSE_MARK.finditer(text))]
    return [(start, end) for start, end in zip(starts, [*starts[1:], len(text)], strict=True) if start < end]


def _clause_type(text: str, start: int, end: int, lone_ji: bool) -> AnswerType | None:
    """What the span asks by the first cue (in the cues' order) found in it; None for no cue. `lone_ji`: whether
    the last cue, a bare 几, counts — 摆几盆花 in one clause of several asks nothing; it asks only when no other
    cue of the question does."""
    cues = _QUESTION_CUES if lone_ji else _QUESTION_CUES[:-1]
    for answer_type, cue in cues:
        match = cue.search(text, start, end)
        if match:
            return AnswerType.RULE if _governed_by_yes_or_no(text, match.start()) else answer_type
    return None


# 饭馆能不能规定一桌最低得消费多少钱, 能不能晚几年再去: whether is asked of the whole clause, the amount inside it
_YES_OR_NO = re.compile(r"能不能|可不可以|能否|可否|是否|让不让|行不行|准不准|许不许")


def _governed_by_yes_or_no(text: str, position: int) -> bool:
    """An A-not-A question word earlier in the same clause asks whether, whatever number follows."""
    clause_start = max(text.rfind(mark, 0, position) for mark in _CLAUSE_MARKS + "？?") + 1
    return bool(_YES_OR_NO.search(text, clause_start, position))


def has_type(sentence: str, answer_type: AnswerType) -> bool:
    """True when the sentence holds an answer of the type (always true for untyped questions)."""
    if answer_type is AnswerType.NONE:
        return True
    pattern = _SENTENCE_CUES[answer_type]
    text = _ARTICLE_NUMBER.sub("", normalize(sentence))
    if answer_type is AnswerType.LIST:
        return text.count("、") >= 2 or bool(pattern.search(text.strip()))
    return bool(pattern.search(text))


# The words a question asks with (哪几种, 多大, 几年, 行不行): they shape the question, not its topic.
_ASKING = re.compile(
    r"哪[一二三四五六七八九十几]?[个首位种类件部条项些里儿天年月级家所]?|什么(?:时候|时间|地方)|什么样?的?|啥|多少|多大|多久|多长|多高|多远|"
    r"多近|多宽|多深|多粗|多厚|几[个种类年月天日次名人条项倍届岁号成本篇页份字只样件]?|怎么样?|怎样|如何|为什么|为啥|是否|能否|能不能|可不可以|行不行|"
    r"要不要|会不会|有没有|是不是|算不算|该不该|吗|呢|吧"
)


def asking_words(question: str) -> tuple[str, ...]:
    """The interrogative phrases of a question (“多大年纪” → 多大), for term weighting to ignore."""
    return tuple(match.group(0) for match in _ASKING.finditer(normalize(question)))


# -- units: “多少名委员” wants a number of 名, “几年” a number of years ------------------------------------------
# The measure word after 多少/几 names the unit an answer must carry; a sentence with a number of another unit
# (六十日 for 多少年, 百分之二 for 多少名) does not answer it. Each group lists the units that answer each other.
_UNIT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("名", "位", "人"),
    ("天", "日", "工作日"),
    ("年", "周年"),
    ("个月", "月"),
    ("元", "万元", "亿元", "块", "钱"),
    ("岁", "周岁"),
    ("小时",),
    ("条",),
    ("次",),
    ("倍",),
    ("折",),
    ("期",),
    ("届",),
    ("级", "等"),
    ("种", "类"),
    ("周", "星期"),
    # measure words of time, length, weight and points: a closed class, listed whole rather than as met
    ("分钟",),
    ("秒",),
    ("分",),
    ("度",),
    ("米", "公尺"),
    ("厘米", "公分"),
    ("公里", "千米"),
    ("平方米", "平方公里", "公顷", "亩"),  # areas: 多少平方米 is not answered by 规定的标准
    ("公斤", "千克"),
    ("吨",),
    ("升",),
    ("轮",),
)
# Classifiers of things count whatever the text counts them by: 几份委托 is answered by 不得超过三人, 几件 by 三项
# (each answers the others and a number of people; a number of people asked, 几名, still wants people).
_THING_CLASSIFIERS = ("件", "项", "份", "张", "本", "款", "台", "辆", "套", "座", "场", "家", "所", "户", "批", "起")
_UNIT_OF = {unit: group for group in _UNIT_GROUPS for unit in group} | {
    unit: (*_THING_CLASSIFIERS, "名", "位", "人") for unit in _THING_CLASSIFIERS
}
_PERCENT = ("%", "百分之", "分之", "成")
_ASKED_UNIT = re.compile(
    r"(?:多少|几)个?(工作日|周岁|个月|小时|星期|万元|亿元|分钟|公尺|厘米|公分|平方米|平方公里|公顷|公里|千米|公斤|千克|"
    r"学时|课时|[名位人天日年月元块钱岁件项条次倍折户期届级等种类家所批周秒分度米吨升张本起款辆台份场轮套座字篇页亩])"
)
_ASKED_PERCENT = re.compile(r"百分之几|百分之多少|多大比例|比例是多少|比例为多少|几成|比率是多少|缴费比例")


_LENGTHS = ("米", "公尺", "毫米", "厘米", "公分", "公里", "千米")
# 热线电话是多少, 号码是多少: answered only by a phone number (laws name none: 12315 is a number of five digits)
PHONE_NUMBER = ("电话号码",)
_PHONE_ASKED = re.compile(r"(?:电话|热线|号码)[^，。？?]{0,3}多少")
_PHONE = re.compile(r"\d{5,}")


def asked_units(question: str) -> tuple[str, ...]:
    """The units an answer to this question must carry (empty when it asks for none): 几年 → 年, 周年."""
    text = _asking_text(question)
    if _PHONE_ASKED.search(text):
        return PHONE_NUMBER
    if _ASKED_PERCENT.search(text):
        return _PERCENT
    if re.search(_DISTANCE_ASKED, text):
        return _LENGTHS
    match = _ASKED_UNIT.search(text)
    if match is None:
        return ()
    unit = match.group(1)
    return _UNIT_OF.get(unit, (unit,)) if unit != "月" else _UNIT_OF["个月"]


def has_unit(sentence: str, units: Sequence[str]) -> bool:
    """True when the sentence holds a number in one of these units (“有效期二十年”, “十日内”, “百分之二”)."""
    if not units:
        return True
    text = normalize(sentence)
    if units == PHONE_NUMBER:
        return bool(_PHONE.search(text))
    if units is _PERCENT or units == _PERCENT:
        return bool(re.search(r"百分之" + _AMOUNT + "|" + _AMOUNT + r"\s*(?:%|成)|" + _AMOUNT + "分之", text))
    if "人" in units and _SHARE_OF_PEOPLE.search(text):
        return True  # 多少人同意 is answered by a share of a body: 全体委员过半数, 三分之二以上的代表
    # 分 as points, not a fraction (三分之一) or minutes (十五分钟)
    alternatives = "|".join(
        "分(?![之钟])" if unit == "分" else re.escape(unit) for unit in sorted(units, key=len, reverse=True)
    )
    pattern = re.compile(_NUMBER_START + r"(" + _AMOUNT + r")\s*(?:个)?(?:" + alternatives + ")")
    # a calendar year (2023年) and an ordinal (第六十八条) are not amounts
    return any(not _YEAR.fullmatch(m.group(1).rstrip("多余")) for m in pattern.finditer(text))


_SHARE_OF_PEOPLE = re.compile(r"过半数|半数以上|[一二三四五六七八九十]+分之[一二三四五六七八九十]+")
# 1200万人, 两届, 三至七人, 1000多名: a number, its magnitude words and an approximation
_AMOUNT = r"(?:[0-9]+(?:\.[0-9]+)?[十百千万亿]*|[零〇一二两三四五六七八九十百千万亿半]+)(?:多|余)?"
_NUMBER_START = r"(?<![第零〇一二两三四五六七八九十百千万0-9.])"
_YEAR = re.compile(r"(?:1[89]|20)[0-9]{2}|[〇一二三四五六七八九零]{4}")


@dataclass(frozen=True)
class Asked:
    """What a question asks for: the kind of answer and, for amounts, the units it must carry."""

    kind: AnswerType = AnswerType.NONE
    units: tuple[str, ...] = ()
    listed: str | None = None  # what a list question lists (有哪些义务 → 义务)
    office: str | None = None  # the office whose holder a 是谁 question asks for (部长是谁 → 部长)

    @classmethod
    def of(cls, question: str) -> Asked:
        kind = question_type(question)
        units = asked_units(question) if kind in _UNIT_KINDS else ()
        listed = listed_noun(question) if kind is AnswerType.LIST else None
        return cls(kind, units, listed, asked_office(question) if kind is AnswerType.PERSON else None)

    def introduces(self, sentence: str) -> bool:
        """The sentence introduces a list of what is asked: “公务员应当履行下列义务：” for 公务员有哪些义务."""
        return self.listed is not None and f"下列{self.listed}" in sentence

    @property
    def typed(self) -> bool:
        return self.kind is not AnswerType.NONE

    def held_by(self, text: str, has_person_name: Callable[[str], bool]) -> bool:
        """The text holds an answer of this kind (in the asked unit, when one is asked)."""
        if self.kind is AnswerType.PERSON:
            return _names_near(text, self.office, has_person_name)
        if self.units:  # the unit is the sharper test: 两届 answers 几届 though no count cue names 届
            return has_unit(text, self.units)
        if self.listed and _several_named(text, self.listed):
            return True  # 哪些会议 → 全体会议和常委会议: two of them, joined, are a list
        return has_type(text, self.kind)


# 现在的文化和旅游部部长是谁, 全国政协主席是哪一位: the office, two characters before the asking words
_OFFICE = re.compile(r"([\u4e00-\u9fff]{2})" + _HOLDER_ASKED)
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
NAME_REACH = 8  # characters between an office and its holder's name (全国政协主席王沪宁, 王某某同志任部长)


def asked_office(question: str) -> str | None:
    match = _OFFICE.search(normalize(question))
    return match.group(1) if match else None


def _names_near(text: str, office: str | None, has_person_name: Callable[[str], bool]) -> bool:
    """A person's name in the text, and next to the office when one is asked: a sentence on the office's
    powers with some other name in it says nothing of who holds it."""
    if office is None:
        return has_person_name(text)
    for match in re.finditer(re.escape(office), text):
        before = _SENTENCE_END.split(text[max(0, match.start() - NAME_REACH) : match.start()])[-1]
        after = _SENTENCE_END.split(text[match.end() : match.end() + NAME_REACH])[0]
        if has_person_name(before + office + after):
            return True
    return False


# 有哪些义务, 哪几项职责？: the two to four characters after the asking word, up to the question's end (not a
# measure word and a one-character noun: 哪几样钱 names no list heading)
_LISTED = re.compile(
    r"哪(?:些|几[项种类个条样点]?(?![项种类个条样点]))([\u4e00-\u9fff]{2,4}?)(?:[？?，,。！!]|呢|吗|啊|$)"
)


# what joins the items of a short list (全体会议和常委会议, 警告或者罚款), within a few characters
_JOINED = re.compile(r"和|及|与|、|或者|或|以及")
_ITEM_REACH = 12


def _several_named(text: str, noun: str) -> bool:
    """The text names the listed noun twice with a joining word between (全体会议和常委会议 for 哪些会议)."""
    starts = [m.start() for m in re.finditer(re.escape(noun), text)]
    return any(
        later - earlier <= _ITEM_REACH and _JOINED.search(text, earlier + len(noun), later)
        for earlier, later in pairwise(starts)
    )


def listed_noun(question: str) -> str | None:
    match = _LISTED.search(normalize(question))
    return match.group(1) if match else None


# Kinds whose answer is an amount: only these carry units (哪几种 asks for a list, not a number of 种).
_UNIT_KINDS = frozenset({AnswerType.DURATION, AnswerType.AGE, AnswerType.MONEY, AnswerType.COUNT})
