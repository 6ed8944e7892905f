"""资料库管理 and logging in, through AppTest: real library, users and question log in a temporary data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LIBRARY, PROJECT, write_files
from streamlit.testing.v1 import AppTest

from library.roles import User
from library.users import UserStore
from retrieval.catalog import Catalog

pytestmark = pytest.mark.slow
APP = str(PROJECT / "app.py")
PASSWORD = "correct-horse-1"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path / "corpus", {"law.md": LIBRARY["law.md"]})
    monkeypatch.setenv("SHUXIANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHUXIANG_CORPUS_DIR", str(tmp_path / "corpus"))
    for name in ("SHUXIANG_LLM_BASE_URL", "SHUXIANG_LLM_MODEL", "SHUXIANG_MEMBERS_MUST_LOGIN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def users(data_dir: Path) -> UserStore:
    return UserStore(Catalog(data_dir / "catalog.sqlite3"))


def open_page(url_path: str = "library", user: User | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if user is not None:
        at.session_state["user"] = user
    at.switch_page(f"ui/{url_path}.py") if url_path != "ask" else None
    at.run()
    assert not at.exception, at.exception
    return at


def login(at: AppTest, name: str, password: str) -> AppTest:
    fields = {t.label: t for t in at.text_input}
    fields["用户名"].set_value(name)
    fields["密码"].set_value(password)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def test_without_an_organizer_the_page_says_how_to_create_one(data_dir: Path) -> None:
    at = open_page()
    assert "python -m library user add" in at.info[0].value and "--role organizer" in at.info[0].value


def test_login_form_then_the_page_for_an_organizer(data_dir: Path) -> None:
    open_page()  # creates the data dir
    users(data_dir).add("zhang", "organizer", PASSWORD)
    at = open_page()
    assert [t.label for t in at.text_input][:2] == ["用户名", "密码"]
    login(at, "zhang", PASSWORD)
    assert [t.label for t in at.tabs] == ["上传资料", "文档列表", "委员提问", "备份"]
    assert any("某市政协委员履职条例" in str(df.value) for df in at.dataframe)


def test_a_trainer_cannot_open_the_library_page(data_dir: Path) -> None:
    open_page()
    users(data_dir).add("zhang", "organizer", PASSWORD)
    at = open_page(user=User("li", "trainer"))
    assert "没有权限" in at.warning[0].value and not at.tabs


def test_wrong_passwords_lock_the_name_without_saying_whether_it_exists(data_dir: Path) -> None:
    open_page()
    users(data_dir).add("zhang", "organizer", PASSWORD)
    at = open_page()
    messages = []
    for name in ["zhang"] * 5 + ["nobody"]:
        login(at, name, "wrong-password")
        messages.append(at.error[0].value)
    assert messages[:4] == ["用户名或密码不正确。"] * 4 and "锁定" in messages[4]
    assert messages[5] == "用户名或密码不正确。"  # an unknown name reads exactly like a known one
    login(at, "zhang", PASSWORD)  # the right password is refused while locked
    assert "锁定" in at.error[0].value and not at.tabs


def test_delete_with_confirmation_removes_the_document(data_dir: Path) -> None:
    open_page()
    users(data_dir).add("zhang", "organizer", PASSWORD)
    at = open_page(user=User("zhang", "organizer"))
    next(b for b in at.button if b.label == "删除该文档").click().run()
    assert "确定删除《某市政协委员履职条例》" in at.warning[-1].value
    next(b for b in at.button if b.label == "确认删除").click().run()
    assert not Catalog(data_dir / "catalog.sqlite3").documents()


def test_questions_are_logged_and_unanswered_ones_listed(data_dir: Path) -> None:
    at = open_page("ask")
    at.chat_input[0].set_value("政协委员每届任期几年？").run()
    at.chat_input[0].set_value("怎样烤制意大利披萨饼？").run()
    users(data_dir).add("zhang", "organizer", PASSWORD)
    at = open_page(user=User("zhang", "organizer"))
    tables = [str(df.value) for df in at.dataframe]
    assert any("怎样烤制意大利披萨饼" in t for t in tables[:2])  # 未解答问题
    assert at.get("download_button")


def test_an_organizer_downloads_a_backup(data_dir: Path) -> None:
    open_page()
    users(data_dir).add("zhang", "organizer", PASSWORD)
    at = open_page(user=User("zhang", "organizer"))
    next(b for b in at.button if b.label == "生成备份").click().run()
    assert not at.exception
    assert any(str(b.label).startswith("下载 shuxiang-backup-") for b in at.get("download_button"))


@pytest.mark.server
def test_the_backup_tab_works_with_postgresql(data_dir: Path, database_url: str, monkeypatch) -> None:
    """The same button, the same function: with PostgreSQL the archive holds pg_dump's copy of the database."""
    import io
    import json
    import tarfile

    from library import maintenance

    monkeypatch.setenv("SHUXIANG_DATABASE_URL", database_url)
    open_page()
    UserStore(Catalog(database_url)).add("zhang", "organizer", PASSWORD)
    at = open_page(user=User("zhang", "organizer"))
    next(b for b in at.button if b.label == "生成备份").click().run()
    assert not at.exception and not at.error
    name, data = at.session_state["backup_ready"]
    with tarfile.open(fileobj=io.BytesIO(data)) as packed:
        manifest = json.loads(packed.extractfile(maintenance.BACKUP_MANIFEST).read())
        assert maintenance.BACKUP_PG_DUMP in packed.getnames()
    assert manifest["backend"] == "postgresql" and name.startswith("shuxiang-backup-")
