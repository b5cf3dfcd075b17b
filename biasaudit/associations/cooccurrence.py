"""Streaming word-context co-occurrence counts with bounded memory, for the corpus association check.

Counts only: it sees token lists once, in order, and never stores texts. Memory is bounded by the vocabulary caps
(rows x contexts), the warm-up buffer and the per-document counts kept for the pinned (WEAT) words.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens (letters/digits, inner hyphens and apostrophes kept: "short-term", "don't")."""
    return TOKEN.findall(text.lower())


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


class CooccurrenceCounter:
    """Symmetric-window counts n(w, c) for w in a row vocabulary and c in a context vocabulary.

    Two stages in one pass: the first ``warmup_tokens`` tokens are buffered (as integer ids) and counted; then
    the rows (top ``vocab_size`` words plus every pinned word) and the contexts (top ``contexts`` words) are
    frozen, the buffer is counted and dropped, and later documents are counted directly. Words first seen after
    the warm-up are not rows (pinned words always are). For every pinned word the counts are also kept per
    document, so that documents can be resampled without a second pass.
    """

    def __init__(self, pinned: Iterable[str], *, window: int, vocab_size: int, contexts: int, min_count: int,
                 warmup_tokens: int) -> None:
        self.pinned = tuple(sorted(set(pinned)))
        self.window, self.vocab_size, self.n_contexts = window, vocab_size, min(contexts, vocab_size)
        self.min_count, self.warmup_tokens = min_count, warmup_tokens
        self._warm_ids: dict[str, int] = {}
        self._warm_docs: list[tuple[np.ndarray, int]] = []
        self._warm_size = 0
        self.frozen = False
        self.n_docs, self.n_tokens = 0, 0
        self._last_conversation: object = None
        self._doc_parts: list[np.ndarray] = []  # per-document pinned counts: (doc, pinned*C + context, count)

    # -- input ---------------------------------------------------------------------------------------------
    def add(self, texts: Sequence[str], conversations: Sequence[object] | None = None) -> None:
        """One batch of records; consecutive records with the same conversation id form one document."""
        docs = self._doc_indices(len(texts), conversations)
        later: list[tuple[np.ndarray, int]] = []
        for text, doc in zip(texts, docs):
            if self.frozen:
                later.append((self._row_ids(tokenize(text)), doc))
                continue
            ids = np.fromiter((self._warm_ids.setdefault(w, len(self._warm_ids)) for w in tokenize(text)),
                              dtype=np.int32)
            self._warm_docs.append((ids, doc))
            self._warm_size += ids.size
            if self._warm_size >= self.warmup_tokens:  # per record, so batch sizes cannot change the vocabulary
                self.freeze()
        self._count(later)

    def _doc_indices(self, n: int, conversations: Sequence[object] | None) -> list[int]:
        out = []
        for i in range(n):
            conv = None if conversations is None else conversations[i]
            if _missing(conv) or conv != self._last_conversation:  # no conversation: its own document
                self.n_docs += 1
            self._last_conversation = conv
            out.append(self.n_docs - 1)
        return out

    # -- vocabulary -----------------------------------------------------------------------------------------
    def freeze(self) -> None:
        """Choose rows and contexts from the warm-up counts, then count the buffered documents."""
        if self.frozen:
            return
        words = list(self._warm_ids)
        freq = np.bincount(np.concatenate([d for d, _ in self._warm_docs]) if self._warm_docs else
                           np.zeros(0, np.int32), minlength=len(words))
        ranked = [w for _, w in sorted((-int(freq[i]), w) for i, w in enumerate(words)
                                       if freq[i] >= self.min_count)]
        rows = ranked[:self.vocab_size]
        taken = set(rows)
        rows += [w for w in self.pinned if w not in taken]
        self.rows = {w: i for i, w in enumerate(rows)}
        self.contexts = ranked[:self.n_contexts]
        self.ctx_of_row = np.full(len(rows) + 1, -1, dtype=np.int64)  # last slot: out-of-vocabulary (-1)
        self.ctx_of_row[[self.rows[w] for w in self.contexts]] = np.arange(len(self.contexts))
        self.pin_of_row = np.full(len(rows) + 1, -1, dtype=np.int64)
        self.pin_of_row[[self.rows[w] for w in self.pinned]] = np.arange(len(self.pinned))
        self.counts = sparse.csr_matrix((len(rows), max(len(self.contexts), 1)), dtype=np.float64)
        self.row_freq = np.zeros(len(rows), dtype=np.int64)
        remap = np.array([self.rows.get(w, -1) for w in words], dtype=np.int64)
        warm, self._warm_docs, self._warm_ids = self._warm_docs, [], {}
        self.frozen = True
        self._count([(remap[ids], doc) for ids, doc in warm])

    def _row_ids(self, tokens: list[str]) -> np.ndarray:
        return np.fromiter((self.rows.get(w, -1) for w in tokens), dtype=np.int64, count=len(tokens))

    # -- counting -------------------------------------------------------------------------------------------
    def _count(self, records: list[tuple[np.ndarray, int]], chunk_tokens: int = 100_000) -> None:
        """Count records in chunks of about ``chunk_tokens`` tokens (the window pairs take ~50 bytes a token)."""
        start = 0
        while start < len(records):
            end, size = start, 0
            while end < len(records) and (size < chunk_tokens or end == start):
                size += records[end][0].size
                end += 1
            self._count_chunk(records[start:end])
            start = end

    def _count_chunk(self, records: list[tuple[np.ndarray, int]]) -> None:
        ids = np.concatenate([r for r, _ in records])
        record = np.repeat(np.arange(len(records)), [r.size for r, _ in records])
        doc = np.repeat(np.array([d for _, d in records], dtype=np.int64), [r.size for r, _ in records])
        self.n_tokens += ids.size
        self.row_freq += np.bincount(ids[ids >= 0], minlength=self.row_freq.size)
        rows, ctxs, docs = [], [], []
        for k in range(1, self.window + 1):
            same = record[:-k] == record[k:]
            for w, c in ((ids[:-k], ids[k:]), (ids[k:], ids[:-k])):  # both directions of the window
                ctx = self.ctx_of_row[c]
                keep = same & (w >= 0) & (ctx >= 0)
                rows.append(w[keep]), ctxs.append(ctx[keep]), docs.append(doc[:-k][keep])
        rows, ctxs, docs = np.concatenate(rows), np.concatenate(ctxs), np.concatenate(docs)
        self.counts = self.counts + sparse.csr_matrix((np.ones(rows.size), (rows, ctxs)), shape=self.counts.shape)
        pin = self.pin_of_row[rows]
        keep = pin >= 0
        n_ctx = self.counts.shape[1]
        key = (docs[keep] * len(self.pinned) + pin[keep]) * n_ctx + ctxs[keep]
        key, count = np.unique(key, return_counts=True)
        self._doc_parts.append(np.stack([key // (len(self.pinned) * n_ctx), key % (len(self.pinned) * n_ctx),
                                         count]).astype(np.int32))

    def document_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(doc, pinned index * n_contexts + context, count) for every pinned-word co-occurrence."""
        parts = np.concatenate(self._doc_parts, axis=1) if self._doc_parts else np.zeros((3, 0), np.int64)
        self._doc_parts = [parts]
        return parts[0], parts[1], parts[2]

    def frequency(self, word: str) -> int:
        """How often a row word occurred (after the warm-up buffer was counted)."""
        i = self.rows.get(word)
        return 0 if i is None else int(self.row_freq[i])
