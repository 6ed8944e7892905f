"""Numbers a member would not take for a fact of the text (session-9 blind review): distractors rejected from general
knowledge (新满二十七周岁 for an age limit of eighteen, 二〇三八年 for the 二〇三五年 milestone) and keys every text
says (年满十八周岁)."""

from __future__ import annotations

from pathlib import Path

from quiz_library import build_library, items_over_seeds

from quiz.distractors import number_variants
from quiz.library import Analyzer
from quiz.text import numeral_value
from retrieval.tokenizer import ChineseTokenizer


def number_span(tokenizer: ChineseTokenizer, sentence: str):
    (span,) = [s for s in Analyzer(tokenizer).spans(sentence) if s.kind == "number"]
    return span


def test_an_age_limit_has_the_ages_next_to_it_as_rivals(tokenizer: ChineseTokenizer) -> None:
    age = number_span(tokenizer, "中华人民共和国年满十八周岁的公民，都有选举权和被选举权。")
    assert age.text == "十八周岁"
    assert set(number_variants(age)) == {"十六周岁", "十七周岁", "十九周岁", "二十周岁"}  # not 三十六 or 二十七


def test_a_milestone_year_has_milestone_years_as_rivals(tokenizer: ChineseTokenizer) -> None:
    year = number_span(tokenizer, "到二〇三五年基本实现社会主义现代化。")
    values = [numeral_value(v.removesuffix("年")) for v in number_variants(year)]
    assert values and all(v % 5 == 0 for v in values)  # 二〇三〇、二〇四〇年, never 二〇三八年


def test_another_year_keeps_its_near_neighbours(tokenizer: ChineseTokenizer) -> None:
    year = number_span(tokenizer, "二〇二二年召开党的二十大。")
    assert "二〇二〇年" in number_variants(year) and "二〇二四年" in number_variants(year)


def age_rule(law: str, duty: str, deadline: str) -> str:
    return f"""# {law}

第一条 年满十八周岁的本地居民，可以申请参加{duty}志愿服务队伍，协助开展巡查宣传工作。

第二条 县级主管部门收到{duty}志愿服务队伍的备案申请后，应当在{deadline}内完成审查并书面告知申请人。
"""


def asked(kb, title: str) -> str:
    """The stems of 填空 and 单选 items on this document over several seeds."""
    return "\n".join(item.stem for item in items_over_seeds(kb, title, {"填空": 2, "单选": 2}, seeds=6))


def test_a_number_several_texts_say_alike_is_not_asked(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    """年满十八周岁 in three texts is common knowledge (filled from habit); a text's own deadline is not."""
    files = {f"{n}.md": age_rule(*law) for n, law in enumerate(LAWS)}
    kb = build_library(tmp_path / "three", tokenizer, files)
    try:
        stems = asked(kb, LAWS[0][0])
    finally:
        kb.close()
    assert "应当在____内" in stems and "年满____" not in stems
    alone = build_library(tmp_path / "one", tokenizer, {"0.md": age_rule(*LAWS[0])})
    try:
        assert "年满____" in asked(alone, LAWS[0][0])  # said by one text only, it is that text's fact
    finally:
        alone.close()


LAWS = (
    ("河道巡护条例", "河道巡护", "三十日"),
    ("森林防火办法", "森林防火", "十五日"),
    ("文物保护规定", "文物保护", "六十日"),
)


RENEWAL = """# 志愿者换届登记规定

第一条 每年换届登记时，新满十八周岁的队员应当重新填写志愿服务登记表并签字确认。

第二条 换届登记材料应当由队长审核后报送县级主管部门，主管部门应当在二十日内完成审核。
"""


def test_an_age_limit_said_in_other_words_is_no_less_common(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    """新满十八周岁 in a text of its own: the age is the one the other texts set (年满十八周岁)."""
    files = {f"{n}.md": age_rule(*law) for n, law in enumerate(LAWS)} | {"renewal.md": RENEWAL}
    kb = build_library(tmp_path / "four", tokenizer, files)
    try:
        assert "新满____" not in asked(kb, "志愿者换届登记规定")
    finally:
        kb.close()
    alone = build_library(tmp_path / "one", tokenizer, {"renewal.md": RENEWAL})
    try:
        assert "新满____" in asked(alone, "志愿者换届登记规定")
    finally:
        alone.close()


def test_a_decimal_has_rivals_a_fifth_or_so_off_not_its_multiples(tokenizer: ChineseTokenizer) -> None:
    share = number_span(tokenizer, "技术合同成交额增长28.6%。")
    values = [float(v.rstrip("%")) for v in number_variants(share)]
    assert values and all(round(v / 28.6, 2) not in (0.5, 2.0, 3.0) for v in values)
    assert all(len(v.rstrip("%").split(".")[1]) == 1 for v in number_variants(share))  # 22.9%, as the key is written


def test_a_number_in_a_range_or_a_majority_keeps_its_order() -> None:
    """Blind review (session 10): 三分之二至二分之一 and 四分之一以上的多数 give themselves away."""
    from quiz.distractors import out_of_order

    assert out_of_order("三分之二", "应多于应选代表名额", "至二分之一")
    assert not out_of_order("四分之一", "应多于应选代表名额", "至二分之一")
    assert out_of_order("十分之一", "应多于应选代表名额五分之一至", "")
    assert out_of_order("四十五日", "", "至三十日") and not out_of_order("二十日", "", "至三十日")
    assert out_of_order("四分之一", "以全体组成人员的", "以上的多数通过")
    assert not out_of_order("五分之四", "以全体组成人员的", "以上的多数通过")


def test_a_rise_starts_below_where_it_ends() -> None:
    """Blind review (session 11): 研发经费支出从三万亿元增加到二万八千亿元 contradicts itself."""
    from quiz.distractors import out_of_order, scaled

    assert scaled("二万八千亿元") == 2.8e12 and scaled("1.5万亿元") == 1.5e12 and scaled("八千") == 8000
    rise = ("全社会研发经费支出从", "增加到二万八千亿元，居世界第二位")
    assert out_of_order("三万亿元", *rise) and not out_of_order("两万亿元", *rise)
    assert out_of_order("5%", "失业率从", "下降到5.2%") and not out_of_order("6%", "失业率从", "下降到5.2%")


def test_a_statement_to_judge_is_cited_with_its_year(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    """Blind review (session 10): “城镇新增就业1200万人” judged false without saying it is the 2023 review."""
    report = """# 政府工作报告（2024年）

## 一、2023年工作回顾

城镇新增就业1244万人，城镇调查失业率平均为5.2%。全年粮食产量达到13908亿斤，再创历史新高。

## 二、2024年经济社会发展总体要求和政策取向

今年发展主要预期目标是：城镇新增就业1200万人以上，城镇调查失业率5.5%左右。
"""
    kb = build_library(tmp_path, tokenizer, {"report.md": report})
    try:
        items = items_over_seeds(kb, "政府工作报告（2024年）", {"判断": 2})
    finally:
        kb.close()
    reviewed = [item.stem for item in items if "失业率平均" in item.stem or "粮食产量" in item.stem]
    assert reviewed and all(stem.startswith("根据《政府工作报告（2024年）》（2023年工作回顾），") for stem in reviewed)
