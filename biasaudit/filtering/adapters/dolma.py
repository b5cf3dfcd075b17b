"""Dolma adapter: a tagger writing the policy's scores (and a ``flagged`` 0/1 attribute) as document spans.

Importing this module registers the default policy's tagger as ``biasaudit`` (``dolma tag --taggers biasaudit
--tagger_modules biasaudit.filtering.adapters.dolma``); ``register_tagger(name, policy)`` adds others. Dolma
then drops or keeps documents in its mixer with a filter on the attribute, e.g.
``$.attributes[?(@.exp__biasaudit__flagged[0][2] >= 0.5)]``. Dolma taggers see one document at a time.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from dolma import BaseTagger, add_tagger
from dolma.core.data_types import DocResult, Document, Span
from dolma.core.registry import TaggerRegistry

from biasaudit.filtering.hook import FilterHook
from biasaudit.filtering.policy import Policy

DEFAULT_NAME = "biasaudit"


class BiasauditTagger(BaseTagger):
    """One span over the whole document per headline score column, plus ``flagged`` (1.0 when a rule fired)."""

    policy: Any = None  # subclasses made by register_tagger carry their own policy

    def __init__(self) -> None:
        self.hook = FilterHook(self.policy)
        self.scores = [c.name for c in self.hook.columns if c.headline and c.kind in ("score", "flag")]

    def predict(self, doc: Document) -> DocResult:
        decisions = self.hook.score_and_decide([doc.text])
        end = len(doc.text)
        spans = [Span(start=0, end=end, type=name, score=float(decisions.columns[name][0])) for name in self.scores]
        spans.append(Span(start=0, end=end, type="flagged", score=float(decisions.flagged[0])))
        return DocResult(doc=doc, spans=spans)


def register_tagger(name: str, policy: str | Path | dict[str, Any] | Policy | None = None) -> type[BaseTagger]:
    """Register a tagger applying ``policy`` under ``name`` (kept if already registered by this module)."""
    if TaggerRegistry.has(name):
        return TaggerRegistry.get(name)
    cls = type(f"BiasauditTagger_{name}", (BiasauditTagger,), {"policy": Policy.load(policy)})
    return add_tagger(name)(cls)


register_tagger(DEFAULT_NAME)
