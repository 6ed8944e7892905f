"""智能组卷 (trainers and organizers): choose materials, generate checked items, edit, save, export, 每日一练资料."""

from __future__ import annotations

from datetime import date

import streamlit as st

from quiz.editing import anchor, apply_edit, build_item, regenerate_one
from quiz.export import export, wjx_answer_key
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.llm_generate import LLMQuizGenerator
from quiz.model import ITEM_TYPES, QuizError, QuizItem
from ui import resources
from ui.auth import require_role
from ui.quiz_view import options_text, passage_html, quiz_label, short_stem

DRAFT, MATERIALS, NOTICES = "quiz_draft", "quiz_materials", "quiz_notices"
EDIT_NOTE = "quiz_edit_note"  # (item index, level, message) of the last edit: it must outlive the rerun
EDIT_TOAST = "quiz_edit_toast"  # a refusal said once more where the trainer looks, whatever the scroll
FORM_REVISIONS = "quiz_form_revisions"  # item index → its form's revision; a new one shows the stored item again
SAVED_FLASH = "quiz_saved_flash"  # a message that must survive the rerun after a change to a saved quiz
DEFAULT_COUNTS = {"单选": 5, "多选": 2, "判断": 3, "填空": 5}
EXPORT_SKIP, EXPORT_INCLUDE = "不导出这些题（默认）", "照原样导出这些题"


def choose_materials(generator: QuizGenerator, titles: dict[str, str]) -> tuple[Material, ...]:
    doc_ids = st.multiselect("出题资料", list(titles), format_func=titles.__getitem__, placeholder="选择文件")
    materials = []
    for doc_id in doc_ids:
        chapters = generator.chapters(doc_id)
        picked: list[str] = []
        if chapters:
            with st.expander(f"《{titles[doc_id]}》的章节（不选为全文）"):
                picked = [c for c in chapters if st.checkbox(c, key=f"chapter-{doc_id}-{c}")]
        materials.append(Material(doc_id, tuple(picked)))
    return tuple(materials)


def generate(generator: QuizGenerator, materials: tuple[Material, ...], counts: dict[str, int], seed: int) -> None:
    settings = generator.kb.settings
    engine = LLMQuizGenerator(generator) if settings.quiz_use_llm and settings.llm_enabled else generator
    bar = st.progress(0.0, text="正在出题……")

    def progress(done: int, total: int, kind: str) -> None:
        bar.progress(done / total, text=f"正在出{kind}题（{done}/{total}）")

    result = engine.generate(QuizRequest(materials, counts, seed), progress)
    bar.empty()
    st.session_state[DRAFT] = list(result.items)
    st.session_state.pop(EDIT_NOTE, None)
    st.session_state[MATERIALS] = materials
    rate = f"通过检查 {result.passed}/{result.built}（{result.pass_rate:.0%}）"
    st.session_state[NOTICES] = [f"已生成 {len(result.items)} 题，{rate}。", *result.notices]


def item_form(
    key: str, item: QuizItem | None, titles: dict[str, str] | None = None, refusal: str | None = None
) -> tuple[QuizItem, str] | None:
    """Fields of an item (prefilled when editing); the item and the chosen document when submitted. A refusal of
    the last edit is said just above the save button: a long item's top may be off the screen."""
    with st.form(key):
        kind = item.type if item else st.selectbox("题型", ITEM_TYPES)
        doc_id = st.selectbox("出处资料", list(titles), format_func=titles.__getitem__) if titles else ""
        stem = st.text_area("题干（填空和单选用 ____ 表示空）", item.stem if item else "", height=80)
        options = st.text_area("选项（每行一个；判断、填空不填）", "\n".join(item.options) if item else "")
        answer = st.text_input("答案（字母、正确/错误或填空内容，多个空用 | 分隔）", item.answer if item else "")
        explanation = st.text_area("解析（判断题写“原文：”加原句）", item.explanation if item else "")
        if refusal:
            st.error(refusal)
        if not st.form_submit_button("保存修改" if item else "添加"):
            return None
    return build_item(kind, stem, options, answer, explanation, "manual"), doc_id


def draft_editor(generator: QuizGenerator, draft: list[QuizItem]) -> None:
    note = st.session_state.get(EDIT_NOTE)
    if EDIT_TOAST in st.session_state:
        st.toast(st.session_state.pop(EDIT_TOAST), icon="⚠️", duration="long")  # seen at any scroll position
    for index, item in enumerate(draft):
        refused = note is not None and note[0] == index and note[1] == "error"
        if note is not None and note[0] == index:
            show_note(note)  # outside the expander: seen without opening it
        # a new label opens the expander afresh: a refused edit stays in view with its form
        title = f"第 {index + 1} 题 · {item.type} · {short_stem(item)}" + ("（修改未保存）" if refused else "")
        with st.expander(title, expanded=refused):
            item_panel(generator, draft, index, note[2] if refused else None)


def show_note(note: tuple[int, str, str]) -> None:
    """A refusal stays until the edit is fixed or given up; a confirmation or warning is shown once."""
    _, level, message = note
    {"error": st.error, "warning": st.warning, "success": st.success}[level](message)
    if level != "error":
        st.session_state.pop(EDIT_NOTE, None)


def item_panel(generator: QuizGenerator, draft: list[QuizItem], index: int, refusal: str | None) -> None:
    """The item, its form (with the refusal of the last edit beside the save button) and its actions."""
    item = draft[index]
    st.markdown(f"**{item.stem}**")
    if item.options:
        st.text(options_text(item))
    st.caption(f"答案：{item.answer}　　{item.explanation}")
    st.html(passage_html(item))
    submitted = item_form(f"edit-{index}-{form_revision(index)}", item, refusal=refusal)
    if submitted:
        save_edit(generator, draft, index, submitted[0])
    if refusal and st.button("放弃修改，恢复原题", key=f"discard-{index}"):
        discard_edit(index)
    left, right = st.columns(2)
    if left.button("删除", key=f"delete-{index}"):
        draft.pop(index)
        st.session_state.pop(EDIT_NOTE, None)
        st.rerun()
    if right.button("重新生成", key=f"regen-{index}"):
        materials = st.session_state.get(MATERIALS) or (Material(item.source.doc_id),)
        try:
            draft[index] = regenerate_one(generator, materials, draft, index)
            st.session_state.pop(EDIT_NOTE, None)
        except QuizError as exc:
            st.session_state[EDIT_NOTE] = (index, "warning", f"第 {index + 1} 题未能重新生成：{exc}")
        st.rerun()


def save_edit(generator: QuizGenerator, draft: list[QuizItem], index: int, edited: QuizItem) -> None:
    """Keep the edit (saying so, with any warning) or leave the item as it was and say why, in view."""
    item = draft[index]
    chunk = generator.kb.catalog.chunks_by_ids([item.source.chunk_id]).get(item.source.chunk_id)
    number = index + 1
    try:
        result = apply_edit(item, edited, chunk, generator.library())
    except QuizError as exc:
        kept = "表单里仍是你未保存的修改：改正后再点“保存修改”，或点“放弃修改，恢复原题”。"
        st.session_state[EDIT_NOTE] = (index, "error", f"第 {number} 题{exc}。题目保持原样；{kept}")
        st.session_state[EDIT_TOAST] = f"第 {number} 题{exc}"
    else:
        draft[index] = result.item
        if result.warnings:
            message = f"第 {number} 题的修改已保存。请注意：{'；'.join(result.warnings)}。"
            st.session_state[EDIT_NOTE] = (index, "warning", message)
        else:
            st.session_state[EDIT_NOTE] = (index, "success", f"第 {number} 题的修改已保存。")
    st.rerun()


def form_revision(index: int) -> int:
    return st.session_state.get(FORM_REVISIONS, {}).get(index, 0)


def discard_edit(index: int) -> None:
    """A new form key: the form shows the stored item again."""
    revisions = st.session_state.setdefault(FORM_REVISIONS, {})
    revisions[index] = revisions.get(index, 0) + 1
    st.session_state.pop(EDIT_NOTE, None)
    st.rerun()


def add_by_hand(generator: QuizGenerator, draft: list[QuizItem], titles: dict[str, str]) -> None:
    with st.expander("手工添加一题"):
        submitted = item_form("add-item", None, titles)
    if submitted:
        item, doc_id = submitted
        try:
            added = anchor(item, generator.kb.chunks_of(doc_id), generator.library())
        except QuizError as exc:
            st.error(str(exc))
            return
        draft.append(added.item)
        if added.warnings:
            message = f"已添加为第 {len(draft)} 题。请注意：{'；'.join(added.warnings)}。"
            st.session_state[EDIT_NOTE] = (len(draft) - 1, "warning", message)
        st.rerun()


def save_draft(store, draft: list[QuizItem], user) -> None:
    name = st.text_input("试卷名称", key="quiz_name")
    if st.button("保存试卷", type="primary", disabled=not draft):
        try:
            materials = [m.doc_id for m in st.session_state.get(MATERIALS, ())]
            saved = store.save(name, draft, user.name, materials)
        except QuizError as exc:
            st.error(str(exc))
        else:
            st.success(f"已保存试卷「{saved.name}」（{len(saved.items)} 题）")


def saved_quizzes(store, user) -> None:
    if SAVED_FLASH in st.session_state:
        st.success(st.session_state.pop(SAVED_FLASH))
    quizzes = store.list()
    if not quizzes:
        st.info("还没有保存的试卷。")
        return
    stale_counts = store.stale_counts(quizzes)
    labels = {q.id: quiz_label(q, stale_counts[q.id], trainer=True, author=True) for q in quizzes}
    chosen = st.selectbox("试卷", quizzes, format_func=lambda q: labels[q.id])
    current = store.current(chosen.items)  # an item of a replaced document whose sentence stands: on the new passage
    stale = tuple(n for n, item in enumerate(current) if item is None)
    if stale:
        stale_items(store, chosen, stale)
    moved = sum(now is not None and now.source != item.source for now, item in zip(current, chosen.items))
    if moved:
        st.caption(
            f"有 {moved} 道题的出处文档已换成新版本，新版本中这些题依据的原句未变，照常使用（出处显示新版本的段落）。"
        )
    stats = store.stats(chosen.id)
    st.caption(f"作答 {stats.attempts} 次，平均得分率 {stats.mean_percent:.0f}%")
    if stats.attempts:
        st.dataframe(
            {"题号": list(range(1, len(chosen.items) + 1)), "题干": [short_stem(i) for i in chosen.items],
             "答对比例": [f"{s:.0%}" for s in stats.item_shares]}, hide_index=True,
        )  # fmt: skip
    downloads(chosen, current, stale)
    new_name = st.text_input("新名称", chosen.name, key=f"rename-{chosen.id}")
    left, middle, right = st.columns(3)
    try:
        if left.button("重命名"):
            store.rename(chosen.id, new_name)
            st.rerun()
        if middle.button("复制"):
            store.duplicate(chosen.id, f"{chosen.name}（副本）" if new_name == chosen.name else new_name, user.name)
            st.rerun()
    except QuizError as exc:
        st.error(str(exc))
    confirm_key = f"confirm-delete-quiz-{chosen.id}"
    if right.button("删除", key="delete-quiz"):
        st.session_state[confirm_key] = True
    if st.session_state.get(confirm_key):
        confirm_delete(store, chosen, stats.attempts, confirm_key)


def downloads(chosen, current: tuple[QuizItem | None, ...], stale: tuple[int, ...]) -> None:
    """Word, Excel, 问卷星 text and its key. Stale items (their answers may no longer hold) are never exported
    silently: the trainer is told which, and chooses between leaving them out (the default, as members answer the
    quiz) and exporting them as they are — the API's ?stale=skip|include."""
    items = tuple(item for item in current if item is not None)
    if stale:
        numbers = "、".join(str(n + 1) for n in stale)
        choice = st.radio(
            f"导出：有 {len(stale)} 道题的出处已失效（第 {numbers} 题），答案未必仍然成立",
            (EXPORT_SKIP, EXPORT_INCLUDE),
            key=f"export-stale-{chosen.id}",
        )
        if choice == EXPORT_INCLUDE:
            items = tuple(item or original for item, original in zip(current, chosen.items))
            st.caption(f"导出全部 {len(items)} 题，第 {numbers} 题照原样（答案可能已过时）。")
        elif items:
            st.caption(f"导出其余 {len(items)} 题（与委员答题时一致），题号重排。")
        else:
            st.info("全部题目的出处都已失效，跳过后没有可导出的题。")
            return
    cols = st.columns(4)
    for col, (fmt, label, mime) in zip(cols, (
        ("docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("wjx", "问卷星文本", "text/plain"),
    )):  # fmt: skip
        suffix = "txt" if fmt == "wjx" else fmt
        col.download_button(label, export(chosen.name, items, fmt), f"{chosen.name}.{suffix}", mime)
    cols[3].download_button("问卷星答案", wjx_answer_key(items), f"{chosen.name}.答案.txt", "text/plain")


def stale_items(store, chosen, stale: tuple[int, ...]) -> None:
    """Items whose source is gone (document deleted, or its new version changed their sentence): members skip
    them; the trainer may drop them."""
    numbers = "、".join(str(n + 1) for n in stale)
    st.warning(
        f"有 {len(stale)} 道题的出处已失效（第 {numbers} 题）：出处文档已被删除，或替换后的新版本改动了这些题依据的"
        "原句。请删除这些题，或在“出题”中用现有资料重新生成。在此之前，委员答题时会跳过这些题，得分只计其余的题。"
    )
    if st.button(f"删除这 {len(stale)} 道题", key=f"drop-stale-{chosen.id}"):
        try:
            store.remove_items(chosen.id, stale)
        except QuizError as exc:
            st.error(str(exc))
        else:
            st.session_state[SAVED_FLASH] = f"已从试卷「{chosen.name}」删除 {len(stale)} 道出处失效的题。"
            st.rerun()


def confirm_delete(store, chosen, attempts: int, confirm_key: str) -> None:
    """Deleting a quiz takes its attempts with it: asked once more, like deleting a document."""
    lost = f"它的 {attempts} 次作答记录和统计也会一并删除，" if attempts else ""
    st.warning(f"确定删除试卷「{chosen.name}」吗？{lost}删除后无法恢复。")
    yes, no = st.columns(2)
    if yes.button("确认删除", type="primary", key=f"yes-delete-quiz-{chosen.id}"):
        store.delete(chosen.id)
        st.session_state.pop(confirm_key, None)
        records = f"（含 {attempts} 次作答记录）" if attempts else ""
        st.session_state[SAVED_FLASH] = f"已删除试卷「{chosen.name}」{records}。"
        st.rerun()
    if no.button("取消", key=f"no-delete-quiz-{chosen.id}"):
        st.session_state.pop(confirm_key, None)
        st.rerun()


def programme(store, titles: dict[str, str], user) -> None:
    current = [d for d in store.programme() if d in titles]
    picked = st.multiselect("每日一练的资料", list(titles), current, format_func=titles.__getitem__)
    if st.button("保存每日一练资料"):
        store.set_programme(picked, user.name)
        # today's practice is fixed once the first member opens it: only then does the change wait for tomorrow
        if store.daily_items(date.today().isoformat()) is None:
            st.success("已保存。每日一练从这些资料出题。")
        else:
            st.success("已保存。今天的每日一练已经出好，明天起从这些资料出题。")


st.title("智能组卷")
user = require_role("trainer", "organizer")
kb = resources.knowledge_base()
if kb.is_empty():
    st.info("知识库为空，请先在“资料库管理”上传资料，或运行 python -m ingest corpus/ 后刷新本页。")
    st.stop()
generator, store = resources.quiz_services(kb)
titles = {d.doc_id: d.title for d in kb.documents()}
st.session_state.setdefault(DRAFT, [])
build, saved, daily = st.tabs(["出题", "已保存的试卷", "每日一练资料"])
with build:
    materials = choose_materials(generator, titles)
    columns = st.columns(5)
    counts = {
        kind: columns[n].number_input(f"{kind}题", 0, 30, DEFAULT_COUNTS[kind], key=f"count-{kind}")
        for n, kind in enumerate(ITEM_TYPES)
    }
    seed = columns[4].number_input("随机种子", 0, 99999, 0)
    if st.button("生成题目", type="primary", disabled=not materials):
        try:
            generate(generator, materials, counts, int(seed))
        except QuizError as exc:
            st.error(str(exc))
    for notice in st.session_state.get(NOTICES, []):
        st.caption(notice)
    draft: list[QuizItem] = st.session_state[DRAFT]  # after a generation: the new draft
    draft_editor(generator, draft)
    add_by_hand(generator, draft, titles)
    save_draft(store, draft, user)
with saved:
    saved_quizzes(store, user)
with daily:
    programme(store, titles, user)
