"""The rule generator on a small real library (real jieba, real catalog; no embedding model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import COMMITTEE_PRINCIPLES, PETITIONS, QUIZ_LIBRARY, RULES, build_library, doc_id

from quiz.generate import Material, QuizGenerator, QuizRequest, parse_counts
from quiz.model import BLANK, FALSE, LETTERS, TRUE, QuizError
from quiz.text import claim_of, norm
from retrieval.kb import KnowledgeBase
from retrieval.sentences import introduces_list, with_list_items
from retrieval.tokenizer import ChineseTokenizer


@pytest.fixture
def kb(tmp_path: Path, tokenizer: ChineseTokenizer) -> KnowledgeBase:
    handle = build_library(tmp_path, tokenizer)
    yield handle
    handle.close()


def generate(kb: KnowledgeBase, title: str, counts: dict[str, int], seed: int = 0):
    generator = QuizGenerator(kb)
    return generator.generate(QuizRequest((Material(doc_id(kb, title)),), counts, seed))


def test_fill_blanks_a_number_with_its_unit_and_cites_it(kb: KnowledgeBase) -> None:
    result = generate(kb, "委员履职条例", {"填空": 2})
    item = next(i for i in result.items if i.kind == "number")
    assert item.stem == f"根据《委员履职条例》，委员每届任期{BLANK}，可以连任。"  # the document makes it answerable
    assert item.answer == "五年"
    ((start, end),) = item.source.answer_spans
    assert item.source.passage[start:end] == "五年"
    assert item.source.title == "委员履职条例"
    assert item.source.heading == ("第一章 总则", "第一条")
    assert item.explanation == "原文：第一条 委员每届任期五年，可以连任。"


def test_fill_blanks_leave_the_members_of_an_open_list_alone(kb: KnowledgeBase) -> None:
    """书香政协、委员读书、专题协商、____等履职活动: many activities fit the blank (blind review: 3 of 13 rejects)."""
    items = generate(kb, "委员履职条例", {"填空": 4}).items
    assert items
    assert not any(f"、{BLANK}" in i.stem or f"{BLANK}、" in i.stem for i in items)
    assert "民主监督" not in {i.answer for i in items}  # a dictionary term, but the list's last member


def test_single_choice_numbers_keep_the_unit_and_never_make_a_true_sentence(kb: KnowledgeBase) -> None:
    generator = QuizGenerator(kb)
    library = generator.library()
    result = generate(kb, "信访事项办理规定", {"单选": 3})
    assert result.produced == {"单选": 3}
    for item in result.items:
        key = item.options[LETTERS.index(item.answer)]
        claim = claim_of(item.stem)
        assert claim.replace(BLANK, key) in item.source.passage
        assert all(option.endswith("日") for option in item.options)
        assert len({norm(o) for o in item.options}) == 4
        distractors = [o for o in item.options if o != key]
        assert not any(library.states(claim.replace(BLANK, d)) for d in distractors)


def test_a_distractor_that_is_true_elsewhere_in_the_library_is_not_used(tmp_path: Path, tokenizer) -> None:
    twin = PETITIONS.replace("# 信访事项办理规定", "# 另一份规定").replace("60日内办结", "90日内办结")
    kb = build_library(tmp_path, tokenizer, {**QUIZ_LIBRARY, "twin.md": twin})
    for seed in range(6):
        result = generate(kb, "信访事项办理规定", {"单选": 3}, seed)
        item = next(i for i in result.items if "受理之日起" in i.stem)
        assert "90日" not in item.options  # 信访事项…90日内办结 is what 另一份规定 says
    kb.close()


def test_multiple_choice_takes_true_members_and_sibling_list_distractors(
    tmp_path: Path, tokenizer: ChineseTokenizer
) -> None:
    """The wrong options are another list of principles of the same text, not its requirements (深入基层一线 is no
    principle: a kind apart at sight)."""
    kb = build_library(tmp_path, tokenizer, {"rules.md": RULES + COMMITTEE_PRINCIPLES})
    try:
        items = [item for seed in range(4) for item in generate(kb, "委员履职条例", {"多选": 3}, seed).items]
    finally:
        kb.close()
    principles = next(i for i in items if i.stem == "根据《委员履职条例》，委员履职应当遵循下列哪些原则？（多选）")
    members = {"坚持党的领导", "坚持团结民主", "坚持实事求是"}
    sibling = {"突出专业特色", "注重协商实效", "加强界别联系"}
    keys = {principles.options[LETTERS.index(letter)] for letter in principles.answer}
    assert 2 <= len(keys) <= 3 and keys <= members
    assert set(principles.options) - keys <= sibling
    for start, end in principles.source.answer_spans:
        assert principles.source.passage[start:end] in keys
    assert all("深入基层一线" not in i.options for i in items if "原则" in i.stem)


def test_true_or_false_statements_quote_the_original(kb: KnowledgeBase) -> None:
    library = QuizGenerator(kb).library()
    kinds = set()
    for seed in range(4):
        for item in generate(kb, "信访事项办理规定", {"判断": 3}, seed).items:
            assert item.options == (TRUE, FALSE)
            original = item.explanation.removeprefix("原文：")
            assert original in item.source.passage
            claim = claim_of(item.stem)
            if item.answer == TRUE:
                assert claim == original
            else:
                assert claim != original and not library.states(claim)
            kinds.add(item.kind)
    assert {"original", "number-swap"} <= kinds


def test_the_same_seed_gives_the_same_quiz(kb: KnowledgeBase) -> None:
    counts = {"单选": 2, "多选": 1, "判断": 2, "填空": 2}
    first = generate(kb, "信访事项办理规定", counts, seed=7)
    again = generate(kb, "信访事项办理规定", counts, seed=7)
    assert first.items == again.items


DISTRACTORS_IN_A_PROCESS = """
import random, sys
from retrieval.kb import KnowledgeBase
from retrieval.settings import Settings
from quiz import distractors
from quiz.generate import QuizGenerator
kb = KnowledgeBase(Settings(data_dir=sys.argv[1], embedding_model="none"), embedder=None)
generator = QuizGenerator(kb)
sentence = "复查机构应当自收到复查请求之日起30日内提出复查意见。"
(span,) = [s for s in generator.analyzer.spans(sentence) if s.text == "30日"]
print(distractors.candidates(span, generator.library(), random.Random(7)))
"""


TIED_DAYS = """# 信访事项办理规定

第一条 复查机构应当自收到复查请求之日起30日内提出复查意见。

第二条 受理机关应当自收到信访事项之日起15日内告知信访人。

第三条 信访事项应当自受理之日起60日内办结。

第四条 复核机构应当自收到复核请求之日起45日内提出复核意见。

第五条 转送机关应当在20日内将处理结果抄送信访部门。
"""


def test_the_same_seed_gives_the_same_quiz_in_every_process(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    """Daily practice is one quiz for everyone, whichever app process serves it: string hashing differs between
    processes, so no distractor may depend on the order of a set (60日 and 15日 are equally close to 30日)."""
    import os
    import subprocess
    import sys

    build_library(tmp_path, tokenizer, {"days.md": TIED_DAYS}).close()
    root = Path(__file__).resolve().parents[1]
    runs = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        done = subprocess.run(
            [sys.executable, "-c", DISTRACTORS_IN_A_PROCESS, str(tmp_path / "data")],
            env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        runs.add(done.stdout)
    assert len(runs) == 1 and "日" in runs.pop()


def test_bad_input_gets_clear_chinese_messages(kb: KnowledgeBase) -> None:
    generator = QuizGenerator(kb)
    with pytest.raises(QuizError, match="资料「不存在的文件」找不到"):
        generator.resolve(["不存在的文件"])
    with pytest.raises(QuizError, match="《随笔》中没有可以出题的句子"):
        generate(kb, "随笔", {"单选": 1})
    result = generate(kb, "信访事项办理规定", {"填空": 5})
    assert result.notices == ("填空题只能出 3 道（要求 5 道）：所选资料中符合条件的句子不够。",)
    with pytest.raises(QuizError, match="写法不对"):
        parse_counts("单选=五")
    assert parse_counts("单选=5,多选=2,判断=3,填空=5") == {"单选": 5, "多选": 2, "判断": 3, "填空": 5}


def test_chapters_limit_the_material(kb: KnowledgeBase) -> None:
    generator = QuizGenerator(kb)
    rules = doc_id(kb, "委员履职条例")
    assert generator.chapters(rules) == ["第一章 总则", "第二章 视察"]
    result = generator.generate(QuizRequest((Material(rules, ("第一章 总则",)),), {"填空": 3}))
    assert [i.answer for i in result.items] == ["五年"]


def test_list_detection_is_shared_with_the_answerer() -> None:
    sentences = ["委员履职应当遵循下列原则：", "（一）坚持党的领导；", "（二）坚持团结民主；"]
    assert introduces_list(sentences[0]) and not introduces_list(sentences[1])
    assert with_list_items(sentences, 0) == tuple(sentences)
    assert with_list_items(sentences, 1) == (sentences[1],)


def test_years_written_digit_by_digit_are_read_as_years() -> None:
    from quiz.text import numeral_value

    assert (numeral_value("一九四九"), numeral_value("二〇二四"), numeral_value("三十八")) == (1949.0, 2024.0, 38.0)


PLACES = "自治区、自治州、自治县和有少数民族聚居的乡、民族乡、镇的人民代表大会。"


@pytest.mark.parametrize(
    ("sentence", "members"),
    [
        # the list's edge inside a piece: 澳门在国际金融 starts the trades, 镇的人民代表大会主席 ends the places
        ("巩固提升香港、澳门在国际金融、贸易、航运航空、创新科技、文化旅游等领域。", ["贸易", "航运航空", "创新科技"]),
        ("乡、民族乡、镇的人民代表大会主席、副主席，辞去代表职务的请求被接受的。", []),
        (PLACES, ["自治州", "自治县和有少数民族聚居的乡", "民族乡"]),  # 的 inside a member is fine
        ("对重大、紧急信访事项和信访信息隐瞒、谎报、缓报的。", []),  # the first piece is mostly what precedes
        ("有权处理的机关、单位应当依规依纪依法接收、受理、办理和反馈。", []),  # a clause with 应当 is no member
    ],
)
def test_enumeration_members_stop_where_the_list_does(tokenizer: ChineseTokenizer, sentence: str, members) -> None:
    from quiz.library import Analyzer

    assert [span.text for span in Analyzer(tokenizer).enumeration(sentence)] == members


def test_stems_lose_the_bullet_dash() -> None:
    from quiz.spans import strip_labels

    assert strip_labels("——中国式现代化是人口规模巨大的现代化。") == "中国式现代化是人口规模巨大的现代化。"
    assert strip_labels("第三条 （一）政协委员应当履职。") == "政协委员应当履职。"


def test_a_term_inside_a_name_is_not_blanked(tokenizer: ChineseTokenizer) -> None:
    from quiz.library import Analyzer

    spans = Analyzer(tokenizer).spans("中国人民政治协商会议各参加单位和个人都要维护会徽的尊严。")
    assert "政治协商" not in [span.text for span in spans]


def test_distractors_are_the_same_kind_of_thing_and_read_naturally() -> None:
    from quiz.distractors import fits_after, same_head

    assert same_head("形式主义", "官僚主义") and not same_head("奢靡之风", "常务委员会")
    assert not fits_after("全国和地方", "本级人民代表大会") and fits_after("全国和", "地方各级人民代表大会")


def test_a_listed_power_or_a_pointer_to_other_text_is_no_item(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    from conftest import write_files

    from library.files import uploads_from_paths
    from library.service import Library
    from retrieval.settings import Settings

    powers = "第一条 全体会议行使下列职权：\n（一）修改本会章程，监督常务委员会的工作；\n（二）选举全国委员会的主席；\n"
    pointer = "第三条 违反前款规定的，由常务委员会处二百元罚款。"  # 前款 is not in the item
    text = f"# 某会章程\n\n{powers}\n第二条 全体会议每年举行一次，由常务委员会召集。\n\n{pointer}\n"
    write_files(tmp_path / "lib", {"rules.md": text})
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    writer = Library(settings, tokenizer=tokenizer, embedder=None)
    writer.add_many(uploads_from_paths([tmp_path / "lib"], settings))
    writer.close()
    kb = KnowledgeBase(settings, tokenizer=tokenizer, embedder=None)
    try:
        request = QuizRequest((Material(kb.documents()[0].doc_id),), {"判断": 5, "单选": 5, "填空": 5})
        stems = [item.stem for item in QuizGenerator(kb).generate(request).items]
        assert stems and all("修改本会章程" not in stem and "选举全国委员会" not in stem for stem in stems)
        assert all("前款" not in stem for stem in stems)
    finally:
        kb.close()


def test_a_year_read_digit_by_digit_gets_years_as_distractors(tokenizer: ChineseTokenizer) -> None:
    from quiz.distractors import number_variants
    from quiz.library import Analyzer

    (year,) = [s for s in Analyzer(tokenizer).spans("从二〇三五年到本世纪中叶建成现代化强国。") if s.kind == "number"]
    assert (year.text, year.family) == ("二〇三五年", "year-chinese")
    assert number_variants(year)[:3] == ["二〇三〇年", "二〇四〇年", "二〇二五年"]


def test_a_distractor_that_names_the_key_in_other_words_is_not_used() -> None:
    from quiz.distractors import choose

    pool = ["一百年", "地方各级党委", "五十年", "三十日", "县级党委"]
    # 县级党委 after 地方各级党委: one body at two levels, one option twice
    assert choose("百年", pool, "", lambda d: False, count=5) == ["地方各级党委", "五十年", "三十日"]
    # 县级党委 is 各级党委 at one level: the statement would stay true or the item have two answers
    assert choose("各级党委", pool, "", lambda d: False, count=5) == ["一百年", "五十年", "三十日"]
    assert "三十日" not in choose("30日", pool, "", lambda d: False, count=5)
    assert choose("5%", ["15%", "5.0%", "50%"], "", lambda d: False, count=3) == ["15%", "50%"]
    assert choose("党中央", ["中共中央", "国务院"], "", lambda d: False, count=2) == ["国务院"]  # one body


def test_body_distractors_are_of_the_keys_system_and_not_the_stems_own_body() -> None:
    from quiz.distractors import body_system, choose, names_the_same

    assert names_the_same("本级人民代表大会", "地方人民代表大会") and names_the_same("乡镇党委", "地方党委")
    assert not names_the_same("全国人民代表大会", "地方人民代表大会")  # 全国 is no level of a local body
    assert body_system("地方委员会") == "" != body_system("本级人民代表大会常务委员会")
    assert body_system("审判机关") != body_system("地方党委")
    stem = "全国人民代表大会和归侨人数较多地区的____，应当有适当名额的归侨代表。"
    pool = ["中华人民共和国全国人民代表大会", "本级人民代表大会常务委员会"]
    assert choose("地方人民代表大会", pool, stem, lambda d: False, count=2) == ["本级人民代表大会常务委员会"]


def test_a_share_of_at_most_a_hundred_percent_keeps_its_distractors_below_it() -> None:
    from quiz.distractors import number_variants
    from quiz.spans import Span

    assert all(float(v.rstrip("%")) <= 100 for v in number_variants(Span(0, 3, "60%", "number", "percent")))
    assert any(float(v.rstrip("%")) > 120 for v in number_variants(Span(0, 4, "120%", "number", "percent")))


def test_a_large_number_has_no_multiples_of_itself_as_distractors(tokenizer: ChineseTokenizer) -> None:
    from quiz.distractors import number_variants
    from quiz.library import Analyzer

    (seats,) = [s for s in Analyzer(tokenizer).spans("代表总名额不得超过四百五十名。") if s.text == "四百五十名"]
    variants = number_variants(seats)
    assert variants and not {"二百二十五名", "九百名", "一千三百五十名"} & set(variants)  # ÷2, ×2, ×3 give it away
    assert any(v in variants for v in ("三百六十名", "三百二十名")) and "五百六十名" in variants  # a fifth or so off


def test_a_session_gets_its_neighbours_and_two_things_are_spelled_liang(tokenizer: ChineseTokenizer) -> None:
    from quiz.distractors import number_variants
    from quiz.library import Analyzer

    analyzer = Analyzer(tokenizer)
    (session,) = [s for s in analyzer.spans("全面贯彻落实党的二十届二中全会精神。") if s.text == "二十届"]
    assert set(number_variants(session)) == {"十九届", "十八届", "二十一届", "二十二届"}  # not 四十届 or 十届
    (events,) = [s for s in analyzer.spans("我们经历了三件大事。") if s.kind == "number"]
    assert "两件" in number_variants(events) and "二件" not in number_variants(events)
    (days,) = [s for s in analyzer.spans("应当在三日内作出决定。") if s.kind == "number"]
    assert "二日" in number_variants(days)  # 二 before units of time, as the law writes it


def test_a_list_whose_members_share_an_ending_gets_distractors_with_it() -> None:
    from quiz.distractors import shared_ending

    assert shared_ending(["经济建设", "政治建设", "文化建设"]) == "建设"
    assert shared_ending(["面貌一新", "体制一新"]) == "一新"
    assert shared_ending(["来信", "来访", "电话"]) == ""
    assert shared_ending(["建设", "经济建设"]) == ""  # a member that is only the ending: no pattern


def test_a_reform_slogan_ending_in_quan_is_not_a_right(tokenizer: ChineseTokenizer) -> None:
    from quiz.library import Analyzer

    spans = Analyzer(tokenizer).spans("深化简政放权，保障公民的选举权和被选举权。")
    rights = [s.text for s in spans if s.kind == "right"]
    assert "简政放权" not in rights and "被选举权" in rights


REPORT_2030 = """# 某市政协工作报告

## 一、过去一年的工作

全年共收到委员提案412件，立案386件，办复率达到100%。市政协组织委员视察调研56次，形成调研报告23篇。\
各专门委员会举办专题协商会12场，提出意见建议300余条。四是委员读书活动覆盖全体委员，累计开展读书分享会48场。

## 二、今年的主要任务

今年要召开全体会议1次、常务委员会会议4次。各专门委员会要围绕乡村振兴开展专题调研。
"""


def test_multiple_choice_asks_which_statements_of_a_passage_are_true(tmp_path: Path, tokenizer) -> None:
    kb = build_library(tmp_path, tokenizer, {**QUIZ_LIBRARY, "report.md": REPORT_2030})
    generator = QuizGenerator(kb)
    result = generator.generate(QuizRequest((Material(doc_id(kb, "某市政协工作报告")),), {"多选": 2}, seed=1))
    items = [i for i in result.items if i.kind == "statements"]
    assert items, result.rejected
    item = items[0]
    assert item.stem == "根据《某市政协工作报告》（一、过去一年的工作），下列说法正确的有哪些？（多选）"
    keys = item.key_texts
    wrong = [o for o in item.options if o not in keys]
    assert len(keys) >= 2 and wrong
    passage = norm(item.source.passage)
    assert all(norm(k) in passage for k in keys)  # the true statements quote the passage
    assert not any(o.startswith("四是") for o in item.options)  # a report's point marker stays out of the option
    library = generator.library()
    for option in wrong:  # a wrong one is stated nowhere, and is one of the passage's sentences changed
        assert norm(option) not in passage and not library.states(option)
        assert any(
            norm(original) in passage for original in item.explanation.removeprefix("错误的说法原文为：").split("；")
        )


def test_statement_items_are_duplicates_only_when_they_share_a_statement() -> None:
    from quiz.checks import is_near_duplicate
    from quiz.model import QuizItem, Source

    def statements(*options: str) -> QuizItem:
        return QuizItem(
            type="多选",
            stem="根据《某市政协工作报告》（一、过去一年的工作），下列说法正确的有哪些？（多选）",
            answer="AB",
            options=options,
            explanation="",
            source=Source(passage="".join(options)),
            kind="statements",
        )

    first = statements("全年共收到委员提案412件", "立案386件", "办复率达到100%")
    assert not is_near_duplicate(first, statements("视察调研56次", "形成调研报告23篇", "专题协商会12场"))
    assert is_near_duplicate(first, statements("立案386件", "形成调研报告23篇", "专题协商会12场"))


def test_loose_numbers_set_phrases_and_amendment_records_are_not_asked(tokenizer: ChineseTokenizer) -> None:
    from quiz.library import Analyzer

    numbers = lambda text: [s.text for s in Analyzer(tokenizer).spans(text) if s.kind == "number"]  # noqa: E731
    assert numbers("以“得罪千百人、不负十四亿”的使命担当祛疴治乱。") == []  # 千百人 is no amount
    assert numbers("新的一年，要深入贯彻新时代军事战略方针。") == []  # nor is 新的一年
    assert numbers("选区按照每一选区选一名至三名代表划分。") == ["一名", "三名"]
    record = "根据2010年3月14日第十一届全国人民代表大会第三次会议《关于修改〈中华人民共和国选举法〉的决定》第五次修正。"
    from quiz.generate import _Run
    from quiz.library import Sentence
    from retrieval.types import Chunk

    assert not _Run.usable(Sentence(Chunk("c", "d", record, "选举法"), record, 0, 0))


def test_a_number_under_a_bound_gets_no_distractor_that_keeps_it_true() -> None:
    from quiz.distractors import still_true

    assert still_true("60%", "30%", "全球市场份额超过", "。")  # 超过60% → 超过30% is true as well
    assert not still_true("60%", "90%", "全球市场份额超过", "。")
    assert still_true("十天", "二十天", "每次出访时间不超过", "")
    assert still_true("五百人", "三百人", "参加培训的委员达", "以上。")
    assert not still_true("三分之二", "二分之一", "由全体代表的", "以上的多数通过。")  # fractions: not compared
    assert not still_true("六十日", "九十日", "应当自受理之日起", "内办结。")  # a rule's deadline is the rule


def test_centenaries_are_no_counts(tokenizer: ChineseTokenizer) -> None:
    from quiz.library import Analyzer

    spans = Analyzer(tokenizer).spans("实现第二个百年奋斗目标，如期实现建军一百年奋斗目标。")
    assert [s.text for s in spans if s.kind == "number"] == []


def test_a_blank_the_cited_title_spells_out_is_not_asked() -> None:
    from quiz.generate import given_by_title
    from quiz.library import Sentence
    from quiz.spans import Span
    from retrieval.types import Chunk

    text = "各地要把实施乡村振兴战略摆在优先位置，每年安排专项资金300亿元。"
    sentence = Sentence(Chunk("c", "d", text, "中共中央 国务院关于实施乡村振兴战略的意见"), text, 0, 0)
    assert given_by_title(Span(4, 10, "乡村振兴战略", "term"), sentence)  # 根据《…乡村振兴战略的意见》 gives it away
    assert not given_by_title(Span(25, 31, "300亿元", "number"), sentence)
    assert not given_by_title(Span(0, 2, "各地", "body"), sentence)
