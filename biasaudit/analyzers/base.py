"""The one interface every analyzer implements: a batch of texts in, named columns out.

Analyzers know nothing about files, the CLI or Streamlit; they see a ``TextBatch`` and return columns.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from biasaudit.errors import UsageError
from biasaudit.text.batch import TextBatch

ColumnKind = Literal["score", "label", "flag"]


@dataclass(frozen=True)
class Column:
    """One output column of an analyzer.

    ``kind`` tells the report how to summarise it: ``score`` (float; mean, std, quantiles, extremes; NaN means
    undefined), ``label`` (categorical string; rates per label with Wilson intervals, ``labels`` lists them) or
    ``flag`` (bool; one rate with its interval). ``headline=False`` marks a detail column (e.g. a model's
    input features): kept in full in report.json, folded away in the readable views and breakdown tables.
    """

    name: str
    kind: ColumnKind
    description: str
    labels: tuple[str, ...] = ()
    headline: bool = True


@dataclass
class AnalyzerInfo:
    """What a report must record so that an analyzer's numbers can be reproduced."""

    name: str
    variant: str
    version: str
    settings: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)  # resource name -> sha256 (lexicons, models)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "variant": self.variant, "version": self.version,
                "settings": dict(self.settings), "resources": dict(self.resources)}


class Analyzer(ABC):
    """Base class of all analyzers (subclass it to add one; register it under ``biasaudit.analyzers``).

    Subclasses set ``name``, ``version``, ``variants`` (the first is the default) and implement ``columns``
    and ``analyze_batch``. Construction validates options; heavy resources (models, lexicons) should load
    lazily or once in ``__init__`` so one instance serves many batches.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    variants: ClassVar[tuple[str, ...]] = ("default",)

    def __init__(self, variant: str | None = None, **options: Any) -> None:
        variant = variant or self.variants[0]
        if variant not in self.variants:
            raise UsageError(f"analyzer {self.name!r} has no variant {variant!r}; "
                             f"choose one of: {', '.join(self.variants)}")
        if options:
            raise UsageError(f"analyzer {self.name!r} got unknown options: {', '.join(sorted(options))}")
        self.variant = variant

    @property
    def spec(self) -> str:
        """The spec string that selects this analyzer and variant (``name:variant``)."""
        return f"{self.name}:{self.variant}"

    @property
    @abstractmethod
    def columns(self) -> tuple[Column, ...]:
        """The columns ``analyze_batch`` returns, in order."""

    @abstractmethod
    def analyze_batch(self, batch: TextBatch) -> Mapping[str, Sequence[Any] | np.ndarray]:
        """Score every text of ``batch``; return one sequence of ``len(batch)`` values per column."""

    def info(self) -> AnalyzerInfo:
        """Name, variant, version, settings and resource hashes, for the report's reproducibility block."""
        return AnalyzerInfo(self.name, self.variant, self.version)

    def collectors(self) -> list[Any]:
        """Optional corpus-level checks fed every scored batch (``biasaudit.report.collectors.Collector``).

        This is how an analyzer adds a report section (e.g. a classifier's self-audit) while a scan's memory
        stays bounded. Each collector's ``finish()`` becomes the report section named by its ``name``.
        """
        return []

    def __call__(self, texts: Sequence[str]) -> dict[str, np.ndarray | list]:
        """Convenience: score a list of strings directly."""
        return dict(self.analyze_batch(TextBatch(list(texts))))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec} v{self.version}>"
