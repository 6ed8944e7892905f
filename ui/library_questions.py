"""What members ask: 未解答问题 and 存疑（仅供参考）, most asked, most cited, the list with filters, export to .xlsx."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import streamlit as st

from library.questions import LoggedQuestion, QuestionFilter, QuestionLog, export_xlsx, local_time, time_zone


def render_questions(log: QuestionLog, zone_name: str) -> None:
    """Times and date filters in the organizers' zone (Settings.timezone); stored times are UTC."""
    zone = time_zone(zone_name)
    unanswered = log.unanswered()
    st.markdown(f"#### 未解答问题（{len(unanswered)}）")
    st.caption("资料库未找到答案、或委员点了 👎 的问题：可据此补充资料。")
    st.dataframe([_row(q, zone) for q in unanswered], hide_index=True)
    doubtful = log.doubtful()
    st.markdown(f"#### 存疑（仅供参考）（{len(doubtful)}）")
    st.caption(
        "资料库中没有与问题完全对应的表述，回答标了“仅供参考”的问题：或是资料库缺少相关资料（可据此补充），"
        "或是与学习无关的问题（可忽略）。"
    )
    st.dataframe([_row(q, zone) for q in doubtful], hide_index=True)

    left, right = st.columns(2)
    with left:
        st.markdown("#### 最常问的问题")
        st.dataframe([{"问题": q, "次数": n} for q, n in log.most_asked()], hide_index=True)
    with right:
        st.markdown("#### 最常引用的资料")
        st.dataframe([{"资料": t, "次数": n} for t, n in log.most_cited()], hide_index=True)

    st.markdown("#### 全部提问")
    where = _filters(zone_name, zone)
    questions = log.find(where)
    st.dataframe([_row(q, zone) for q in questions], hide_index=True)
    st.download_button(
        "导出为 Excel",
        data=export_xlsx(questions, zone),
        file_name=f"委员提问-{datetime.now(zone).date().isoformat()}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="questions_export",
    )


def _filters(zone_name: str, zone: tzinfo) -> QuestionFilter:
    dates, refused, doubtful, disliked = st.columns([2, 1, 1, 1])
    today = datetime.now(zone).date()
    chosen = dates.date_input("日期范围", value=(today - timedelta(days=30), today), key="questions_dates")
    refused_only = refused.checkbox("只看未找到答案", key="questions_refused")
    doubtful_only = doubtful.checkbox("只看存疑", key="questions_doubtful", help="回答标了“仅供参考”的问题")
    disliked_only = disliked.checkbox("只看 👎", key="questions_disliked")
    since, until = (*chosen, chosen[-1])[:2] if isinstance(chosen, tuple) and chosen else (None, None)
    return QuestionFilter(
        since=since.isoformat() if since else "",
        until=until.isoformat() if until else "",
        refused_only=refused_only,
        disliked_only=disliked_only,
        doubtful_only=doubtful_only,
        zone=zone_name,
    )


def _row(q: LoggedQuestion, zone: tzinfo) -> dict[str, object]:
    return {
        "时间": local_time(q.asked_at, zone),
        "问题": q.question,
        "结果": q.outcome,
        "评价": {1: "👍", -1: "👎"}.get(q.rating or 0, ""),
        "意见": q.comment,
        "引用资料": "、".join(q.titles),
        "用时（毫秒）": q.latency_ms,
    }
