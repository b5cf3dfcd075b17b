"""datatrove adapter: ``BiasauditFilter``, a ``BaseFilter`` scoring whole batches through the filter hook.

Dropped documents return ``(False, reason)``, so datatrove counts them as ``dropped_<reason>`` and its
``exclusion_writer`` stores the reason in ``metadata["filter_reason"]``. Every document (kept or dropped) gets
its scores in ``metadata[policy.tag_key]``; in tag mode all are kept and ``flagged`` is counted as a stat.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter

from biasaudit.core import DEFAULT_BATCH_SIZE
from biasaudit.filtering.hook import FilterHook
from biasaudit.filtering.policy import Policy


class BiasauditFilter(BaseFilter):
    name = "⚖ biasaudit"

    def __init__(self, policy: str | Path | dict[str, Any] | Policy | None = None,
                 exclusion_writer: DiskWriter | None = None, batch_size: int = DEFAULT_BATCH_SIZE):
        super().__init__(exclusion_writer, batch_size)
        self.hook = FilterHook(policy)  # models load lazily in the worker that runs the step

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        decisions = self.hook.score_and_decide([doc.text for doc in batch])
        key = self.hook.policy.tag_key
        out: list[bool | tuple[bool, str]] = []
        for i, doc in enumerate(batch):
            doc.metadata[key] = decisions.tags(i)
            if decisions.flagged[i]:
                self.stat_update("flagged")
            out.append(True if decisions.keep[i] else (False, decisions.reasons[i]))
        return out
