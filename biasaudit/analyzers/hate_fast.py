"""Fast, exact n-gram features for the hate models: one dict lookup per whitespace word, the rest in NumPy.

Every n-gram analyzer the models use (``normalize`` + word/char_wb n-grams, Davidson's preprocess + stemmed
words) acts on each whitespace-separated word of the raw text on its own: none of their regexes can match across
whitespace and their replacements are space-padded. So a raw word's contribution (its word-token ids, its
char_wb feature ids) is computed once, with the very functions the slow path and training use (compiled, the
char_wb ids come from integer n-gram keys instead: the same ids, tested), and cached;
a batch is then a gather over cached arrays. Word n-grams are integer keys over token ids (a token absent from
every vocabulary n-gram can never be part of one, so it breaks n-grams), looked up in a vectorised hash table.
Counts come out sorted per row, and ``hate_model.weighted`` applies the same TF-IDF arithmetic as the slow path:
same numbers, bit for bit (tests/test_hate_fast_equivalence.py).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from itertools import chain, compress, repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from biasaudit.analyzers import hate_features as hf
from biasaudit.analyzers import hate_kernel
from biasaudit.text import memos

if TYPE_CHECKING:  # imported where a matrix is built: the default (kernel) path never needs scipy.sparse
    import scipy.sparse as sp

FAST_KINDS = ("words", "char_wb", "davidson_words")
_MAX_WORDS = 200_000  # cached raw words before the cache is cleared (about 70 MB at most, open vocabulary)
_INT64_MAX = np.iinfo(np.int64).max
_NO_INTS, _NO_UINTS, _NO_FLOATS = np.zeros(1, np.int64), np.zeros(1, np.uint64), np.zeros(1, np.float64)
_LOG_PLUS_ONE = [np.zeros(1)]


def log_plus_one(n: int) -> np.ndarray:
    """``log(c) + 1`` at index ``c`` for ``1 <= c <= n`` (sublinear TF), by NumPy's log as ``weighted`` takes it."""
    table = _LOG_PLUS_ONE[0]
    if len(table) <= n:
        table = np.arange(0.0, 2 * n + 2)
        np.log(table[1:], out=table[1:])  # the very calls of ``weighted``: in place, then + 1
        table[1:] += 1.0
        _LOG_PLUS_ONE[0] = table
    return table


class _Growable:
    """An integer array that grows by doubling (appending a batch of new words is amortised O(new))."""

    def __init__(self, dtype: type = np.int32) -> None:
        self.buf = np.empty(1024, dtype=dtype)
        self.size = 0

    def extend(self, values: Sequence[int]) -> None:
        need = self.size + len(values)
        if need > len(self.buf):
            grown = np.empty(max(need, 2 * len(self.buf)), dtype=self.buf.dtype)
            grown[:self.size] = self.buf[:self.size]
            self.buf = grown
        self.buf[self.size:need] = values
        self.size = need

    @property
    def values(self) -> np.ndarray:
        return self.buf[:self.size]


class KeyTable:
    """A read-only int64 -> int64 hash map with vectorised lookups (open addressing, load <= 1/4).

    One random memory access per query instead of a binary search's ~16: the word n-gram lookup's hot spot.
    """

    _MULT = np.uint64(hate_kernel.HASH_MULT)  # Fibonacci hashing: the top bits of key * 2^64/phi

    def __init__(self, keys: np.ndarray, values: np.ndarray, spread: int = 4) -> None:
        bits = max(4, (spread * len(keys)).bit_length())  # at least ``spread`` slots per key
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.keys = np.full(1 << bits, -1, dtype=np.int64)  # keys are >= 0: -1 marks an empty slot
        self.values = np.zeros(1 << bits, dtype=np.int64)
        if hate_kernel.COMPILED:
            hate_kernel.fill_table(np.ascontiguousarray(keys, np.int64), np.ascontiguousarray(values, np.int64),
                                   self.keys, self.values, int(self.shift), self.mask)
            return
        pending, pos = np.arange(len(keys)), self._slots(keys)
        while len(pending):  # each round, the first pending key aimed at a free slot takes it
            free = self.keys[pos] == -1
            _, first = np.unique(pos[free], return_index=True)
            take = np.flatnonzero(free)[first]
            self.keys[pos[take]] = keys[pending[take]]
            self.values[pos[take]] = values[pending[take]]
            rest = np.ones(len(pending), dtype=bool)
            rest[take] = False
            pending, pos = pending[rest], (pos[rest] + 1) & self.mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * self._MULT) >> self.shift).astype(np.int64)

    def lookup(self, queries: np.ndarray) -> np.ndarray:
        """The value of each query key, -1 for keys not in the table."""
        out = np.full(len(queries), -1, dtype=np.int64)
        active, pos = np.arange(len(queries)), self._slots(queries)
        while len(active):
            slot = self.keys[pos]
            q = queries[active]
            hit = slot == q
            out[active[hit]] = self.values[pos[hit]]
            go_on = (slot != -1) & ~hit
            active, pos = active[go_on], (pos[go_on] + 1) & self.mask
        return out


class _Block:
    """One n-gram block: each cached raw word's codes (from ``strings``), and a batch's features from them."""

    lookup: dict[str, int]  # a word's strings (tokens or char n-grams) -> codes
    drop_unknown = False  # True: strings not in ``lookup`` are dropped; False: they become -1
    uses_norm = True  # whether ``strings`` reads the normalised word

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self._scratch: tuple[np.ndarray, ...] | None = None
        self.reset()

    def reset(self) -> None:
        """Forget every cached word."""
        self.codes = _Growable()
        self.offsets = _Growable(np.int64)
        self.offsets.extend([0])

    def add(self, words: Sequence[str], norm: Sequence[str]) -> None:
        """Append the codes of new raw ``words`` (``norm``: each one ``normalize``d)."""
        per_word = list(map(self.strings, words, norm))
        lengths = np.fromiter(map(len, per_word), np.int64, len(per_word))
        flat = list(chain.from_iterable(per_word))
        codes = np.fromiter(map(self.lookup.get, flat, repeat(-1)), np.int64, len(flat))
        if self.drop_unknown:
            known = codes >= 0
            lengths = np.bincount(np.repeat(np.arange(len(words)), lengths)[known], minlength=len(words))
            codes = codes[known]
        self.codes.extend(codes)
        self.offsets.extend(self.offsets.values[-1] + np.cumsum(lengths, dtype=np.int64))

    def strings(self, word: str, norm_word: str) -> list[str]:
        """The n-gram strings (char_wb) or tokens (words) that one raw word contributes."""
        raise NotImplementedError

    def gather(self, widx: np.ndarray, word_doc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Codes of the batch's words, concatenated in text order, and the document of each code."""
        offsets = self.offsets.values
        starts = offsets[widx]
        lengths = offsets[widx + 1] - starts
        ends = np.cumsum(lengths)
        pos = np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends) else 0)
        return self.codes.values[pos], np.repeat(word_doc, lengths)

    def features(self, codes: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(document, feature id) of every vocabulary n-gram occurrence."""
        return docs, codes

    def kernel_args(self) -> tuple[Any, ...] | None:
        """``hate_kernel.score_block``'s n-gram arguments, or None when the kernel cannot score this block."""
        return False, 1, 1, 1, _NO_INTS, _NO_INTS, 0, 0, _NO_UINTS, 0

    def score(self, widx: np.ndarray, doc_starts: np.ndarray, weighting: tuple[np.ndarray, bool, bool, bool],
              z: np.ndarray) -> None:
        """Add this block's TF-IDF-weighted ``coef`` rows to the flat decision values ``z`` (compiled kernel);
        ``weighting``: per feature (idf, coef row) flattened, whether there is an idf, sublinear TF, l2 norm."""
        weights, has_idf, sublinear, l2 = weighting
        offsets = self.offsets.values
        per_word = np.zeros(len(widx) + 1, dtype=np.int64)
        np.cumsum(offsets[widx + 1] - offsets[widx], out=per_word[1:])
        per_doc = per_word[doc_starts[1:]] - per_word[doc_starts[:-1]]
        most = int(per_doc.max()) if len(per_doc) else 0  # codes of the longest document
        args = self.kernel_args()
        occurrences = most * (args[2] - args[1] + 1)  # bound: n-gram occurrences per document
        scratch = self._scratch
        if scratch is None or len(scratch[3]) < most or len(scratch[4]) < occurrences:
            size = max(most, occurrences, 16) * 2
            scratch = self._scratch = (np.zeros(self.n_features, np.intc), np.zeros(-(-self.n_features // 64), np.uint64),
                                       np.zeros(-(-self.n_features // 4096), np.uint64), np.empty(size, np.int64),
                                       np.empty(size, np.int64), np.empty(size, np.float64))
        hate_kernel.score_block(self.codes.values, offsets, widx, doc_starts, *args, weights, has_idf,
                                log_plus_one(occurrences) if sublinear else _NO_FLOATS, sublinear, l2, z, *scratch)


def positions(items: Sequence[str]) -> dict[str, int]:
    """Each item -> its index in ``items`` (unique items: a vocabulary, feature id -> term)."""
    return dict(zip(items, range(len(items))))


def keys_by_length(units: np.ndarray, lengths: np.ndarray, fids: np.ndarray, base: int
                   ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per n-gram length n, (each term's key, its feature id): term i is the next ``lengths[i]`` of ``units``
    (token or character indices) read as a number in base ``base``. Past int64 the keys wrap silently: they are
    of use only where ``base ** n`` fits (``ngram_probe_table`` refuses the others)."""
    starts = np.cumsum(lengths) - lengths
    by_n = {}
    for n in np.unique(lengths).tolist():
        first = starts[lengths == n]
        key = units[first]
        for k in range(1, n):
            key = key * base + units[first + k]
        by_n[n] = key, fids[lengths == n]
    return by_n


def ngram_probe_table(by_n: dict[int, tuple[np.ndarray, np.ndarray]], base: int, hi: int
                      ) -> tuple[np.ndarray, np.ndarray, int, int, np.ndarray, int] | None:
    """One open-addressing table for the n-grams of every n, as ``hate_kernel`` probes it: ``(key_offsets, pairs,
    shift, mask, present, present_shift)``. An n-gram of n units (tokens or characters, ``base`` of them) keyed
    ``key`` in ``by_n[n]`` (keys, feature ids) is stored under ``key + key_offsets[n]`` (the number of shorter
    keys), key and feature id side by side; ``present`` holds a bit per finer hash of the stored keys. None when
    those keys overflow int64."""
    key_offsets = [0] * (hi + 1)
    for n in range(2, hi + 1):
        key_offsets[n] = key_offsets[n - 1] + base ** (n - 1)
    if key_offsets[hi] + base ** hi > _INT64_MAX:
        return None
    keys = np.concatenate([np.zeros(0, np.int64)] + [k + key_offsets[n] for n, (k, _) in by_n.items()])
    fids = np.concatenate([np.zeros(0, np.int64)] + [f for _, f in by_n.values()])
    table = KeyTable(keys, fids, spread=2)  # interleaved below: a probe reads one cache line
    pairs = np.empty(2 * len(table.keys), dtype=np.int64)
    pairs[0::2], pairs[1::2] = table.keys, table.values
    present_shift = int(table.shift) - 3  # 8 bits per slot: a random absent key passes 1 time in 16 or less
    finer = (keys.astype(np.uint64) * KeyTable._MULT) >> np.uint64(present_shift)
    present = np.zeros(max(1, (8 * len(table.keys)) // 64), dtype=np.uint64)
    np.bitwise_or.at(present, (finer >> np.uint64(6)).astype(np.int64), np.uint64(1) << (finer & np.uint64(63)))
    return np.asarray(key_offsets, dtype=np.int64), pairs, int(table.shift), table.mask, present, present_shift


class _CharBlock(_Block):
    """``char_wb`` n-grams: a word's code is the vocabulary ids of its n-grams (unknown n-grams dropped).

    Compiled, ``add`` codes new words with ``hate_kernel.char_wb_codes``: the vocabulary's characters get
    alphabet indices, an n-gram an integer key, and no n-gram string is made (the same codes as the Python path).
    """

    drop_unknown = True

    def __init__(self, terms: list[str], ngram_range: Sequence[int]) -> None:
        self.terms = terms  # the vocabulary: feature id -> n-gram
        self.lo, self.hi = ngram_range
        super().__init__(len(terms))
        self._coder: tuple[Any, ...] | None | bool = False  # built at the first ``add`` (False: not yet)

    @cached_property
    def lookup(self) -> dict[str, int]:  # the Python path's; the compiled coder reads ``terms``
        return positions(self.terms)

    def strings(self, word: str, norm_word: str) -> list[str]:
        return hf.char_wb_ngrams(norm_word, self.lo, self.hi)

    def add(self, words: Sequence[str], norm: Sequence[str]) -> None:
        if self._coder is False:
            self._coder = self._build_coder() if hate_kernel.COMPILED else None
        if self._coder is None or not words:
            super().add(words, norm)
            return
        norm = norm if type(norm) is list else list(norm)
        longest = max(map(len, norm)) + 2
        # a piece of L characters has at most L + 2 n-grams of each n, and the padded pieces of a word of L
        # characters hold at most 2L + 1
        most = (self.hi - self.lo + 1) * (2 * sum(map(len, norm)) + len(norm))
        codes = np.empty(most, dtype=np.int64)
        lengths = np.empty(len(norm), dtype=np.int64)
        n = hate_kernel.char_wb_codes(norm, *self._coder, np.empty(longest, np.int64), codes, lengths)
        self.codes.extend(codes[:n])
        self.offsets.extend(self.offsets.values[-1] + np.cumsum(lengths, dtype=np.int64))

    def _build_coder(self) -> tuple[Any, ...] | None:
        """``char_wb_codes``' vocabulary arguments (``char_ids`` to ``present_shift``), or None when the keys
        would overflow int64 (the Python path serves then)."""
        terms = self.terms
        lengths = np.fromiter(map(len, terms), np.int64, len(terms))
        usable = (lengths >= self.lo) & (lengths <= self.hi)  # no char_wb n-gram matches the other terms
        points = np.frombuffer("".join(terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        points = points[np.repeat(usable, lengths)]
        lengths = lengths[usable]
        fids = np.arange(len(terms), dtype=np.int64)[usable]
        alphabet = np.unique(points)
        base = max(len(alphabet), 1)
        char_ids = np.full(int(alphabet[-1]) + 1 if len(alphabet) else 1, -1, dtype=np.int64)
        char_ids[alphabet] = np.arange(len(alphabet))
        probe = ngram_probe_table(keys_by_length(char_ids[points], lengths, fids, base), base, self.hi)
        return None if probe is None else (char_ids, self.lo, self.hi, base, *probe)


class _WordBlock(_Block):
    """Word n-grams: a word's code is its tokens' ids (-1: in no vocabulary n-gram); n-grams are int keys."""

    def __init__(self, terms: list[str], ngram_range: Sequence[int], tokens: Callable[[str, str], list[str]]
                 ) -> None:
        self.lo, self.hi = ngram_range
        self.tokens = tokens
        # No per-term lists (garbage collection made that slow): one join + split gives every term's tokens.
        lengths = np.fromiter(map(str.count, terms, repeat(" ")), np.int64, len(terms)) + 1
        keep = (lengths >= self.lo) & (lengths <= self.hi)
        flat = " ".join(compress(terms, keep)).split(" ") if keep.any() else []  # split inverts the join
        self.lookup: dict[str, int] = positions(list(dict.fromkeys(flat)))  # every n-gram token
        self.base = max(len(self.lookup), 1)
        self.exact = self.base ** self.hi <= _INT64_MAX  # keys fit int64; else the slow path serves the block
        ids = np.fromiter(map(self.lookup.__getitem__, flat), np.int64, len(flat))
        fids = np.arange(len(terms), dtype=np.int64)[keep]
        by_n = keys_by_length(ids, lengths[keep], fids, self.base) if self.exact else {}
        self.tables: dict[int, KeyTable] = {n: KeyTable(*keys) for n, keys in by_n.items()}
        super().__init__(len(terms))
        self.kernel_table = self._kernel_table(by_n) if hate_kernel.COMPILED else None

    def strings(self, word: str, norm_word: str) -> list[str]:
        return self.tokens(word, norm_word)

    def _kernel_table(self, by_n: dict[int, tuple[np.ndarray, np.ndarray]]) -> tuple[Any, ...] | None:
        """The kernel's n-gram arguments from each n's (keys, feature ids), or None when the keys overflow int64
        (see ``ngram_probe_table``)."""
        probe = ngram_probe_table(by_n, self.base, self.hi)
        return None if probe is None else (True, self.lo, self.hi, self.base, *probe)

    def kernel_args(self) -> tuple[Any, ...] | None:
        return self.kernel_table

    def features(self, codes: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids = codes.astype(np.int64)
        known = ids >= 0
        # together[i]: tokens i and i + 1 are both known and in the same document
        together = known[:-1] & known[1:] & (docs[:-1] == docs[1:])
        out_docs, out_fids = [], []
        run, key = known, ids.copy()
        for n in range(1, self.hi + 1):
            if n > 1:  # run[i]: tokens i .. i + n - 1 all known, one document
                run = run[:-1] & together[n - 2:]
                key = key[:-1] * self.base + ids[n - 1:]
            if n < self.lo or n not in self.tables:
                continue
            where = np.flatnonzero(run)
            fids = self.tables[n].lookup(key[where])
            hit = fids >= 0
            out_docs.append(docs[where[hit]])
            out_fids.append(fids[hit])
        if not out_docs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(out_docs), np.concatenate(out_fids)


def normalize_word(word: str) -> str:
    """``normalize`` of one whitespace-free word; its regexes need ``http``, ``@`` or ``&`` to change anything."""
    return hf.normalize(word) if "http" in word or "@" in word or "&" in word else word.lower()


def _default_words(word: str, norm_word: str) -> list[str]:
    return hf.words_of(norm_word)


def _davidson_words(stop: frozenset[str]) -> Callable[[str, str], list[str]]:
    def tokens(word: str, norm_word: str) -> list[str]:
        # davidson_preprocess of a whitespace-free word changes it only when it holds "http" or "@"
        pre = hf.davidson_preprocess(word) if "http" in word or "@" in word else word
        return [t for t in hf.davidson_tokenize(pre) if t not in stop]
    return tokens


def make_block(block: dict[str, Any]) -> _Block | None:
    """The fast form of an n-gram ``block`` (its ``vocabulary``: feature id -> term, terms unique), or None when
    only the slow path can compute it."""
    kind, ngram_range, terms = block["kind"], block["ngram_range"], block["vocabulary"]
    if kind == "char_wb":
        return _CharBlock(terms, ngram_range)
    if kind == "words":
        fast = _WordBlock(terms, ngram_range, _default_words)
    elif kind == "davidson_words":
        fast = _WordBlock(terms, ngram_range, _davidson_words(frozenset(block.get("stop_words", ()))))
        fast.uses_norm = False
    else:
        return None
    return fast if fast.exact else None


class FastNgrams:
    """The fast blocks of one model, sharing one raw-word index; ``counts`` gives each block's count matrix."""

    def __init__(self, blocks: dict[int, _Block], max_words: int = _MAX_WORDS) -> None:
        self.blocks = blocks
        self.max_words = max_words
        self.index: dict[str, int] = {}
        self._lock = threading.Lock()  # one shared model may serve several threads (the dashboard)
        memos.track(self)

    def _learn(self, words: set[str]) -> None:
        new = list(words)  # any order: it only decides where a word's codes sit in the cache
        norm = list(map(normalize_word, new)) if any(b.uses_norm for b in self.blocks.values()) else new
        for b in self.blocks.values():
            b.add(new, norm)
        start = len(self.index)
        self.index.update(zip(new, range(start, start + len(new)), strict=True))

    def counts(self, texts: Sequence[str]) -> dict[int, sp.csr_matrix]:
        """Per fast block, the ``(len(texts), n_features)`` CSR matrix of n-gram counts, indices sorted."""
        with self._lock:
            return self._counts(texts)

    def clear_memos(self) -> None:
        """Forget every cached word (see biasaudit.text.memos)."""
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self.index.clear()
        for b in self.blocks.values():
            b.reset()

    def _bound_cache(self) -> None:
        if len(self.index) > self.max_words:
            self._clear()

    def _word_index(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each whitespace word's cache index (learning new words), and the number of words per text."""
        self._bound_cache()
        split = [t.split() for t in texts]
        words = list(chain.from_iterable(split))
        get = self.index.get
        widx = np.fromiter(map(get, words, repeat(-1)), np.int64, len(words))
        if len(widx) and widx.min() < 0:
            self._learn(set(words).difference(self.index))
            widx = np.fromiter(map(get, words), np.int64, len(words))
        return widx, np.fromiter(map(len, split), np.int64, len(split))

    def decisions(self, texts: Sequence[str], weighting: dict[int, tuple[np.ndarray, bool, bool, bool]]
                  ) -> np.ndarray:
        """``(len(texts), 3)`` values of TF-IDF features @ ``coef`` over every block, in block order (compiled
        kernel; the same numbers as ``counts`` -> ``hate_model.weighted`` -> hstack -> CSR @ dense)."""
        texts = texts if type(texts) is list else list(texts)  # the typed kernel takes exact lists
        with self._lock:
            self._bound_cache()
            widx = np.empty((sum(map(len, texts)) + len(texts)) // 2 + 1, dtype=np.int64)  # >= words in texts
            lengths = np.empty(len(texts), dtype=np.int64)
            n_words, absent = hate_kernel.word_ids(texts, self.index, widx, lengths)
            if absent:
                self._learn({w for t in texts for w in t.split()}.difference(self.index))
                n_words, _ = hate_kernel.word_ids(texts, self.index, widx, lengths)
            widx = widx[:n_words]
            doc_starts = np.zeros(len(texts) + 1, dtype=np.int64)
            np.cumsum(lengths, out=doc_starts[1:])
            z = np.zeros(3 * len(texts))
            for i in sorted(self.blocks):
                self.blocks[i].score(widx, doc_starts, weighting[i], z)
            return z.reshape(len(texts), 3)

    def kernel_ready(self) -> bool:
        """Whether the compiled kernel can score every fast block."""
        return hate_kernel.COMPILED and all(b.kernel_args() is not None for b in self.blocks.values())

    def _counts(self, texts: Sequence[str]) -> dict[int, sp.csr_matrix]:
        widx, lengths = self._word_index(texts)
        word_doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        out = {}
        for i, b in self.blocks.items():
            docs, fids = b.features(*b.gather(widx, word_doc))
            out[i] = count_matrix(docs, fids, len(texts), b.n_features)
        return out


def count_matrix(docs: np.ndarray, fids: np.ndarray, n_docs: int, n_features: int) -> sp.csr_matrix:
    """Canonical CSR (sorted indices, no duplicates) of occurrence counts of (document, feature) pairs."""
    import scipy.sparse as sp

    dtype = np.int32 if n_docs * n_features < 2 ** 31 else np.int64  # int32 sorts several times faster
    key = docs.astype(dtype) * dtype(n_features) + fids.astype(dtype)
    key.sort()
    first = np.empty(len(key), dtype=bool)
    first[:1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    uniq = key[starts]
    counts = np.diff(np.append(starts, len(key))).astype(np.float64)
    rows = uniq // n_features
    indptr = np.zeros(n_docs + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
    m = sp.csr_matrix((counts, (uniq - rows * n_features).astype(np.int32), indptr), shape=(n_docs, n_features))
    m.has_sorted_indices = True
    m.has_canonical_format = True
    return m
