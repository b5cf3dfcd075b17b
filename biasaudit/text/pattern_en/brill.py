"""The inner loop of the Brill context rules over small-int ids (tables built by ``tagger._context_tables``).

Kept apart so the compiled build can run it as a typed C loop (brill.pxd); as pure Python it is the same code.
"""
from __future__ import annotations

from collections.abc import Sequence


def apply_rules(ids: list[int], tags: list[str], start: int, end: int, groups: Sequence[int],
                single: Sequence[int], table: Sequence[int], pairs: Sequence[int], to_id: Sequence[int],
                to_tag: tuple[str, ...]) -> None:
    """Tokens ``start`` to ``end`` (left to right) of padded ``tags``, in place; ``ids`` holds (word id, tag id)
    per token, the tag ids kept in step with the new tags.

    Per tag id ``f``, ``groups[4f:4f+4]`` are the ranges of its rules in ``single`` (pairs: relative index in
    ``ids``, start of the rank table for that position in ``table``) and in ``pairs`` (rank, relative index,
    id, relative index, id; highest rank first). Highest rank that fires wins, as in Pattern's file order.
    """
    for i in range(start, end):
        at = 2 * i
        f = 4 * ids[at + 1]  # the token's tag before this pass; the tags before it are already new
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
            tags[i] = to_tag[best]
            ids[at + 1] = to_id[best]
