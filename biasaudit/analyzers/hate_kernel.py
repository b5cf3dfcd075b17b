# cython: boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled one-pass scoring of the hate models' n-gram blocks: decision values without sparse matrices.

Why: the vectorised path (``hate_fast`` counts -> TF-IDF CSR per block -> hstack -> CSR @ coef) makes some twenty
NumPy passes over every n-gram occurrence. Compiled (C types from ``hate_kernel.pxd``), ``score_block`` walks each
record once per block instead: counts in a dense scratch array, the distinct features visited in ascending id
order through a two-level bitmap, then the arithmetic of ``hate_model.weighted`` and of scipy's CSR @ dense
(``csr_matvecs``: a row's entries in column order, ``y[k] += a * x[k]`` from zero) in that very order, so every
number is equal bit for bit. In the interpreter such loops are slower than NumPy, so ``COMPILED`` decides who
serves; ``score_block`` still runs correctly as pure Python on lists (tests/test_hate_fast_equivalence.py).
"""
from __future__ import annotations

import math

try:
    import cython

    COMPILED = bool(cython.compiled)
except ImportError:  # Cython is not installed: pure Python
    COMPILED = False

HASH_MULT = 0x9E3779B97F4A7C15  # hate_fast.KeyTable's Fibonacci hashing: the top bits of key * 2^64/phi
_HASH_MULT = HASH_MULT
_MASK64 = (1 << 64) - 1  # C's unsigned 64-bit wrap-around, for pure Python
_DEBRUIJN = 0x03F79D71B4CA8B09  # (a single bit * this) >> 58 differs for each of the 64 bits
_BIT_OF = sorted(range(64), key=lambda b: (((1 << b) * _DEBRUIJN) & _MASK64) >> 58)


def lowest_bit(w):
    """Index of the lowest set bit of a non-zero unsigned 64-bit ``w``."""
    return _BIT_OF[(((w & ~(w - 1)) * _DEBRUIJN) & _MASK64) >> 58]


def word_ids(texts, index, widx, lengths):
    """Each whitespace word's ``index`` value (-1 when absent) into ``widx``, the number of words of each text into
    ``lengths``; returns (words, absent words). ``widx`` must hold ``(characters in texts + len(texts)) // 2``
    values (a word takes a character and a separator).

    Each text's word list is dropped before the next one is made, so no pile of lists triggers garbage collection.
    """
    n = 0
    absent = 0
    for d in range(len(texts)):
        words = texts[d].split()
        lengths[d] = len(words)
        for w in words:
            i = index.get(w, -1)
            absent += i < 0
            widx[n] = i
            n += 1
    return n, absent


def score_block(codes, offsets, widx, doc_starts, word_ngrams, lo, hi, base, key_offsets, table, shift, tmask,
                present, present_shift, weights, has_idf, logtab, sublinear, l2, z, cnt, bits, summary, toks, fids,
                vals):
    """Add one block's ``weight * coef`` terms to the flat ``(n_docs * 3)`` decision values ``z``.

    A document's words are ``widx[doc_starts[d]:doc_starts[d + 1]]``; a cached word ``w`` contributes
    ``codes[offsets[w]:offsets[w + 1]]``: char_wb feature ids, or (``word_ngrams``) token ids, -1 breaking
    n-grams, whose n-gram keys ``key + key_offsets[n]`` the open-addressing ``table`` (key, feature id pairs)
    maps to feature ids; ``present`` holds a bit per finer hash value of the table's keys, so most absent n-grams
    cost no probe into the large table. ``weights[4 * f:4 * f + 4]``: feature ``f``'s idf and its three ``coef``
    entries (one cache line). ``cnt``, ``bits``, ``summary`` (zeros) and ``toks``, ``fids``, ``vals`` are scratch.
    """
    one = 1
    for d in range(len(doc_starts) - 1):
        n_occ = 0
        if word_ngrams:
            n_tok = 0
            for w in range(doc_starts[d], doc_starts[d + 1]):
                wi = widx[w]
                for p in range(offsets[wi], offsets[wi + 1]):
                    toks[n_tok] = codes[p]
                    n_tok += 1
            for i in range(n_tok):
                key = 0
                for n in range(1, hi + 1):
                    if i + n > n_tok or toks[i + n - 1] < 0:
                        break
                    key = key * base + toks[i + n - 1]
                    if n < lo:
                        continue
                    probe = key + key_offsets[n]
                    hashed = (probe * _HASH_MULT) & _MASK64
                    slot = hashed >> present_shift
                    if (present[slot >> 6] >> (slot & 63)) & one == 0:
                        continue
                    slot = hashed >> shift
                    while table[2 * slot] != probe and table[2 * slot] != -1:
                        slot = (slot + 1) & tmask
                    if table[2 * slot] == -1:
                        continue
                    f = table[2 * slot + 1]
                    if cnt[f] == 0:
                        bits[f >> 6] |= one << (f & 63)
                        summary[f >> 12] |= one << ((f >> 6) & 63)
                    cnt[f] += 1
                    n_occ += 1
        else:
            for w in range(doc_starts[d], doc_starts[d + 1]):
                wi = widx[w]
                for p in range(offsets[wi], offsets[wi + 1]):
                    f = codes[p]
                    if cnt[f] == 0:
                        bits[f >> 6] |= one << (f & 63)
                        summary[f >> 12] |= one << ((f >> 6) & 63)
                    cnt[f] += 1
                    n_occ += 1
        if n_occ == 0:
            continue
        # the distinct features in ascending order (a CSR row's order), weighted as hate_model.weighted does
        n_feat = 0
        squares = 0.0
        for s in range(len(summary)):
            sw = summary[s]
            summary[s] = 0
            while sw != 0:
                word = s * 64 + lowest_bit(sw)
                sw &= sw - 1
                bw = bits[word]
                bits[word] = 0
                while bw != 0:
                    f = word * 64 + lowest_bit(bw)
                    bw &= bw - 1
                    v = logtab[cnt[f]] if sublinear else float(cnt[f])
                    cnt[f] = 0
                    if has_idf:
                        v = v * weights[4 * f]
                    squares = squares + v * v
                    fids[n_feat] = f
                    vals[n_feat] = v
                    n_feat += 1
        norm = 1.0
        if l2:
            norm = math.sqrt(squares)
            if norm == 0.0:
                norm = 1.0
        for j in range(n_feat):
            v = vals[j] / norm if l2 else vals[j]
            row = 4 * fids[j]
            z[3 * d] += v * weights[row + 1]
            z[3 * d + 1] += v * weights[row + 2]
            z[3 * d + 2] += v * weights[row + 3]


def fill_table(keys, values, table_keys, table_values, shift, mask):
    """Insert each of the distinct keys (>= 0) and its value into the open-addressing table (-1: an empty slot)
    at its Fibonacci hash slot ``(key * HASH_MULT mod 2^64) >> shift`` or the next free one after it.

    Why: ``hate_fast.KeyTable`` builds its tables with NumPy rounds of ``np.unique``, several milliseconds per
    table at model load; a probe finds the same value whichever free slot a key took."""
    for i in range(len(keys)):
        slot = ((keys[i] * _HASH_MULT) & _MASK64) >> shift
        while table_keys[slot] != -1:
            slot = (slot + 1) & mask
        table_keys[slot] = keys[i]
        table_values[slot] = values[i]


def char_wb_codes(words, char_ids, lo, hi, base, key_offsets, table, shift, tmask, present, present_shift, ids,
                  codes, lengths):
    """The char_wb feature ids of each normalised word of ``words`` into ``codes``, in the order of
    ``hate_features.char_wb_ngrams`` (each whitespace-separated piece space-padded, n from ``lo``, every start in
    turn), n-grams outside the vocabulary dropped; each word's number of ids into ``lengths``. Returns the ids
    written.

    Why: learning a new word this way makes no n-gram strings (some thirty per word in ``_CharBlock.add``'s
    Python path). A character's alphabet index is ``char_ids[ord(c)]`` (-1 there or beyond the array: in no
    vocabulary n-gram); an n-gram's key is its indices in base ``base``, found as ``score_block`` finds word
    n-grams (``key + key_offsets[n]`` in ``table``, ``present`` first). ``ids`` is scratch for the longest
    padded piece; ``codes`` must hold every n-gram of every word.
    """
    one = 1
    n_codes = 0
    n_chars = len(char_ids)
    pad = char_ids[32] if n_chars > 32 else -1
    for k in range(len(words)):
        first = n_codes
        for piece in words[k].split():
            ids[0] = pad
            lw = 1
            for ch in piece:
                c = ord(ch)
                ids[lw] = char_ids[c] if c < n_chars else -1
                lw += 1
            ids[lw] = pad
            lw += 1
            for n in range(lo, min(hi, lw) + 1):
                for i in range(lw - n + 1):
                    key = 0
                    for j in range(i, i + n):
                        if ids[j] < 0:
                            key = -1
                            break
                        key = key * base + ids[j]
                    if key < 0:
                        continue
                    # score_block's probe, written out again: a shared cdef helper taking the memoryviews cost
                    # score_block some 20% (each call acquires them)
                    probe = key + key_offsets[n]
                    hashed = (probe * _HASH_MULT) & _MASK64
                    slot = hashed >> present_shift
                    if (present[slot >> 6] >> (slot & 63)) & one == 0:
                        continue
                    slot = hashed >> shift
                    while table[2 * slot] != probe and table[2 * slot] != -1:
                        slot = (slot + 1) & tmask
                    if table[2 * slot] != -1:
                        codes[n_codes] = table[2 * slot + 1]
                        n_codes += 1
        lengths[k] = n_codes - first
    return n_codes
