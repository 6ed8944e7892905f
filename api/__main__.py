"""python -m api --host 127.0.0.1 --port 8000 [--root-path /api] [--no-seed]

One API process (run several behind nginx for more throughput: each loads the model once). Settings come from
the environment as for the app (SHUXIANG_DATA_DIR, SHUXIANG_DATABASE_URL, SHUXIANG_CHROMA_URL, …).
"""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m api", description="书香政协知识库 HTTP API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--root-path", default="", help="反向代理下的路径前缀，例如 /api")
    parser.add_argument("--no-seed", action="store_true", help="资料库为空时不自动加入内置资料")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import uvicorn

    from api.app import create_app
    from retrieval.embeddings import use_one_thread_for_queries
    from retrieval.logs import configure_logging

    configure_logging(args.verbose)
    use_one_thread_for_queries()
    app = create_app(seed=not args.no_seed)
    uvicorn.run(app, host=args.host, port=args.port, root_path=args.root_path, log_level="info", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
