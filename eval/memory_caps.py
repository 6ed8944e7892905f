"""Peak memory of reading hostile or huge files: each case in a fresh process that reads the file as
`python -m ingest` does (ingest.walk through library.files) and parses it (ingest.pipeline.parse), no model.

/work/main/.venv/bin/python -m eval.memory_caps [--out eval/memory_caps.json]

Cases: the interpreter with the ingest modules imported (the floor); a DOCX bomb (a 1 GB document.xml deflated to
about 1 MB); a large legitimate DOCX (34,000 varied paragraphs, just under the 2,000,000-character cap, parsed); a
200 MB text file (over the 100 MB file cap). The peak is the process's ru_maxrss; the outcome says whether the
file was parsed (how many passages) or refused (the reason the user sees).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from retrieval.settings import PROJECT_ROOT

_PROBE = r"""
import json, resource, sys
from pathlib import Path
from ingest.loaders import LoadError
from ingest.pipeline import parse
from library.files import uploads_from_paths
from retrieval.settings import Settings

settings = Settings()
outcome = "imports only"
if len(sys.argv) > 1:
    upload = uploads_from_paths([Path(sys.argv[1])], settings)[0]
    if upload.data is None:
        outcome = "refused: " + upload.reason
    else:
        try:
            parsed = parse(upload.name, upload.data, settings.chunk_size, settings.load_limits)
            outcome = f"parsed: {len(parsed.chunks)} passages"
        except LoadError as exc:
            outcome = "refused: " + exc.reason
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "outcome": outcome}))
"""

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body>'
)
_TAIL = "</w:body></w:document>"


def _docx(path: Path, paragraphs) -> Path:
    """A minimal .docx whose document.xml is streamed from `paragraphs` (never held whole in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as docx:
        docx.writestr("[Content_Types].xml", _CONTENT_TYPES)
        docx.writestr("_rels/.rels", _RELS)
        with docx.open("word/document.xml", "w", force_zip64=True) as xml:
            xml.write(_HEAD.encode())
            for text in paragraphs:
                xml.write(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode())
            xml.write(_TAIL.encode())
    return path


def make_cases(folder: Path) -> dict[str, Path | None]:
    same = "委员应当按时参加读书活动。" * 20
    bomb = _docx(folder / "bomb.docx", (same for _ in range(1_000_000_000 // (len(same.encode()) + 40))))
    # just under the 2,000,000-character cap on one document's text: parsed, chunked, every passage kept
    varied = (
        f"第{n}条 委员应当参加第{n}次读书活动，学习第{n * 7 % 1000}号文件，提交{n % 97}篇心得体会。"
        for n in range(1, 34_000)
    )
    large = _docx(folder / "large.docx", varied)
    text = folder / "big.txt"
    with open(text, "wb") as out:
        line = ("第一条 为了加强委员读书学习，制定本规定。" * 10 + "\n").encode()
        for _ in range(200 * 2**20 // len(line) + 1):
            out.write(line)
    return {"interpreter + ingest imports": None, "DOCX bomb": bomb, "large DOCX (under the caps)": large,
            "200 MB text file": text}  # fmt: skip


def probe(path: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHUXIANG_")}
    command = [sys.executable, "-c", _PROBE, *([str(path)] if path else [])]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1800, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.memory_caps", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="shuxiang-memory-") as tmp:
        for name, path in make_cases(Path(tmp)).items():
            size = path.stat().st_size / 2**20 if path else 0.0
            result = {"case": name, "file_mb": round(size, 2), **probe(path)}
            result["peak_mb"] = round(result["peak_mb"])
            rows.append(result)
            print(json.dumps(result, ensure_ascii=False), file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print("| case | file MB | peak RSS MB | outcome |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['file_mb']} | {r['peak_mb']} | {r['outcome']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
