# cython: boundscheck=False, wraparound=False
"""The Brill context rules run over small-int ids (the tables are built by ``tagger._context_tables``).

Kept apart so the compiled build can run the loop as typed C over the tables (brill.pxd). The interpreter runs
this loop about twice as slowly as dict look-ups, so without a compiled build ``tagger`` uses its dict-based pass
(``COMPILED`` says which).
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable

try:
    import cython

    COMPILED = bool(cython.compiled)  # False in the interpreter: there ``tagger`` uses its dict-based pass instead
except ImportError:  # Cython is not installed: pure Python
    COMPILED = False


class RuleTables:
    """The context rules as tables: the words and tags the rules test as small ints (0 for any other), and per
    tag id ``f`` the ranges ``groups[4f:4f+4]`` of its rules (with the "*" rules) in ``single`` and in ``pairs``.

    A rule on one position is a rank table over the ids there (``single``: relative index in the ids, start of
    its table in ``table``; -1 where no rule fires); a rule on two positions is listed in ``pairs`` (rank,
    relative index, id, relative index, id; highest rank first). ``to_id``/``to_tag``: rank -> the new tag.
    """

    def __init__(self, word_ids: dict[str, int], tag_ids: dict[str, int], groups: array, single: array,
                 table: array, pairs: array, to_id: array, to_tag: tuple[str, ...]) -> None:
        self.word_ids, self.tag_ids, self.to_tag = word_ids, tag_ids, to_tag
        self.groups, self.single, self.table, self.pairs, self.to_id = groups, single, table, pairs, to_id

    def run(self, words: list[str], tags: list[str], spans: Iterable[tuple[int, int]]) -> None:
        """Padded ``tags`` in place over the ``(start, end)`` spans, left to right: at each token the highest
        rank that fires wins, testing its original tag and the new tags of the tokens before it."""
        ids = [0] * (2 * len(words))  # (word id, tag id) per token; tag ids kept in step with the new tags
        ids[::2] = [self.word_ids.get(x, 0) for x in words]
        ids[1::2] = [self.tag_ids.get(x, 0) for x in tags]
        for start, end in spans:
            self._apply(ids, tags, start, end)

    def _apply(self, ids: list[int], tags: list[str], start: int, end: int) -> None:
        groups, single, table, pairs = self.groups, self.single, self.table, self.pairs
        for i in range(start, end):
            at = 2 * i
            f = ids[at + 1]  # the token's tag before this pass
            f *= 4
            best = -1
            k = groups[f]
            stop = groups[f + 1]
            while k < stop:
                v = ids[at + single[k]]
                rank = table[single[k + 1] + v]
                if rank > best:  # noqa: PLR1730 (a branch, not a max() call, in the pure-Python run)
                    best = rank
                k += 2
            k = groups[f + 2]
            stop = groups[f + 3]
            while k < stop:
                rank = pairs[k]
                if rank <= best:
                    break
                v = ids[at + pairs[k + 1]]
                if v == pairs[k + 2]:
                    v = ids[at + pairs[k + 3]]
                    if v == pairs[k + 4]:
                        best = rank
                        break
                k += 5
            if best >= 0:
                tags[i] = self.to_tag[best]
                ids[at + 1] = self.to_id[best]
