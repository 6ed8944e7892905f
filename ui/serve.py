"""python -m ui.serve [--host H] [--port P] — load everything, then serve the app.

The heavy work happens before the server accepts its first visitor: the model, jieba and the BM25 index load,
the indexes are prepared, and an empty first library is built from corpus/ (with a progress bar here, on the
console). Streamlit runs the app in this same process, so app.py finds every resource already warm.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time

from retrieval.settings import PROJECT_ROOT, Settings

log = logging.getLogger("shuxiang.serve")
APP = PROJECT_ROOT / "app.py"


def parse_args(argv: list[str] | None, settings: Settings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui.serve", description="预热资料库后启动书香政协知识库")
    parser.add_argument("--host", default=settings.host, help=f"监听地址（默认 {settings.host}）")
    parser.add_argument("--port", type=int, default=settings.port, help=f"端口（默认 {settings.port}）")
    return parser.parse_args(argv)


def warm(settings: Settings) -> None:
    from tqdm import tqdm

    from library.progress import ProgressHooks
    from retrieval.inside_words import prepare as prepare_inside_words
    from ui import resources

    started = time.perf_counter()
    print("正在加载模型和资料库……", file=sys.stderr, flush=True)
    with tqdm(unit="个文件", file=sys.stderr, disable=None) as bar:
        hooks = ProgressHooks(
            file_started=lambda name, number, total: (setattr(bar, "total", total), bar.set_postfix_str(name[:30])),
            file_done=lambda outcome: bar.update(1),
        )
        notices = resources.start_up(settings, hooks)
    for notice in resources.organizer_notices(settings):
        print(f"提示（管理员）：{notice}", file=sys.stderr)
    kb = resources.knowledge_base(settings)
    took = time.perf_counter() - started
    print(f"资料库就绪：{len(kb.documents())} 个文档，用时 {took:.1f} 秒", file=sys.stderr, flush=True)
    del notices
    # the quiz generator reads the library's terms once (seconds in a large library): before the first trainer asks
    generator, _ = resources.quiz_services(kb)
    threading.Thread(target=generator.library, name="quiz-library-view", daemon=True).start()
    # …and the search its table of the library's longer words (inside_words), before the first member asks
    threading.Thread(target=prepare_inside_words, args=(kb.index.lexical(),), name="inside-words", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    from retrieval.logs import configure_logging

    configure_logging()
    settings = Settings()
    args = parse_args(argv, settings)
    warm(settings)
    print(f"书香政协知识库：http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    from streamlit import config
    from streamlit.web import bootstrap

    flags = {
        "server.address": args.host,
        "server.port": args.port,
        "server.headless": True,
        "server.fileWatcherType": "none",
        "browser.gatherUsageStats": False,
        "client.toolbarMode": "minimal",
    }
    config._main_script_path = str(APP)  # as `streamlit run` does: config and secrets are found beside the app
    bootstrap.load_config_options(flag_options=flags)
    bootstrap.run(str(APP), False, [], flags)
    return 0


if __name__ == "__main__":
    sys.exit(main())
