"""Corpus-level checks that watch every scored batch of a scan and add one section to its report.

Unlike analyzers (one value per record), a collector learns something from the whole corpus (e.g. the word
associations it teaches). It must keep bounded state: it sees batches once, in order, and never the files.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Protocol

import pandas as pd

from biasaudit.errors import UsageError

#: Collector name -> "module:factory"; the factory is called with the scan's seed and the user's options.
COLLECTORS: dict[str, str] = {"associations": "biasaudit.associations.corpus:CorpusAssociations",
                               "henderson2018": "biasaudit.report.henderson:HendersonTable"}


class Collector(Protocol):
    name: str

    def update(self, frame: pd.DataFrame) -> None:
        """One scored batch: record metadata (id, text, conversation_id, ...) plus analyzer columns."""

    def finish(self) -> dict[str, Any]:
        """The JSON-able report section (records referred to by id only, never by text)."""

    def info(self) -> dict[str, Any]:
        """Versions, settings and resource hashes, for the report's reproducibility block."""


def build_collector(name: str, *, seed: int, options: dict[str, Any] | None = None) -> Collector:
    target = COLLECTORS.get(name)
    if target is None:
        raise UsageError(f"unknown corpus check {name!r}; available: {', '.join(COLLECTORS)}")
    module, attr = target.split(":")
    try:
        factory = getattr(import_module(module), attr)
    except (ImportError, AttributeError) as err:
        raise UsageError(f"corpus check {name!r} is not available in this installation ({err})") from None
    return factory(seed=seed, **(options or {}))
