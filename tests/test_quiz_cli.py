"""python -m quiz generate / export / list against a real data dir (the CLI loads no embedding model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from quiz_library import build_library

from quiz.__main__ import main


@pytest.fixture
def data_dir(tmp_path: Path, tokenizer, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_library(tmp_path, tokenizer).close()
    monkeypatch.setenv("SHUXIANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHUXIANG_EMBEDDING_MODEL", "none")
    return tmp_path / "data"


def test_generate_prints_items_as_json_saves_lists_and_exports(data_dir: Path, tmp_path: Path, capsys) -> None:
    code = main(["generate", "--doc", "信访事项办理规定", "--doc", "委员履职条例", "--types", "单选=2,判断=1,填空=1",
                 "--seed", "5", "--save", "信访小测", "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0
    items = json.loads(out)
    assert [i["type"] for i in items] == ["单选", "单选", "判断", "填空"]
    for item in items:
        assert set(item) >= {"type", "stem", "options", "answer", "explanation", "source"}
        assert item["source"]["title"] in ("信访事项办理规定", "委员履职条例")
        assert item["source"]["heading"].endswith("条")
        start, end = item["source"]["answer_spans"][0]
        assert item["source"]["passage"][start:end]
    assert "已保存试卷「信访小测」" in err and "只能出" not in err

    assert main(["list"]) == 0
    assert "信访小测\t4 题\tcli" in capsys.readouterr().out

    out_file = tmp_path / "信访小测.docx"
    assert main(["export", "信访小测", "--format", "docx", "--out", str(out_file)]) == 0
    texts = [p.text for p in Document(str(out_file)).paragraphs]
    assert texts[0] == "信访小测" and "答案与解析" in texts
    wjx = tmp_path / "信访小测.txt"
    assert main(["export", "1", "--format", "wjx", "--out", str(wjx)]) == 0
    assert wjx.read_text(encoding="utf-8").startswith("信访小测\n\n1. ")
    assert (tmp_path / "信访小测.答案.txt").read_text(encoding="utf-8").startswith("1. ")


def test_bad_input_is_a_chinese_message_and_exit_code_2(data_dir: Path, capsys) -> None:
    assert main(["generate", "--doc", "不存在", "--types", "单选=1", "--json"]) == 2
    assert "错误：资料「不存在」找不到" in capsys.readouterr().err
    assert main(["generate", "--doc", "信访事项办理规定", "--types", "单选=9", "--json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 3
    assert "单选题只能出 3 道（要求 9 道）" in err
    assert main(["export", "没有这份", "--format", "xlsx", "--out", "x.xlsx"]) == 2
    assert "找不到试卷「没有这份」" in capsys.readouterr().err
