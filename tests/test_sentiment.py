"""sentiment analyzer: the vaderSentiment package's own scores, computed once per batch and shared."""
import numpy as np
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import biasaudit
from biasaudit.text import vader
from biasaudit.text.batch import TextBatch

TEXTS = ["VADER is smart, handsome, and funny!", "The book was kind of good.", "Not bad at all :)",
         "Today SUX!", "", "The plot was good, but the characters are uncompelling and the dialog is not great."]


def test_columns_equal_the_reference_package():
    ref = SentimentIntensityAnalyzer()
    df = biasaudit.analyze(TEXTS, analyzers="sentiment")
    for i, text in enumerate(TEXTS):
        s = ref.polarity_scores(text)
        assert (df.vader_compound[i], df.vader_pos[i], df.vader_neu[i], df.vader_neg[i]) == \
            (s["compound"], s["pos"], s["neu"], s["neg"])
    assert df.vader_compound[0] > 0.8 and df.vader_compound[3] < 0  # VADER README: positive / negative


def test_polarity_is_computed_once_per_batch(monkeypatch):
    calls = []
    real = vader.polarity
    monkeypatch.setattr(vader, "polarity", lambda texts: calls.append(len(texts)) or real(texts))
    batch = TextBatch(TEXTS)
    first = vader.batch_polarity(batch)
    second = vader.batch_polarity(batch)
    assert calls == [len(TEXTS)] and first is second
    assert np.array_equal(first[:, 0], biasaudit.analyze(TEXTS, analyzers="sentiment").vader_compound.to_numpy())


def test_info_records_vader_version():
    info = biasaudit.analyzers.registry.build("sentiment").info().as_dict()
    assert info["settings"]["vaderSentiment"] == "2.5"


@pytest.mark.parametrize("text", ["\x00", "\u200b\u200b", "😀" * 50, "a" * 100_000, "مرحبا بالعالم"])
def test_odd_unicode_gives_finite_scores(text):
    df = biasaudit.analyze([text], analyzers="sentiment")
    assert np.isfinite(df.to_numpy(dtype=float)).all()
