"""Vocabulary memos: ``memos.clear_all`` empties every one of them, scores do not change, and a scan empties them
once its records are scored (so the report's work reuses their memory; issue 11)."""
from __future__ import annotations

import numpy as np

import biasaudit
from biasaudit.analyzers.registry import build_many
from biasaudit.io import example_path, iter_records
from biasaudit.text import memos, vader
from biasaudit.text.batch import TextBatch
from biasaudit.text.pattern_en import epistemic, lemmatizer, sentence, tagger, tokenizer


def _texts() -> list[str]:
    return [r.text for r in iter_records([str(example_path())], dialogue=True)]


def _score(analyzers, texts: list[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for a in analyzers:
        cols = a.analyze_batch(TextBatch(texts))
        out.update({k: np.asarray(v) for k, v in cols.items()})
    return out


def _memo_sizes(analyzers) -> dict[str, int]:
    hate = next(a for a in analyzers if a.name == "hate")
    fast = hate._model._fast
    return {
        "vader tokens": len(vader._analyzer()._memo),
        "tagger entity keys": len(tagger._entity_keys),
        "pattern chunks": len(tokenizer._chunks),
        "pattern words": len(sentence._words),
        "modality pieces": len(epistemic._infos),
        "lemmas": lemmatizer.singularize.cache_info().currsize + lemmatizer.infinitive.cache_info().currsize,
        "hate words": len(fast.index),
    }


def test_clear_all_empties_every_memo_and_scores_stay_the_same():
    analyzers = build_many(None)
    texts = _texts()
    memos.clear_all()  # earlier tests in this process may have filled them with other texts
    before = _score(analyzers, texts)
    filled = _memo_sizes(analyzers)
    assert all(filled.values()), filled  # the example corpus fills each of them

    memos.clear_all()
    assert not any(_memo_sizes(analyzers).values()), _memo_sizes(analyzers)

    after = _score(analyzers, texts)  # relearned from scratch: the very same numbers
    assert before.keys() == after.keys()
    for name in before:
        if before[name].dtype.kind == "f":
            assert np.array_equal(before[name], after[name], equal_nan=True), name
        else:
            assert (before[name] == after[name]).all(), name
    assert _memo_sizes(analyzers) == filled


def test_a_dead_holder_is_forgotten():
    class Holder:
        cleared = 0

        def clear_memos(self) -> None:
            Holder.cleared += 1

    holder = Holder()
    memos.track(holder)
    memos.clear_all()
    assert Holder.cleared == 1
    del holder
    memos.clear_all()
    assert Holder.cleared == 1


def test_scan_clears_the_memos_once_records_are_scored(tmp_path, monkeypatch):
    calls = []
    real = memos.clear_all

    def spy() -> None:
        calls.append(len(vader._analyzer()._memo))  # what the scoring had memoised when it was cleared
        real()

    monkeypatch.setattr(memos, "clear_all", spy)
    result = biasaudit.scan(example_path(), out=tmp_path / "out", dialogue=True, progress=False)
    assert result.report["counts"]["scored"] > 0
    assert len(calls) == 1 and calls[0] > 0
