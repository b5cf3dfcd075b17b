"""``sentiment``: VADER polarity per text (Hutto & Gilbert 2014) with vaderSentiment 2.5's exact scores.

Scored by biasaudit.text.fast_vader, a faster port tested to give the package's scores to the bit.

Shares its VADER pass with the linguistic-bias score through the batch cache; knows nothing of I/O.
"""
from __future__ import annotations

from biasaudit.analyzers.base import Analyzer, AnalyzerInfo, Column
from biasaudit.text.batch import TextBatch
from biasaudit.text.vader import batch_polarity, vader_version

_COLUMNS = (
    Column("vader_compound", "score", "VADER compound polarity in [-1, 1] (negative to positive)"),
    Column("vader_pos", "score", "share of the text's sentiment-bearing weight that is positive", headline=False),
    Column("vader_neu", "score", "share that is neutral", headline=False),
    Column("vader_neg", "score", "share that is negative", headline=False),
)


class SentimentAnalyzer(Analyzer):
    """VADER sentiment. Variant ``vader`` (the only one): vaderSentiment, version pinned by biasaudit."""

    name = "sentiment"
    version = "1.0"
    variants = ("vader",)

    @property
    def columns(self) -> tuple[Column, ...]:
        return _COLUMNS

    def analyze_batch(self, batch: TextBatch):
        scores = batch_polarity(batch)
        return {col.name: scores[:, i] for i, col in enumerate(_COLUMNS)}

    def info(self) -> AnalyzerInfo:
        return AnalyzerInfo(self.name, self.variant, self.version,
                            settings={"vaderSentiment": vader_version(),
                                      "implementation": "biasaudit.text.fast_vader"})
