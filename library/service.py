"""Library: the one writer. Everything that changes the library — add, replace, remove, rebuild — goes through
here, under the write lock, reporting its stages through ProgressHooks.

How a change becomes visible, so that a crash or a concurrent reader never sees half of it:
1. vectors of new chunks are written to Chroma (orphans until step 3; readers only serve catalog chunks);
2. the BM25 artefact of the next generation N+1 and its character-bigram leg are built and published in the data
   dir, and in the shared database when the catalog is in PostgreSQL (readers still load generation N);
3. one catalog transaction stores the new documents, drops removed/replaced ones and moves to N+1;
4. vectors of dropped chunks are deleted (a crash here leaves orphans that the next `prepare` removes), and shared
   artefacts older than N are dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ingest.loaders import LoadError, display_name
from ingest.pipeline import PIPELINE_VERSION, ParsedDocument, content_id, parse
from library.lock import library_write_lock
from library.progress import Outcome, ProgressHooks, Report
from library.questions import local_time, time_zone
from library.sources import open_source_store
from retrieval.artefact_store import SharedArtefacts
from retrieval.bigram_leg import CharBigramIndex
from retrieval.catalog import CatalogWriter, DocumentRecord, GenerationState, StagedDocument, new_stamp
from retrieval.derived_legs import build_bigram_leg
from retrieval.embeddings import Embedder, load_embedder
from retrieval.lexical import LexicalIndex, index_text, leg_dir, load_published, publish
from retrieval.settings import Settings
from retrieval.store import IndexMismatchError, Manifest, mismatch_message, model_name, read_manifest, write_manifest
from retrieval.tokenizer import ChineseTokenizer
from retrieval.types import Chunk
from retrieval.vectors import VectorStore, open_vectors

log = logging.getLogger(__name__)
_UNSET = object()
LEGS = ("bm25", "bigram")  # the kinds of artefact published per generation
EMBED_GROUP = 4  # model batches encoded (sorted by length) and stored in Chroma together


@dataclass(frozen=True)
class Upload:
    """A file offered to the library: its name (shown, never a path) and bytes, or why it could not be read."""

    name: str
    data: bytes | None
    reason: str = ""
    advice: str = ""


class Library:
    """The only writer. Heavy parts (jieba, the model) load on first need, after the write lock is held."""

    def __init__(
        self,
        settings: Settings,
        tokenizer: ChineseTokenizer | None = None,
        embedder: Embedder | object | None = _UNSET,
        wait_for_lock: float = 0.0,
    ):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = CatalogWriter(settings.catalog_url)
        self.sources = open_source_store(settings, self.catalog.db)
        self.artefacts = SharedArtefacts(self.catalog.db) if self.catalog.shared else None
        self._tokenizer = tokenizer
        self._embedder = embedder
        self._vectors: VectorStore | None = None
        self.wait_for_lock = wait_for_lock
        self._in_process = threading.Lock()  # sessions of one app process take turns instead of failing

    # --- heavy parts, loaded lazily
    @property
    def tokenizer(self) -> ChineseTokenizer:
        if self._tokenizer is None:
            self._tokenizer = ChineseTokenizer(self.settings.data_dir)
        return self._tokenizer

    @property
    def embedder(self) -> Embedder | None:
        if self._embedder is _UNSET:
            self._embedder = load_embedder(self.settings)
        return self._embedder  # type: ignore[return-value]

    @property
    def vectors(self) -> VectorStore | None:
        """Chroma needs no model: removing a document deletes its vectors without loading one."""
        if self._vectors is None and self.settings.dense_enabled:
            self._vectors = open_vectors(self.settings)
        return self._vectors

    # --- reads the writer needs
    def documents(self) -> list[DocumentRecord]:
        return self.catalog.documents()

    def is_empty(self) -> bool:
        return self.catalog.chunk_count() == 0

    # --- the write door
    def add(
        self, name: str, data: bytes, *, added_by: str = "", replace: bool = False, hooks: ProgressHooks | None = None
    ) -> Outcome:
        """Add one file. Same bytes → exists; same title, new bytes → conflict unless replace=True."""
        return self.add_many([Upload(name, data)], added_by=added_by, replace=replace, hooks=hooks).outcomes[0]

    def replace(
        self, doc_id: str, name: str, data: bytes, *, added_by: str = "", hooks: ProgressHooks | None = None
    ) -> Outcome:
        """Put a new version in place of document `doc_id`, atomically (searches see the old or the new)."""
        hooks = hooks or ProgressHooks()
        with self._writing():
            if self.catalog.document(doc_id) is None:
                return Outcome(display_name(name), "failed", reason="要替换的文档不存在（可能已被删除）")
            batch = _Batch()
            outcome = self._stage(Upload(name, data), added_by, True, hooks, batch, replaces=doc_id)
            if outcome.status in ("added", "replaced"):
                batch.waiting.append(outcome)  # its bar ends with the outcome once the generation is committed
            self._commit(batch, hooks)
            return outcome

    def reindex(self, doc_id: str, hooks: ProgressHooks | None = None) -> Outcome:
        """Parse a document again from its stored source (after a parser change, or to redo OCR)."""
        record = self.catalog.document(doc_id)
        data = self.sources.get(doc_id) if record else None
        if record is None or data is None:
            reason = "文档不存在" if record is None else "没有保存该文档的原文件，请重新上传"
            return Outcome(record.name if record else doc_id, "failed", reason=reason)
        return self.replace(doc_id, record.name, data, added_by=record.added_by, hooks=hooks)

    def add_many(
        self,
        uploads: Iterable[Upload],
        *,
        added_by: str = "",
        replace: bool = False,
        hooks: ProgressHooks | None = None,
    ) -> Report:
        """Add files in one writer session; commits in batches (settings.commit_batch_chunks) for big folders."""
        hooks = hooks or ProgressHooks()
        started = time.perf_counter()
        uploads = list(uploads)
        report = Report()
        with self._writing():
            batch = _Batch()
            for number, upload in enumerate(uploads):
                hooks.started(display_name(upload.name), number, len(uploads))
                outcome = self._stage(upload, added_by, replace, hooks, batch)
                if outcome.status in ("added", "replaced"):
                    batch.waiting.append(outcome)
                else:
                    report.outcomes.append(outcome)
                    hooks.done(outcome)
                if batch.chunk_count >= self.settings.commit_batch_chunks and number < len(uploads) - 1:
                    # an intermediate generation: BM25 only; readers build the bigram leg if they are asked
                    # before the folder is done (building it per batch made big folders quadratic)
                    report.outcomes.extend(self._commit(batch, hooks, bigram_leg=False))
                    batch = _Batch()
            report.outcomes.extend(self._commit(batch, hooks))
        report.outcomes.sort(key=lambda o: next(i for i, u in enumerate(uploads) if display_name(u.name) == o.name))
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, doc_ids: Sequence[str]) -> Report:
        """Delete documents (text, vectors, stored sources); unknown ids are reported, nothing else changes."""
        started = time.perf_counter()
        report = Report()
        with self._writing(check_model=False):
            batch = _Batch()
            for doc_id in dict.fromkeys(doc_ids):
                record = self.catalog.document(doc_id)
                if record is None:
                    report.outcomes.append(Outcome(doc_id, "failed", reason="没有这个文档"))
                    continue
                batch.removed.append(record)
            self._commit(batch, ProgressHooks())
            report.outcomes.extend(
                Outcome(r.name, "removed", r.title, chunks=r.n_chunks, doc_id=r.doc_id) for r in batch.removed
            )
        report.seconds = time.perf_counter() - started
        return report

    def rebuild(self, from_sources: bool = False, hooks: ProgressHooks | None = None) -> int:
        """Recompute vectors with the current model and republish BM25 (after a model or tokenizer change);
        with from_sources, re-parse every stored source first (after a parser or chunker change)."""
        hooks = hooks or ProgressHooks()
        with self._writing(check_model=False, clean=False):
            if from_sources:
                self._reparse_all(hooks)
            chunks = list(self.catalog.iter_chunks())
            if self.settings.dense_enabled:
                self._fresh_vectors()
                self._embed(chunks, "全部段落", hooks)
            self._retokenize(chunks)
            self._write_manifest()
            return len(chunks)

    def prepare(self) -> str | None:
        """Before serving: clear what a killed writer left, re-tokenize after a tokenizer change, and publish a
        BM25 artefact when the current generation has none. Returns why vectors need a rebuild, if they do."""
        with self._writing(check_model=False):
            manifest = read_manifest(self.settings, self.catalog)
            if manifest is not None and self.catalog.chunk_count() and manifest.embedding_model != self._model():
                return mismatch_message(manifest.embedding_model, self._model())
            if manifest is None or manifest.tokenizer_version != self.tokenizer.version:
                self._retokenize(list(self.catalog.iter_chunks()))
                self._write_manifest()
            else:
                self._publish_current_if_missing()
        return None

    def repair_derived(self) -> None:
        """Drop orphan vectors, embed passages that lack vectors, republish the current BM25 generation."""
        with self._writing():
            if self.vectors is not None:
                missing = self.catalog.chunk_ids() - self.vectors.ids()
                chunks = list(self.catalog.chunks_by_ids(sorted(missing)).values())
                self._embed(chunks, "缺失的向量", ProgressHooks())
            self._retokenize(list(self.catalog.iter_chunks()))

    def republish_current(self) -> None:
        """Publish the current generation's legs again, in the data dir and (shared catalog) the database: for
        `library check --repair` when a copy is damaged but the catalog and vectors are sound (no re-tokenizing)."""
        with self._writing(check_model=False):
            self._republish(self.catalog.generation_state())

    def restore_catalog(self, catalog_bytes: bytes, sources: dict[str, bytes]) -> None:
        """Put a backed-up catalog and its sources in place (into an empty library); derived parts follow
        from `rebuild`."""
        import json

        with self._writing(check_model=False, clean=False):
            path = self.settings.catalog_path
            self.catalog.close()
            for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                extra.unlink(missing_ok=True)
            partial = path.with_name(path.name + ".restore")
            partial.write_bytes(catalog_bytes)
            partial.replace(path)
            self.catalog = CatalogWriter(self.settings.catalog_url)
            for name, data in sources.items():
                if name.endswith(".json"):
                    continue
                meta = json.loads(sources.get(name + ".json", b"{}") or b"{}")
                self.sources.put(name, data, meta.get("name", ""), meta.get("added_by", ""))

    def restore_database(self, load: Callable[[], None]) -> None:
        """Let `load` fill a shared (PostgreSQL) catalog database from a backup under the write lock, then open it
        afresh (tables were replaced); derived parts follow from `rebuild`."""
        with self._writing(check_model=False, clean=False):
            try:
                load()
            finally:  # restored or, when `load` failed, as it was: either way the tables are opened anew
                self.catalog.close()
                self.catalog = CatalogWriter(self.settings.catalog_url)
                self.sources = open_source_store(self.settings, self.catalog.db)

    def mark(self, key: str, value: str) -> None:
        """Record a fact about the library (e.g. that it was seeded) in the catalog."""
        with self._writing(check_model=False):
            self.catalog.set_meta(key, value)

    def close(self) -> None:
        self.catalog.close()

    # --- inside the lock
    @contextmanager
    def _writing(self, check_model: bool = True, clean: bool = True) -> Iterator[None]:
        """Sessions of this process take turns; another process holding the lock is waited for up to
        `wait_for_lock` seconds, then refused with a clear message."""
        with self._in_process, library_write_lock(self.settings, self.catalog.db, self.wait_for_lock):
            if clean:
                self._drop_orphan_vectors()
            if check_model:
                self._check_model()
            yield

    def _local_day(self, stamp: str) -> str:
        """A stored UTC time's day as organizers read it (the 文档列表 shows the same)."""
        return local_time(stamp, time_zone(self.settings.timezone))[:10]

    def _model(self) -> str:
        return model_name(self.embedder)

    def _manifest(self) -> Manifest:
        dim = self.embedder.dim if self.embedder is not None else 0
        return Manifest(self._model(), dim, self.tokenizer.version)

    def _write_manifest(self) -> None:
        write_manifest(self._manifest(), self.settings, self.catalog)

    def _check_model(self) -> None:
        """New vectors must come from the model the index was built with (or the index must be empty)."""
        manifest = read_manifest(self.settings, self.catalog)
        if manifest is None or self.catalog.chunk_count() == 0:
            self._write_manifest()
            return
        if manifest.embedding_model != self._model():
            raise IndexMismatchError(mismatch_message(manifest.embedding_model, self._model()))

    def _stage(
        self,
        upload: Upload,
        added_by: str,
        replace: bool,
        hooks: ProgressHooks,
        batch: _Batch,
        replaces: str | None = None,
    ) -> Outcome:
        """Parse, check the duplicate policy, embed and store vectors: everything before the commit."""
        name = display_name(upload.name)
        if upload.data is None:
            return Outcome(name, "failed", reason=upload.reason or "无法读取文件", advice=upload.advice)
        limit = self.settings.max_upload_mb * 1024 * 1024
        if len(upload.data) > limit:
            return Outcome(name, "failed", reason=f"文件超过 {self.settings.max_upload_mb} MB 的上限")
        doc_id = content_id(upload.data)
        twin = self.catalog.document(doc_id) or batch.staged_record(doc_id)
        if twin is not None and replaces is None and twin.pipeline_version == PIPELINE_VERSION:
            return Outcome(name, "exists", twin.title, reason="内容相同", doc_id=twin.doc_id, existing_id=twin.doc_id)
        try:
            parsed = parse(
                upload.name,
                upload.data,
                self.settings.chunk_size,
                self.settings.load_limits,
                on_stage=lambda stage, share: hooks.at(name, stage, share),
            )
        except LoadError as exc:
            if exc.detail:
                log.info("%s not loaded: %s (%s)", name, exc.reason, exc.detail)
            return Outcome(name, "failed", reason=exc.reason, advice=exc.advice, detail=exc.detail)
        if replaces is None:
            replaces = twin.doc_id if twin is not None else None  # same bytes, older pipeline: redo in place
        if replaces is None:
            same_title = self._same_title(parsed, batch)
            if same_title is not None and not replace:
                added = self._local_day(same_title.added_at)
                return Outcome(
                    name,
                    "conflict",
                    parsed.title,
                    reason=f"资料库中已有同名文档《{same_title.title}》（{added} 入库），确认后可用新版本替换",
                    doc_id=doc_id,
                    existing_id=same_title.doc_id,
                )
            replaces = same_title.doc_id if same_title is not None else None
        self._embed(parsed.chunks, name, hooks)
        hooks.at(name, "commit")
        self.sources.put(parsed.doc_id, upload.data, name, added_by)
        batch.add(self._staged(parsed, added_by, replaces))
        status = "replaced" if replaces else "added"
        return Outcome(name, status, parsed.title, chunks=len(parsed.chunks), doc_id=doc_id, existing_id=replaces or "")

    def _same_title(self, parsed: ParsedDocument, batch: _Batch) -> DocumentRecord | None:
        pending = [s.record for s in batch.staged if s.record.title == parsed.title]
        stored = [d for d in self.catalog.documents_titled(parsed.title) if d.doc_id not in batch.dropped_ids]
        candidates = [d for d in pending + stored if d.doc_id != parsed.doc_id]
        return candidates[0] if candidates else None

    def _staged(self, parsed: ParsedDocument, added_by: str, replaces: str | None) -> StagedDocument:
        record = DocumentRecord(
            doc_id=parsed.doc_id,
            name=parsed.name,
            title=parsed.title,
            file_type=parsed.file_type,
            size_bytes=parsed.size_bytes,
            n_chunks=len(parsed.chunks),
            n_chars=sum(len(c.text) for c in parsed.chunks),
            pipeline_version=PIPELINE_VERSION,
            pages=parsed.pages,
            ocr_pages=parsed.ocr_pages,
            added_by=added_by,
            flags=parsed.flags,
        )
        tokens = [self.tokenizer.tokenize(index_text(c)) for c in parsed.chunks]
        return StagedDocument(record, parsed.chunks, tokens, replaces)

    def _embed(self, chunks: Sequence[Chunk], name: str, hooks: ProgressHooks) -> None:
        """Vectors for `chunks`, stored in groups of EMBED_GROUP model batches; progress after every model batch
        (a group's one call left a big file at “向量化 0%” for half a minute)."""
        if self.vectors is None or self.embedder is None or not chunks:
            return
        size = self.settings.embedding_batch_size
        step = size * EMBED_GROUP
        hooks.at(name, "embed", 0.0)  # the stage starts now: a page shows it, the bench times it from here
        done = 0
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            texts = [index_text(c) for c in part]
            pieces: list[np.ndarray] = []
            order = model_batches(texts, size)
            for batch in order:
                pieces.append(self.embedder.encode_documents([texts[i] for i in batch], batch_size=size))
                done += len(batch)
                hooks.at(name, "embed", done / len(chunks))
            stacked = np.concatenate(pieces)
            vectors = np.empty_like(stacked)
            vectors[np.concatenate(order)] = stacked  # back in the chunks' order
            self.vectors.add([c.id for c in part], vectors, [c.doc_id for c in part])

    def _commit(self, batch: _Batch, hooks: ProgressHooks, bigram_leg: bool = True) -> list[Outcome]:
        """Publish BM25 (and the bigram leg) for the next generation, then commit the catalog at it, then drop
        stale vectors."""
        if batch.empty:
            return []
        dropped = batch.dropped_ids
        stale_chunks = {c.id for doc_id in dropped for c in self.catalog.chunks_of(doc_id)}
        generation, stamp = self.catalog.generation() + 1, new_stamp()
        started = time.perf_counter()
        staged = ((c.id, c.doc_id, t) for item in batch.staged for c, t in zip(item.chunks, item.tokens, strict=True))
        rows = chain(self.catalog.iter_tokens(exclude_docs=dropped | batch.staged_ids), staged)  # streamed
        index = LexicalIndex.build(rows, generation, self.tokenizer.version, stamp)
        bm25_s = time.perf_counter() - started
        chunks = [c for item in batch.staged for c in item.chunks]
        bigram = build_bigram_leg(self.catalog, dropped | batch.staged_ids, chunks) if bigram_leg else None
        log.info("generation %d built: BM25 %.1f s, bigram leg %.1f s", generation, bm25_s,
                 time.perf_counter() - started - bm25_s)  # fmt: skip
        self._publish(index, bigram)
        self.catalog.commit(batch.staged, [r.doc_id for r in batch.removed], generation, stamp)
        self._prune_shared(generation, stamp)
        kept = {c.id for item in batch.staged for c in item.chunks}
        if self.vectors is not None and stale_chunks - kept:
            self.vectors.delete(sorted(stale_chunks - kept))
        for doc_id in dropped - batch.staged_ids:
            self.sources.delete(doc_id)
        log.info("generation %d: +%d documents, -%d", generation, len(batch.staged), len(dropped))
        done = list(batch.waiting)
        for outcome in done:
            hooks.done(outcome)
        return done

    def _retokenize(self, chunks: Sequence[Chunk]) -> None:
        generation, stamp = self.catalog.generation() + 1, new_stamp()
        tokens = [(c.id, self.tokenizer.tokenize(index_text(c))) for c in chunks]
        rows = [(c.id, c.doc_id, t) for c, (_, t) in zip(chunks, tokens, strict=True)]
        bigram = CharBigramIndex.build([(c.id, c.doc_id, index_text(c)) for c in chunks])
        self._publish(LexicalIndex.build(rows, generation, self.tokenizer.version, stamp), bigram)
        self.catalog.replace_tokens(tokens, generation, stamp)
        self._prune_shared(generation, stamp)

    def _publish_current_if_missing(self) -> None:
        """Publish the current generation again when its artefact, its bigram leg or (shared catalog) the
        shared copy is missing: after an upgrade, a lost data dir, or a writer that died after its commit."""
        state = self.catalog.generation_state()
        if self.artefacts is not None:  # replicas download the shared copy: this machine's own needs none
            complete = all(self.artefacts.size(kind, state.number, state.stamp) is not None for kind in LEGS)
        else:
            complete = load_published(self.settings.bm25_dir, state.number, state.stamp) is not None
            complete = complete and leg_dir(self.settings.bm25_dir, state.number, state.stamp, "bigram") is not None
        if not complete:
            self._republish(state)

    def _republish(self, state: GenerationState) -> None:
        """The generation's legs built again from the stored tokens, under its own number and stamp."""
        index = LexicalIndex.build(self.catalog.iter_tokens(), state.number, self.tokenizer.version, state.stamp)
        self._publish(index, build_bigram_leg(self.catalog))
        self._prune_shared(state.number, state.stamp)

    def _publish(self, index: LexicalIndex, bigram: CharBigramIndex | None) -> None:
        """A generation's legs in the data dir, then (shared catalog) in the database for other machines;
        both before the catalog commits that generation."""
        folder = publish(index, self.settings.bm25_dir, legs={"bigram": bigram} if bigram is not None else {})
        if self.artefacts is not None:
            generation, stamp = index.state.generation, index.state.stamp
            started = time.perf_counter()
            size = self.artefacts.put("bm25", generation, stamp, folder)
            if bigram is not None:
                size += self.artefacts.put("bigram", generation, stamp, folder / "bigram")
            log.info("generation %d stored in the database: %.1f MB in %.1f s", generation, size / 2**20,
                     time.perf_counter() - started)  # fmt: skip

    def _prune_shared(self, generation: int, stamp: str) -> None:
        if self.artefacts is not None:
            self.artefacts.prune(generation, stamp)

    def _fresh_vectors(self) -> None:
        """An empty collection for a full re-embed; Chroma files too damaged to open are moved aside first
        (vectors are derived: the catalog holds the text)."""
        try:
            self.vectors.reset()
        except Exception as exc:  # chromadb raises many kinds for damaged files
            aside = self.settings.chroma_dir.with_name(f"chroma.damaged-{int(time.time())}")
            log.warning("Chroma files unusable (%s): moved to %s and rebuilt", exc, aside)
            self.settings.chroma_dir.rename(aside)
            self._vectors = None
            self.vectors.reopen()

    def _drop_orphan_vectors(self) -> None:
        """Vectors whose chunk is not in the catalog: left by a writer killed between its steps."""
        if self.vectors is None or not (self.vectors.shared or self.settings.chroma_dir.exists()):
            return
        orphans = sorted(self.vectors.ids() - self.catalog.chunk_ids())
        if orphans:
            log.info("removing %d orphan vectors", len(orphans))
            self.vectors.delete(orphans)

    def _reparse_all(self, hooks: ProgressHooks) -> None:
        """Every stored source parsed again: the catalog's documents in place, and sources the catalog lost
        (an emptied or restored-without-text catalog) added back under the name they came with."""
        known = {d.doc_id: d for d in self.catalog.documents()}
        doc_ids = sorted(set(known) | self.sources.ids())
        batch = _Batch()
        for number, doc_id in enumerate(doc_ids):
            record = known.get(doc_id)
            meta = self.sources.meta(doc_id)
            name = record.name if record else meta.get("name") or doc_id
            hooks.started(name, number, len(doc_ids))
            data = self.sources.get(doc_id)
            if data is None:
                log.warning("no stored source for %s (%s): kept as it is", name, doc_id)
                continue
            try:
                parsed = parse(name, data, self.settings.chunk_size, self.settings.load_limits)
            except LoadError as exc:
                log.warning("re-parsing %s failed (%s): kept as it is", name, exc.reason)
                continue
            added_by = record.added_by if record else meta.get("added_by", "")
            batch.add(self._staged(parsed, added_by, doc_id if record else None))
        self._commit(batch, hooks)


def model_batches(texts: Sequence[str], size: int) -> list[np.ndarray]:
    """The batches sentence-transformers' encode() forms from one call's texts: sorted by length, longest first
    (np.argsort of the negated lengths), cut every `size`. Encoding each batch on its own then gives the same
    vectors as encoding them all in one call, and progress can be told between batches."""
    order = np.argsort([-len(text) for text in texts])
    return [order[start : start + size] for start in range(0, len(order), size)]


class _Batch:
    """Staged documents and removals that one catalog transaction will make visible together."""

    def __init__(self) -> None:
        self.staged: list[StagedDocument] = []
        self.removed: list[DocumentRecord] = []
        self.waiting: list[Outcome] = []

    def add(self, staged: StagedDocument) -> None:
        self.staged.append(staged)

    @property
    def empty(self) -> bool:
        return not self.staged and not self.removed

    @property
    def chunk_count(self) -> int:
        return sum(len(s.chunks) for s in self.staged)

    @property
    def staged_ids(self) -> set[str]:
        return {s.record.doc_id for s in self.staged}

    @property
    def dropped_ids(self) -> set[str]:
        return {r.doc_id for r in self.removed} | {s.replaces for s in self.staged if s.replaces}

    def staged_record(self, doc_id: str) -> DocumentRecord | None:
        return next((s.record for s in self.staged if s.record.doc_id == doc_id), None)
