"""Issue 9's levers, each on a small real library (real jieba, bm25s, catalog; no dense leg): every test shows the
behaviour with the lever and, where it is a switch, that the same question fails without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_files

from eval.datasets import QAItem
from eval.levers import LeverRunner, WithheldScores, refusal_threshold, withheld_scores
from library.files import uploads_from_paths
from library.service import Library
from retrieval.answer import LOW_CONFIDENCE, NO_ANSWER
from retrieval.answer_types import Asked
from retrieval.kb import KnowledgeBase
from retrieval.outline import LibraryOutline
from retrieval.refusal import RefusalModel
from retrieval.search import SearchOptions
from retrieval.settings import Settings
from retrieval.structured import best_section, heading_carries, place_words
from retrieval.terms import QueryTerms
from retrieval.tokenizer import ChineseTokenizer
from retrieval.types import Chunk

UNION = """# 某市职工组织条例

第一条 用人单位有会员二十五人以上的，应当建立基层工会委员会。

第二条 单位应当为会员提供服务，会员应当遵守单位章程，单位应当保障会员权利，会员应当支持单位工作。

第三条 基层工会委员会每届任期三年或者五年。

第四条 学生连续旷课超过规定时间的，学校可以予以除名。

第五条 信访事项应当及时办结，不得推诿、敷衍、拖延。信访事项应当自受理之日起60日内办结。

第六条 下列事项应当经会员大会讨论决定：
（一）会员会费的收缴标准以及减免会费的具体条件、审批程序和公示办法；
（二）年度经费预算和决算以及经费审查委员会提出的审查意见和整改方案；
（三）委员会成员的补选以及委员会主任、副主任的罢免事项和罢免程序；
（四）职工疗休养、职工文体活动和职工技能竞赛的组织方案及经费安排；
（五）大额慰问金、困难职工帮扶资金的发放对象、发放标准和发放程序；
（六）与单位签订集体合同、工资专项集体合同的方案及履行情况的监督；
（七）会员大会认为应当讨论决定的其他事项。

第七条 党员应当按照规定交纳党费。党费的收缴、使用和管理，由党的组织负责。

第八条 政协主席主持常务委员会的工作，政协主席由全体会议选举产生。

第九条 经营者不得对消费者进行侮辱、诽谤，不得搜查消费者的身体及其携带的物品。
"""

REPORT = """关于全市政协系统党的建设工作的调研报告

一、经验做法

（一）发挥党组领导作用

政协党组把方向、管大局、保落实，每年专题研究党建工作。

（二）强化思想理论武装

坚持“第一议题”制度，政协委员每月集中学习一次。

二、存在问题

（一）理论学习载体不多

学习局限于全委会和常委会，政协委员参与的学习渠道不宽。

（二）制度执行不够有力

一些县区政协的制度在执行上不够，存在“把说了当做了”的形式主义。

（三）党建和业务融合不够

谋划党建和业务工作缺乏系统性，“两张皮”现象突出。

三、工作建议

（一）加强示范引领

要把坚持党的全面领导摆在政协工作首位。
"""

NINTH = (
    "第九条 为了进一步加强委员队伍建设、规范委员履职行为、提高委员履职能力、密切委员同界别群众的联系、"
    "推动委员更好发挥主体作用、增强委员的责任意识和担当精神，经县政协常务委员会第三次会议研究决定并报县委同意，"
    "委员每年至少参加两次视察活动，并在视察结束后按时提交视察报告。"
)
LONG = f"""# 某县政协委员管理办法

{NINTH}

第十条 委员应当每年向界别群众报告履职情况。应当在每年十二月底前完成报告。...
"""


@pytest.fixture
def library(tmp_path: Path, tokenizer: ChineseTokenizer) -> KnowledgeBase:
    """The small library under the shipped settings, BM25 legs only (the dense leg is not what is tested)."""
    write_files(tmp_path / "lib", {"union.md": UNION, "report.txt": REPORT, "long.md": LONG})
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    writer = Library(settings, tokenizer=tokenizer, embedder=None)
    writer.add_many(uploads_from_paths([tmp_path / "lib"], settings))
    writer.close()
    kb = KnowledgeBase(settings, tokenizer=tokenizer)
    yield kb
    kb.close()


def view(kb: KnowledgeBase, **overrides: object) -> KnowledgeBase:
    """The same index read under other settings (one lever switched)."""
    return KnowledgeBase(kb.settings.model_copy(update=overrides), tokenizer=kb.tokenizer, embedder=None)


def options(**legs: float) -> SearchOptions:
    return SearchOptions(bm25_weight=1.0, dense_weight=0.0, **legs)


# -- search levers ------------------------------------------------------------------------------------------------
def test_char_bigrams_find_what_word_segmentation_splits(library: KnowledgeBase) -> None:
    question = "单位有多少会员就应当建工会？"  # jieba cuts 建工|会: the word leg never sees 工会
    assert "工会" not in library.tokenizer.tokenize(question)
    chunks = {c.id: c.text for d in library.documents() for c in library.chunks_of(d.doc_id)}
    words = library.searcher.bm25_leg(question, 3)
    bigrams = library.searcher.bigram_leg(question, 3)
    assert "二十五人以上" not in chunks[words[0][0]]
    assert "二十五人以上" in chunks[bigrams[0][0]]


def test_cilin_synonyms_reach_words_the_question_does_not_use(library: KnowledgeBase) -> None:
    question = "会被开除吗？"  # the text says 除名; 词林 has 开除 = 除名, the domain thesaurus does not
    assert not any("除名" in alternative for alternative in library.thesaurus.alternatives("开除"))
    without = library.search(question, k=1, options=options())
    with_cilin = library.search(question, k=1, options=options(cilin_weight=0.15))
    assert not without or "除名" not in without[0].chunk.text
    assert "除名" in with_cilin[0].chunk.text


def test_cilin_synonyms_weigh_less_than_the_questions_own_words(library: KnowledgeBase) -> None:
    from retrieval.query import weighted_query

    weights = weighted_query("学生会被开除吗", library.tokenizer, library.index.lexical(), None, library.cilin, 0.15)
    assert weights["开除"] == 1.0 and weights["除名"] == pytest.approx(0.15)


def test_cilin_stands_in_fully_for_a_word_the_library_never_uses(library: KnowledgeBase) -> None:
    from retrieval.query import weighted_query
    from retrieval.terms import weigh_terms

    question = "顾客被保安翻包了怎么办？"  # 顾客 is never used; 词林 has 顾客 = 消费者, which the text uses
    lexical, tokenizer, cilin = library.index.lexical(), library.tokenizer, library.cilin
    assert lexical.document_frequency("顾客") == 0 and lexical.document_frequency("消费者") > 0
    assert weighted_query(question, tokenizer, lexical, None, cilin, 0.15, cilin_stand_in=0.8)["消费者"] == 0.8
    assert weighted_query(question, tokenizer, lexical, None, cilin, 0.15)["消费者"] == 0.15
    classes = tokenizer.term_classes(question)
    standing_in = weigh_terms(classes, lexical, None, cilin, 0.15, stand_in_credit=0.8)
    weak = weigh_terms(classes, lexical, None, cilin, 0.15)
    assert "顾客" not in standing_in.unseen and "顾客" in weak.unseen
    passage = set(tokenizer.tokenize("经营者不得搜查消费者的身体"))
    assert standing_in.coverage(passage) > 2 * weak.coverage(passage)
    answer = library.ask(question)
    assert answer.found and "搜查消费者" in answer.text


def test_an_unseen_noun_weighs_half_the_rarest_word(library: KnowledgeBase) -> None:
    from retrieval.terms import weigh_terms

    lexical = library.index.lexical()
    classes = library.tokenizer.term_classes("红烧肉的党费怎么交？")  # 红烧肉: a noun the library never uses
    full = weigh_terms(classes, lexical)
    half = weigh_terms(classes, lexical, unseen_factor=0.5)
    assert "红烧肉" in full.unseen and half.weights["红烧肉"] == pytest.approx(full.weights["红烧肉"] / 2)
    assert half.weights["党费"] == full.weights["党费"]
    assert half.coverage({"党费"}) > full.coverage({"党费"})


def test_title_and_heading_boosts_prefer_the_passage_named_by_its_heading(library: KnowledgeBase) -> None:
    searcher = library.searcher
    chunks = {c.id: c for d in library.documents() for c in library.chunks_of(d.doc_id)}
    in_problems = next(c for c in chunks.values() if "两张皮" in c.text)
    in_advice = next(c for c in chunks.values() if "全面领导摆在" in c.text)
    tied = [(in_advice.id, 1.0), (in_problems.id, 1.0)]
    boosted = searcher._field_boosted(tied, chunks, "党建和业务融合不够", options(heading_boost=0.1))
    unboosted = sorted(tied, key=lambda item: (-item[1], item[0]))
    assert boosted[0][0] == in_problems.id and boosted[0][1] > 1.0
    assert unboosted[0][0] == min(in_advice.id, in_problems.id)  # without the boost a tie falls to the id


# -- answer levers ------------------------------------------------------------------------------------------------
def test_answer_typing_prefers_the_sentence_with_a_duration(library: KnowledgeBase) -> None:
    question = "信访事项要几天办结？"  # two sentences cover it equally; one holds a duration
    assert "60日内" in view(library, answer_max_sentences=1).ask(question).text
    assert "60日内" not in view(library, answer_max_sentences=1, answer_typing=False).ask(question).text


ELECTION = """# 某县选举实施细则

第二十八条 选举委员会对公布的选民名单的申诉，应当在五日内作出处理决定，选民名单随之公布。

第二十九条 选民名单应在选举日的二十日以前公布，并发给选民证。
"""


@pytest.fixture
def small_library(tmp_path: Path, tokenizer: ChineseTokenizer):
    """A library of the given texts under the shipped settings (with overrides), BM25 legs only."""
    opened: list[KnowledgeBase] = []

    def make(files: dict[str, str], **overrides: object) -> KnowledgeBase:
        write_files(tmp_path / "lib", files)
        settings = Settings(data_dir=tmp_path / "data", embedding_model="none", **overrides)
        writer = Library(settings, tokenizer=tokenizer, embedder=None)
        writer.add_many(uploads_from_paths([tmp_path / "lib"], settings))
        writer.close()
        opened.append(KnowledgeBase(settings, tokenizer=tokenizer))
        return opened[-1]

    yield make
    for kb in opened:
        kb.close()


def test_answer_sentences_said_as_the_question_says_them_win(small_library) -> None:
    kb = small_library({"election.md": ELECTION}, answer_max_sentences=1)
    question = "选民名单要在选举日前多少天公布？"  # both sentences hold 选民名单, 公布 and a number of 日
    assert "二十日以前" in kb.ask(question).text
    without_levers = view(kb, sentence_bigram_weight=0.0, answer_value_clause_weight=0.0)
    assert "二十日以前" not in without_levers.ask(question).text
    # the clause holding 二十日 says 选民名单 and 公布 too: it picks the sentence without the bigrams
    assert "二十日以前" in view(kb, sentence_bigram_weight=0.0).ask(question).text


TWELFTH = (
    "第十二条 县政协委员会和各专门委员会推动委员自觉学习党的理论和路线方针政策、人民政协理论和统一战线理论，"
    "组织学习时事政治和经济社会发展形势，学习交流业务知识、科学技术知识、法律知识和历史文化知识，"
    "增强政治把握能力、调查研究能力、联系群众能力、合作共事能力。"
)
RULES = f"""# 某县政协委员学习规则

{TWELFTH}

第十三条 委员应当认真学习本规则，报告提出的要求全体委员都要落实。

第十五条 委员提出的意见应当及时办理。

第十六条 全体委员务必谦虚谨慎，务必敢于斗争，这是报告的要求。

第十四条 有下列行为之一的，由县政协机关给予警告，并处通报批评：
（一）使用虚假材料骗领委员证的；
（二）出租、出借、转让委员证的；
（三）扣押他人委员证的。
"""


def test_the_answering_clause_counts_the_title_for_every_clause(small_library) -> None:
    # 政协 and 委员会 in the first clause name the document, which the title already does: the clause that
    # holds 增强 … 能力 is the answer
    kb = small_library({"rules.md": RULES}, answer_max_sentences=1)
    answer = kb.ask("政协委员学习规则要求委员增强哪几种能力？").text
    assert answer.startswith("增强政治把握能力") and "合作共事能力" in answer


def test_a_quoted_phrase_is_what_the_question_is_about(small_library) -> None:
    kb = small_library({"rules.md": RULES}, answer_max_sentences=1)
    question = "报告提出的“务必”指什么？"  # jieba tags 务必 an adverb: unquoted it would weigh a tenth
    classes = kb.tokenizer.term_classes(question)
    assert classes["务必"] == "content" and kb.tokenizer.term_classes("报告提出务必指什么")["务必"] == "function"
    assert "务必谦虚谨慎" in kb.ask(question).text


def test_a_list_item_comes_with_the_rule_that_introduces_it(small_library) -> None:
    kb = small_library({"rules.md": RULES}, answer_max_sentences=1)
    answer = kb.ask("把委员证出借给别人会怎么样？").text
    assert "给予警告" in answer and "（二）出租、出借、转让委员证的" in answer
    assert "（一）" not in answer  # only the item asked about, not the whole list


def test_a_heading_question_is_answered_with_its_sub_headings(library: KnowledgeBase) -> None:
    answer = library.ask("报告指出存在哪些问题？")
    for heading in ("理论学习载体不多", "制度执行不够有力", "党建和业务融合不够"):
        assert heading in answer.text
    assert len(answer.citations) == 3 and "[3]" in answer.text
    assert "理论学习载体不多" not in view(library, structured_answers=False).ask("报告指出存在哪些问题？").text


@pytest.mark.parametrize("question", ["报告指出的问题里，排在第二的是什么？", "存在问题的第二点是什么？"])
def test_a_point_asked_by_its_place_is_that_sub_heading(library: KnowledgeBase, question: str) -> None:
    answer = library.ask(question)
    assert "制度执行不够有力" in answer.text and "理论学习载体不多" not in answer.text
    assert len(answer.citations) == 1 and "形式主义" in answer.citations[0].chunk.text
    assert answer.text.startswith("存在问题的第2项：")
    assert not view(library, structured_answers=False).ask(question).text.startswith("存在问题的第2项")


ADVICE_REPORT = """关于全市政协系统读书活动的调研报告

一、主要成效

（一）学习平台更加丰富

各级政协搭建线上读书群，委员参与率明显提高。

（二）读书成果转化增多

读书心得转化为提案和社情民意信息。

二、工作建议

（一）健全读书激励机制

对表现突出的委员予以通报表扬。

（二）拓展读书成果运用

推动读书成果进入协商议政。
"""
DEPUTY_RULES = (
    "# 某市人大代表工作规则\n\n"
    + "\n\n".join(
        f"第{n}条 代表可以向本级人民代表大会提出{topic}方面的建议、批评和意见，有关机关研究处理后向代表报告工作情况。"
        for n, topic in zip("一二三四五六七八", ("教育", "医疗", "交通", "环境", "住房", "就业", "养老", "治安"))
    )
    + "\n\n第九条 有第一条第二项情形的，排在第二的代表先发言；第二项建议由第二组审议。"
)


@pytest.fixture
def outlined(tmp_path: Path, tokenizer: ChineseTokenizer):
    """A report among rules whose every article says 提出…建议…报告: its sections rank below the top hits."""
    write_files(tmp_path / "lib", {"report.txt": ADVICE_REPORT, "rules.md": DEPUTY_RULES})
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    writer = Library(settings, tokenizer=tokenizer, embedder=None)
    writer.add_many(uploads_from_paths([tmp_path / "lib"], settings))
    writer.close()
    kb = KnowledgeBase(settings, tokenizer=tokenizer)
    yield kb
    kb.close()


def test_a_list_question_finds_its_section_by_the_library_outline(outlined: KnowledgeBase) -> None:
    question = "报告提出了哪些工作建议？"
    report = next(d.doc_id for d in outlined.documents() if "调研报告" in d.title)
    hits = outlined.search(question, outlined.settings.top_k)
    assert report not in {h.chunk.doc_id for h in hits}  # the section is not among the passages answered from
    answer = outlined.ask(question)
    assert (
        answer.text.startswith("工作建议：") and "健全读书激励机制" in answer.text and "拓展读书成果运用" in answer.text
    )
    assert {c.chunk.doc_id for c in answer.citations} == {report} and len(answer.citations) == 2
    # a member's 检索范围 bounds the outline too
    rules = next(d.doc_id for d in outlined.documents() if d.doc_id != report)
    assert "健全读书激励机制" not in outlined.ask(question, [rules]).text


def test_a_heading_needs_to_carry_only_what_its_title_leaves_of_the_question(outlined: KnowledgeBase) -> None:
    # 调研报告 and 读书活动 are the title's; 工作建议 carries the rest (建议), though little of the whole question
    answer = outlined.ask("调研报告对读书活动提了哪些建议？")
    assert answer.text.startswith("工作建议：") and "健全读书激励机制" in answer.text
    assert heading_carries(0.15, 0.7, 0.85, 0.2) and not heading_carries(0.15, 0.0, 0.15, 0.2)


@pytest.mark.parametrize("question", ["工作建议的第二项是什么？", "工作建议里排在第二的是什么"])
def test_a_place_asked_of_a_section_is_not_a_word_its_heading_must_hold(outlined: KnowledgeBase, question: str) -> None:
    answer = outlined.ask(question)
    assert answer.text.startswith("工作建议的第2项：") and "拓展读书成果运用" in answer.text
    said = place_words(question, outlined.tokenizer.tokenize)
    assert said and not said & {"工作", "建议"}  # 第2项; 第二 and 里排 (jieba's cut across 里|排在)


def test_a_document_found_by_its_outline_alone_must_name_every_noun(tokenizer: ChineseTokenizer) -> None:
    rows = [("report", "读书活动调研报告", ("一、主要成效", kid)) for kid in ("（一）平台丰富", "（二）成果增多")]
    outline = LibraryOutline.build(rows, tokenizer.tokenize)
    about_results = QueryTerms(weights={"报告": 1.0, "成效": 1.0}, nouns=frozenset({"报告", "成效"}))
    assert outline.documents_naming(about_results, 0.5, 0.2) == ["report"]
    # 医疗 is a word of the rules, not of the report's outline: 主要成效 is no answer to the question
    about_health = QueryTerms(
        weights={"报告": 1.0, "医疗": 1.0, "成效": 1.0}, nouns=frozenset({"报告", "医疗", "成效"})
    )
    assert about_health.coverage(outline.entries[0].tokens) >= 0.5  # enough without the nouns' bar
    assert outline.documents_naming(about_health, 0.5, 0.2) == []
    assert outline.within({"rules"}).documents_naming(about_results, 0.5, 0.2) == []


def test_a_section_answers_only_if_its_heading_names_what_is_asked(tokenizer: ChineseTokenizer) -> None:
    law = [
        Chunk(f"c{n}", "law", "第一条 ……", "某市人民代表大会工作条例", ("第一章 人民代表大会", kid), position=n)
        for n, kid in enumerate(("第一节 组成和任期", "第二节 职权"))
    ]
    # “人大代表有哪些权利” in the shared corpus: 人大 and 代表 weigh most, and the chapter's heading and its law's
    # title carry both; but not 权利, so its 节 are no answer (第七条 代表享有下列权利 is)
    terms = QueryTerms(weights={"人民代表大会": 3.0, "代表": 3.0, "权利": 2.0}, nouns=frozenset({"代表", "权利"}))

    def coverage(text: str) -> float:
        return terms.coverage(set(tokenizer.tokenize(text)))

    def names_all(text: str) -> bool:
        return terms.noun_coverage(set(tokenizer.tokenize(text))) >= 1.0

    assert best_section([law], coverage, 0.5, 0.2) is not None  # coverage alone would answer with the 节
    assert best_section([law], coverage, 0.5, 0.2, names_all) is None


SERVANTS = """# 某市公务员管理条例

第三条 公务员的义务、权利和管理，适用本条例。

第十四条 公务员应当履行下列义务：
（一）忠于宪法，模范遵守、自觉维护宪法和法律；
（二）忠于国家，维护国家的安全、荣誉和利益；
（三）忠于人民，全心全意为人民服务。

第十五条 公务员享有下列权利：
（一）获得履行职责应当具有的工作条件；
（二）参加培训。
"""


def test_a_list_question_is_answered_by_the_rule_that_lists_what_it_asks(small_library) -> None:
    kb = small_library({"servants.md": SERVANTS})
    answer = kb.ask("公务员有哪些义务？")
    # 第三条 names 义务 among other things; 第十四条 lists them
    assert answer.text.startswith("第十四条 公务员应当履行下列义务：") and "（三）忠于人民" in answer.text
    assert Asked.of("公务员有哪些义务？").listed == "义务" and Asked.of("监察委员会有哪几项职责").listed == "职责"


def test_an_enumeration_comes_whole(library: KnowledgeBase) -> None:
    question = "哪些事项要经会员大会讨论决定？"
    whole = library.ask(question).text
    assert "（一）会员会费的收缴标准" in whole and "（七）会员大会认为应当讨论决定的其他事项" in whole
    cut = view(library, structured_answers=False).ask(question).text
    assert "（七）" not in cut  # the old answer stopped after 240 characters of items


def test_a_named_article_is_returned_whole(library: KnowledgeBase) -> None:
    answer = library.ask("职工组织条例第三条讲的什么")
    assert answer.found and answer.text.startswith("第三条 基层工会委员会每届任期三年或者五年")
    assert answer.citations[0].chunk.heading[-1] == "第三条"


def test_clause_answers_drop_ellipses_and_long_preambles(library: KnowledgeBase) -> None:
    question = "委员每年至少参加几次视察？"
    clause = library.ask(question).text
    sentence = view(library, clause_answers=False).ask(question).text
    assert "两次视察" in clause and "两次视察" in sentence
    assert "第三次会议研究决定" in sentence and "第三次会议研究决定" not in clause
    reported = library.ask("委员应当在什么时候前完成报告？").text
    assert "十二月底前" in reported and "..." not in reported


def test_highlight_terms_leave_out_words_found_everywhere(library: KnowledgeBase) -> None:
    answer = library.ask("政协委员每月集中学习几次？")
    assert "第一议题" in answer.text or "每月集中学习" in answer.text
    assert "学习" in answer.highlight_terms or "集中" in answer.highlight_terms
    assert "政协" in answer.query_terms and "政协" not in answer.highlight_terms


# -- refusal ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("question", ["现任政协主席是谁？", "党员每个月要交多少钱的党费？", "当政协主席要多大年纪？"])
def test_on_topic_questions_the_library_does_not_answer_are_refused(library: KnowledgeBase, question: str) -> None:
    refused = library.ask(question)
    assert not refused.found and refused.text.startswith(NO_ANSWER) and refused.citations == ()
    assert view(library, calibrated_refusal=False).ask(question).found  # coverage alone answered it


def test_an_exact_match_carries_no_warning(library: KnowledgeBase) -> None:
    answer = library.ask("基层工会委员会每届任期几年？")
    assert answer.found and "三年或者五年" in answer.text
    assert LOW_CONFIDENCE not in answer.notices and answer.confidence is not None and answer.confidence > 0.6


def test_a_big_library_builds_the_bigram_leg_in_the_background(library: KnowledgeBase) -> None:
    import time

    from retrieval.derived_legs import DerivedLegs

    legs = DerivedLegs(library.catalog, sync_build_chunks=0)  # every library counts as big here
    assert legs.bigram() is None  # the first search goes on without the leg while it is built
    deadline = time.monotonic() + 30
    while legs.bigram() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    built = legs.bigram()
    assert built is not None and built.search("基层工会委员会", 1)


FOOD_SHOP = """# 某市食品经营规定

第一条 超过保质期的食品，经营者应当单独存放。

第二条 超过保质期的食品应当及时销毁。

第三条 食品经营者在经营活动中不得出售、赠送超过保质期或者标注虚假生产日期的食品，违反规定的依法处理。
"""


def test_a_one_character_verb_finds_the_two_character_word_the_law_uses(
    tmp_path: Path, tokenizer: ChineseTokenizer
) -> None:
    # members say 卖, laws say 出售 / 销售: without the thesaurus entry the question's only verb matches
    # nothing, and the article that merely stores such food ranks as high as the one that forbids selling it
    write_files(tmp_path / "lib", {"food.md": FOOD_SHOP})
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    writer = Library(settings, tokenizer=tokenizer, embedder=None)
    writer.add_many(uploads_from_paths([tmp_path / "lib"], settings))
    writer.close()
    kb = KnowledgeBase(settings, tokenizer=tokenizer)
    try:
        assert ("出售",) in kb.thesaurus.alternatives("卖")
        question = "超过保质期的食品，店里还能卖吗？"
        assert "不得出售" in kb.search(question, 1)[0].chunk.text
        answer = kb.ask(question)
        assert answer.found and answer.text.startswith("第三条")
    finally:
        kb.close()


def test_the_people_of_a_members_story_and_a_glued_asking_word_weigh_nothing(library: KnowledgeBase) -> None:
    from retrieval.answer_types import asking_words
    from retrieval.terms import weigh_terms

    # 表哥 and 闺女 say who the story is about and 多少钱 asks (jieba glues 多少 to 钱): none is a topic the
    # library lacks, but as unseen nouns each weighed the most and pulled the coverage of the answer down
    question = "我表哥的闺女在工会上班，会费一个月交多少钱？"
    lexical = library.index.lexical()
    classes = library.tokenizer.term_classes(question)
    assert {"表哥", "闺女", "多少钱"} <= set(classes)
    assert not any(lexical.document_frequency(w) for w in ("表哥", "闺女", "多少钱"))
    terms = weigh_terms(classes, lexical, library.thesaurus, library.cilin, asking=asking_words(question), refined=True)
    assert not {"表哥", "闺女", "多少钱"} & terms.unseen
    assert all(terms.weights[w] == 0 for w in ("表哥", "闺女", "多少钱"))
    unrefined = weigh_terms(classes, lexical, library.thesaurus, library.cilin)
    assert {"表哥", "闺女"} <= unrefined.unseen  # outside answer typing they still count as unseen
    assert terms.coverage({"会费", "工会"}) > 2 * unrefined.coverage({"会费", "工会"})


def test_the_place_of_a_members_story_weighs_nothing(library: KnowledgeBase) -> None:
    from retrieval.terms import weigh_terms

    # 厂里, 店里: a place and the 方位词 jieba joins to it; no text says them, and as unseen nouns each weighed the
    # most and pulled the coverage of the passage on 会费 down
    question = "厂里的工会会费，我在店里上班也要交吗？"
    lexical = library.index.lexical()
    classes = library.tokenizer.term_classes(question)
    assert {"厂里", "店里"} <= set(classes)
    assert not any(lexical.document_frequency(w) for w in ("厂里", "店里"))
    terms = weigh_terms(classes, lexical, library.thesaurus, library.cilin, refined=True)
    assert not {"厂里", "店里"} & terms.unseen
    assert terms.weights["厂里"] == terms.weights["店里"] == 0
    unrefined = weigh_terms(classes, lexical, library.thesaurus, library.cilin)
    assert {"厂里", "店里"} <= unrefined.unseen
    assert terms.coverage({"会费", "工会"}) > unrefined.coverage({"会费", "工会"})


def test_asking_phrases_and_colloquial_bounds_weigh_as_the_text_says_them(library: KnowledgeBase) -> None:
    from retrieval.answer_types import asking_words
    from retrieval.terms import weigh_terms

    assert "什么时候" in asking_words("调研是什么时候开展的")  # 时候 asks; it is not what the question is about
    question = "信访事项最长多久要办完？"  # the text says 不得超过 / 办结, not 最长 / 办完
    classes = library.tokenizer.term_classes(question)
    terms = weigh_terms(classes, library.index.lexical(), library.thesaurus, asking=asking_words(question))
    sentence = set(library.tokenizer.tokenize("信访事项应当自受理之日起60日内办结，不得超过三十日"))
    assert terms.covers("办完", sentence) and terms.covers("最长", sentence)


def test_a_fee_asked_with_a_bare_how_much_wants_an_amount(library: KnowledgeBase) -> None:
    from retrieval.answer_types import AnswerType, question_type

    assert question_type("党费每个月交多少？") is AnswerType.MONEY  # 费…多少 asks for money, not a count
    assert question_type("经费有多少个来源？") is AnswerType.COUNT
    assert not library.ask("党费每个月交多少？").found  # the text says who collects 党费, not how much
    assert question_type("入党要交多少党费？") is AnswerType.MONEY  # the fee named after 多少
    assert not library.ask("入党要交多少党费？").found
    assert question_type("违约了要付多少违约金？") is AnswerType.COUNT  # a law answers it by a rule (按照约定)


UNION_PAY = """# 某市工会工作规定

第一条 工会主席、副主席任期未满时，不得随意调动其工作。工会会员参加培训的，每天发给交通补贴五十元。

第二条 工会主席应当定期向会员大会报告工作。
"""


def test_an_amount_in_a_sentence_about_something_else_does_not_answer(small_library) -> None:
    kb = small_library({"pay.md": UNION_PAY})
    assert not kb.ask("工会主席一个月工资是多少钱？").found  # 五十元 is the trainees' allowance
    answer = kb.ask("工会会员参加培训，每天的交通补贴是多少钱？")
    assert answer.found and "五十元" in answer.text


def test_a_question_about_conditions_is_answered_with_the_listed_conditions(library: KnowledgeBase) -> None:
    from retrieval.answer_types import AnswerType, question_type

    question = "在什么情况下事项要经会员大会讨论决定？"  # the text lists them under 下列事项
    assert question_type(question) is AnswerType.LIST
    answer = library.ask(question).text
    assert "（一）会员会费的收缴标准" in answer and "（七）" in answer


TRAFFIC = """# 某省道路交通安全条例

第九十一条 饮酒后驾驶机动车的，处暂扣六个月机动车驾驶证，并处一千元以上二千元以下罚款。

第九十二条 公路客运车辆载客超过额定乘员的，处二百元以上五百元以下罚款。
"""


def test_everyday_words_reach_the_words_laws_use(small_library) -> None:
    kb = small_library({"traffic.md": TRAFFIC})
    # 驾照 and 酒驾 are never in the text: the everyday part of the thesaurus maps them to 驾驶证 and 饮酒后驾驶
    answer = kb.ask("酒驾被查到了，驾照要扣多久？")
    assert answer.found and "暂扣六个月" in answer.text


VILLAGE = """# 某县村务规定

第一条 村民委员会应当自新一届村民委员会产生之日起十日内完成工作移交。

第二条 村民委员会每届任期五年，届满应当及时举行换届选举。

第三条 村民委员会实行村务公开制度，接受村民监督。
"""


def test_one_term_of_office_is_asked_as_yi_jie(small_library) -> None:
    kb = small_library({"village.md": VILLAGE})
    # 一届 is how members say 每届 … 任期; the text's only 一届 is 新一届, about the handover
    answer = kb.ask("村委会一届干几年？")
    assert answer.found and "五年" in answer.text.split("[1]")[0]  # the first sentence answers


def test_a_compound_said_by_its_pieces_apart_is_covered() -> None:
    from retrieval.terms import QueryTerms

    # jieba's search mode weighs 申请入党, its pieces and the straddling 请入; 申请加入… says 申请 and 入党 apart
    terms = QueryTerms(weights={"申请": 1.0, "入党": 1.0, "请入": 1.0, "申请入党": 1.0, "岁数": 1.0})
    assert terms.coverage({"申请", "入党", "年满"}) == 0.8
    assert terms.coverage({"申请", "年满"}) == 0.2  # half a compound says nothing of it


def test_an_unseen_piece_of_a_compound_said_otherwise_is_covered() -> None:
    from retrieval.terms import QueryTerms

    # 摄像头 is said as 图像采集 (thesaurus); jieba's piece 像头 is a word of no text, 摄像 one of some texts
    terms = QueryTerms(
        weights={"摄像": 1.0, "像头": 1.0, "摄像头": 1.0, "人脸": 1.0},
        alternatives={"摄像头": (("图像采集", "图像", "采集"),)},
        unseen=frozenset({"像头"}),
    )
    assert terms.coverage({"图像采集"}) == 0.5  # 摄像头 and 像头, not 摄像: the text could say it and does not
    assert terms.coverage({"人脸"}) == 0.25


def test_an_age_question_is_answered_by_the_sentence_with_the_age() -> None:
    from retrieval.answer import Candidate, ExtractiveAnswerer
    from retrieval.answer_types import Asked

    # 党章: 第五条 (申请入党的人…才能成为正式党员) covers the question best but holds no age; 第一条 holds 年满十八岁
    no_age = Candidate(0, 0, ("申请入党的人……才能成为正式党员。",), score=1.4, cover=0.86, typed=False)
    age = Candidate(2, 0, ("年满十八岁的……可以申请加入中国共产党。",), score=1.2, cover=0.73)
    asked = Asked.of("多大岁数才能申请入党？")
    ranked = ExtractiveAnswerer._strict_type_first([no_age, age], asked)
    assert max(ranked, key=lambda c: c.score).parts == age.parts
    too_little = Candidate(2, 0, ("年满十八岁。",), score=0.5, cover=0.3)
    assert ExtractiveAnswerer._strict_type_first([no_age, too_little], asked) == [no_age, too_little]  # refused later
    assert ExtractiveAnswerer._strict_type_first([no_age, age], Asked.of("入党要经过哪些程序？")) == [no_age, age]


# -- the eval's withheld-document measure -----------------------------------------------------------------------
def test_withheld_document_makes_an_on_topic_question_the_library_must_refuse(library: KnowledgeBase) -> None:
    runner = LeverRunner(library)
    truant = QAItem("w1", "学生连续旷课超过规定时间，学校会怎么处理？", ("学校可以予以除名",), "union.md")
    shared = QAItem("w2", "单位应当做什么？", ("应当",), "report.txt")  # union.md holds “应当” too: left out
    unanswerable = QAItem("w3", "明天天气怎么样？")
    assert runner.run([truant], {}, RefusalModel.load()).answer_right == 1.0  # answered with its document
    scores = withheld_scores(runner, [truant, shared, unanswerable], {}, RefusalModel.load())
    assert scores == WithheldScores(questions=1, refused=1.0, doubtful=0.0)


def test_the_refusal_threshold_keeps_answers_of_another_kind_the_fit_sets_hold_few_of() -> None:
    # fit sets: 50 answerable questions (one at 0.635) and 10 unanswerable (two at 0.635): 0.64 refuses those
    # two for one false refusal, the best F1 with false refusals kept to 4 %
    probabilities = [0.9] * 49 + [0.635] + [0.3] * 8 + [0.635] * 2
    answerable = [True] * 50 + [False] * 10
    assert refusal_threshold(probabilities, answerable) == 0.64
    # a general-domain sample whose answers sit at 0.635 (CMRC's exact statements without a cue of the asked
    # kind): a threshold above them would refuse a tenth of it
    general = [0.95] * 90 + [0.635] * 10
    assert refusal_threshold(probabilities, answerable, general) <= 0.63


# a paragraph's argument, long enough that each section is its own passage (the chunker joins short ones)
ARGUMENT = (
    "我们坚持问题导向，聚焦群众急难愁盼，完善工作机制，强化督促检查，"
    "确保各项任务落到实处、见到实效，让人民群众有更多获得感、幸福感、安全感。"
)
DASH_REPORT = f"""# 某市城市发展报告

## 一、总体要求

城市发展取得了新的进展。城市发展，是人民城市的发展，既有各地城市发展的共同特征，更有本市自己的特色。

——城市发展是以人民为中心的发展。我们坚持人民城市人民建、人民城市为人民。{ARGUMENT}

——城市发展是绿色低碳的发展。我们坚持节约优先、保护优先，推动生产生活方式绿色转型。{ARGUMENT}

——城市发展是开放合作的发展。我们坚持引进来和走出去并重，提升城市开放水平。{ARGUMENT}

## 二、基本原则

——坚持党的全面领导。把党的领导贯穿城市工作各方面全过程。{ARGUMENT}

——坚持改革创新。破除制约城市发展的体制机制障碍。{ARGUMENT}

——坚持系统观念。统筹城市规划、建设、管理各个环节。{ARGUMENT}
"""


@pytest.mark.parametrize(
    ("question", "lead", "items"),
    [
        ("城市发展有哪些特色？", "更有本市自己的特色：", ("以人民为中心", "绿色低碳", "开放合作")),
        ("城市工作要坚持哪些基本原则？", "基本原则：", ("坚持党的全面领导", "坚持改革创新", "坚持系统观念")),
    ],
)
def test_a_list_said_in_dash_paragraphs_is_answered_whole(small_library, question, lead, items) -> None:
    """Reports list their theses as “——” paragraphs (二十大报告: ——中国式现代化是人口规模巨大的现代化。…): a
    member asking 中国式现代化有哪些特点 got one sentence of the first and the sentence above them (session 13)."""
    kb = small_library({"report.md": DASH_REPORT})
    answer = kb.ask(question)
    assert answer.found and lead in answer.text
    assert all(f"{item}" in answer.text for item in items)
    assert len(answer.citations) == len(items)
    assert "我们坚持" not in answer.text  # each item by its thesis, not its argument
