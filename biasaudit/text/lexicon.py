"""Count word-list hits in tokenised texts, many lists at once: one dict lookup per token, numpy for the rest.

Matching is exact surface form (the caller lower-cases and tokenises); this module never tokenises or scores.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, repeat
from pathlib import Path
from typing import Literal

import numpy as np

from biasaudit.text.tokenize import ascii_lower

GlobMode = Literal["literal", "prefix"]


def read_word_list(path: str | Path, encoding: str = "latin-1") -> list[str]:
    """Entries of a one-per-line list read as the Hutto et al. reference did: ``read().lower().split('\\n')``.

    Nothing is stripped, so entries with stray spaces stay (and, like in the reference, never match).
    """
    return ascii_lower(Path(path).read_bytes().decode(encoding)).split("\n")


class LexiconMatcher:
    """Per-text hit counts for several named word lists.

    A token counts once per occurrence for every list that holds it. With ``ngrams=True`` two- and
    three-word entries (single spaces) also count, once per *distinct* matching bigram/trigram of a text.
    Entries ending in ``*`` are LIWC-style prefixes; ``globs`` says how they match:
    ``"literal"`` reproduces the Hutto et al. (2015) bug (``token.startswith(entry)`` with the ``*`` still in the
    entry, so only tokens that literally contain it match), ``"prefix"`` is correct LIWC prefix matching.
    """

    def __init__(self, lists: Mapping[str, Iterable[str]], *, ngrams: bool = False,
                 globs: GlobMode = "literal") -> None:
        if globs not in ("literal", "prefix"):
            raise ValueError(f"globs must be 'literal' or 'prefix', not {globs!r}")
        self.names = tuple(lists)
        self.globs = globs
        width = len(self.names)
        vocab: dict[str, np.ndarray] = {}
        grams: dict[tuple[str, ...], np.ndarray] = {}
        self._glob_entries: list[tuple[str, int]] = []
        for col, entries in enumerate(lists.values()):
            for entry in set(entries):
                words = entry.split(" ")
                if len(words) == 1 and entry and not any(c.isspace() for c in entry):
                    vocab.setdefault(entry, np.zeros(width, np.int32))[col] = 1
                    if entry.endswith("*"):
                        self._glob_entries.append((entry if globs == "literal" else entry[:-1], col))
                elif ngrams and len(words) in (2, 3) and all(w and not any(c.isspace() for c in w)
                                                             for w in words):
                    grams.setdefault(tuple(words), np.zeros(width, np.int32))[col] = 1
        firsts = {g[0] for g in grams}
        for word in firsts:
            vocab.setdefault(word, np.zeros(width, np.int32))
        self._grams = grams
        self._rows: list[np.ndarray] = [np.zeros(width, np.int32)] + list(vocab.values())
        self._ids: dict[str, int] = {w: i + 1 for i, w in enumerate(vocab)}
        self._starts_gram = [False] + [w in firsts for w in vocab]
        self._checked: set[str] = set()
        self._freeze()

    def _freeze(self) -> None:
        self._table = np.vstack(self._rows)
        self._gram_mask = np.asarray(self._starts_gram, bool)

    def _add_glob_hits(self, tokens: set[str]) -> None:
        """Give tokens that match a prefix entry their own rows (memoised: each token is checked once)."""
        new = tokens - self._checked
        if self.globs == "literal":
            new = {t for t in new if "*" in t}
        self._checked |= new
        grew = False
        for tok in new:
            hits = [col for prefix, col in self._glob_entries if tok.startswith(prefix)]
            if not hits:
                continue
            i = self._ids.get(tok)
            if i is None:
                i = self._ids[tok] = len(self._rows)
                self._rows.append(np.zeros(len(self.names), np.int32))
                self._starts_gram.append(False)
            row = self._rows[i] = self._rows[i].copy()
            for col in hits:
                row[col] += 1
            grew = True
        if grew:
            self._freeze()

    def count(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(unigram_counts, ngram_counts)``, each an ``(len(docs), len(names))`` int array."""
        flat = list(chain.from_iterable(docs))
        if self._glob_entries:
            self._add_glob_hits(set(flat))
        get = self._ids.get
        ids = np.fromiter(map(get, flat, repeat(0)), np.int64, len(flat))
        lengths = np.fromiter(map(len, docs), np.int64, len(docs))
        ends = np.cumsum(lengths)
        # Only tokens in some list add anything: sum their rows per document, column by column (bincount's float
        # sums of small integers are exact)
        hits = np.flatnonzero(ids)
        rows = self._table[ids[hits]]
        doc_of = np.searchsorted(ends, hits, side="right")
        unigrams = np.empty((len(docs), len(self.names)), np.int64)
        for col in range(len(self.names)):
            unigrams[:, col] = np.bincount(doc_of, rows[:, col], len(docs))
        ngrams = np.zeros_like(unigrams)
        if self._grams:
            self._count_ngrams(flat, ids, ends, ngrams)
        return unigrams, ngrams

    def _count_ngrams(self, flat: list[str], ids: np.ndarray, ends: np.ndarray, out: np.ndarray) -> None:
        starts = np.flatnonzero(self._gram_mask[ids])
        if not len(starts):
            return
        doc_of = np.searchsorted(ends, starts, side="right")
        grams = self._grams
        seen: set[tuple[int, tuple[str, ...]]] = set()
        for pos, doc in zip(starts.tolist(), doc_of.tolist()):
            end = int(ends[doc])
            for n in (2, 3):
                if pos + n <= end:
                    key = tuple(flat[pos:pos + n])
                    if key in grams and (doc, key) not in seen:
                        seen.add((doc, key))
                        out[doc] += grams[key]
