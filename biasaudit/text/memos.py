"""The memos that grow with the text a process has seen, and one call that empties them all.

Word and phrase memos (VADER's token memo, the Pattern tagger's, the hate model's word cache, ...) are what
make scoring fast, and each fills up with a corpus's vocabulary to its cap. A scan empties them once its records
are scored, so the work that follows (quantile passes, report sections, plots) reuses that memory instead of
adding to it: peak memory then hardly depends on corpus size (issue 11). Emptying is always safe, since a memo
refills on use; the cost is a few tenths of a second of relearning in the next scan of the same process.

Loaded data (lexicons, models) is not a memo: it does not grow with the input and stays loaded.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Protocol


class HoldsMemos(Protocol):
    def clear_memos(self) -> None: ...


_module_memos: list[Callable[[], None]] = []
_object_memos: weakref.WeakSet[HoldsMemos] = weakref.WeakSet()


def register(clear: Callable[[], None]) -> Callable[[], None]:
    """Register the function that empties a module-level memo (returns it, so it works as a decorator)."""
    _module_memos.append(clear)
    return clear


def track(holder: HoldsMemos) -> None:
    """Have ``clear_all`` call ``holder.clear_memos()`` for as long as ``holder`` lives (held weakly)."""
    _object_memos.add(holder)


def clear_all() -> None:
    """Empty every memo registered in this process."""
    for clear in _module_memos:
        clear()
    for holder in list(_object_memos):
        holder.clear_memos()
