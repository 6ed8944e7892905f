"""Organizer-side benchmark (issue 7): upload-to-searchable time for a 30-page PDF and a 10-page scan, OCR pages/s,
and how long searches wait while an upload runs (p50/p95 during an ingest of laws/宪法相关法 vs idle).

    python -m eval.library_bench [--laws ../shared/datasets/laws/宪法相关法] [--out eval/library_bench.json]

Everything goes through the real writer (library.Library) into a temporary data dir with the bundled model.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import threading
import time
from pathlib import Path

from eval.metrics import percentile
from library.files import uploads_from_paths
from library.service import Library
from retrieval.embeddings import load_embedder, use_one_thread_for_queries
from retrieval.kb import KnowledgeBase
from retrieval.settings import PROJECT_ROOT, Settings
from retrieval.tokenizer import ChineseTokenizer

LAWS = PROJECT_ROOT.parent / "shared" / "datasets" / "laws" / "宪法相关法"
FONTS = (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),)
QUERIES = ("全国人民代表大会常务委员会的职权", "选举委员会的组成", "国旗的使用", "人民法院院长的任期", "代表的罢免")


def text_pdf(text: str, pages: int) -> bytes:
    """A real PDF with a text layer (reportlab, a CJK CID font), `pages` pages of `text`."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    lines = [text[i : i + 38] for i in range(0, len(text), 38)]
    per_page = 40
    for page in range(pages):
        pdf.setFont("STSong-Light", 12)
        for row, line in enumerate(lines[(page * per_page) % len(lines) :][:per_page]):
            pdf.drawString(50, 800 - row * 18, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf(text: str, pages: int) -> bytes:
    """A PDF of page images only (no text layer): what a scanner produces."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(next(f for f in FONTS if f.exists())), 28)
    lines = [text[i : i + 30] for i in range(0, len(text), 30)]
    images = []
    for page in range(pages):
        image = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines[page * 30 :][:30]):
            draw.text((80, 100 + row * 52), line, font=font, fill="black")
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return buffer.getvalue()


def upload_to_searchable(library: Library, kb: KnowledgeBase, name: str, data: bytes, probe: str) -> dict:
    started = time.perf_counter()
    outcome = library.add(name, data)
    searchable = any(h.chunk.doc_id == outcome.doc_id for h in kb.search(probe, k=10))
    seconds = time.perf_counter() - started
    record = kb.catalog.document(outcome.doc_id) if outcome.doc_id else None
    return {
        "file": name,
        "status": outcome.label,
        "seconds": round(seconds, 2),
        "pages": record.pages if record else 0,
        "ocr_pages": record.ocr_pages if record else 0,
        "searchable": searchable,
    }


def search_latency(kb: KnowledgeBase, stop: threading.Event | None, minimum: int = 50) -> list[float]:
    timings: list[float] = []
    while len(timings) < minimum or (stop is not None and not stop.is_set()):
        query = QUERIES[len(timings) % len(QUERIES)]
        started = time.perf_counter()
        kb.search(query, k=10)
        timings.append((time.perf_counter() - started) * 1000)
        if stop is None and len(timings) >= minimum:
            break
    return timings


def summary(timings: list[float]) -> dict:
    return {"n": len(timings), "p50_ms": round(percentile(timings, 50), 1), "p95_ms": round(percentile(timings, 95), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.library_bench")
    parser.add_argument("--laws", type=Path, default=LAWS)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "eval" / "library_bench.json")
    args = parser.parse_args(argv)
    if not args.laws.exists():
        print(f"skipped: {args.laws} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        tokenizer = ChineseTokenizer(settings.data_dir)
        embedder = load_embedder(settings)
        library = Library(settings, tokenizer=tokenizer, embedder=embedder)
        kb = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
        texts = [p.read_text(encoding="utf-8") for p in sorted(args.laws.iterdir())[:12]]
        sample = "".join(t.replace("\n", "") for t in texts)[:20_000]  # enough for 30 text pages and 10 scanned
        results: dict = {"uploads": []}
        results["uploads"].append(upload_to_searchable(library, kb, "30页.pdf", text_pdf(sample, 30), sample[60:80]))
        if any(f.exists() for f in FONTS):
            scan = upload_to_searchable(library, kb, "10页扫描件.pdf", scanned_pdf(sample[:9000], 10), sample[95:110])
            scan["ocr_pages_per_s"] = round(scan["ocr_pages"] / scan["seconds"], 2) if scan["seconds"] else None
            results["uploads"].append(scan)
        use_one_thread_for_queries()
        results["search_idle"] = summary(search_latency(kb, None, 100))
        stop = threading.Event()
        timings: list[float] = []
        searcher = threading.Thread(target=lambda: timings.extend(search_latency(kb, stop)))
        searcher.start()
        started = time.perf_counter()
        report = library.add_many(uploads_from_paths([args.laws], settings))
        results["ingest"] = {
            "files": len(report.outcomes),
            "summary": report.summary(),
            "seconds": round(time.perf_counter() - started, 1),
        }
        stop.set()
        searcher.join()
        results["search_during_ingest"] = summary(timings)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
