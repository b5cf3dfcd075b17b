"""Tests of the corpus association check (scan --associations): planted associations, bootstrap, bounded memory."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from biasaudit.associations import weat
from biasaudit.associations.cooccurrence import CooccurrenceCounter, tokenize
from biasaudit.associations.corpus import CorpusAssociations
from biasaudit.associations.report import associations_markdown
from biasaudit.cli import main
from biasaudit.errors import UsageError

FILLER = "the a of and to in is it that was for on with as at by this we you".split()  # noqa: SIM905
FLOWERS, INSECTS, PLEASANT, UNPLEASANT = (list(words) for _, words in
                                          weat.load_tests(["weat1"])[0].word_sets().values())


def planted(n: int, *, swap: bool = False, seed: int = 0, purity: float = 1.0) -> list[str]:
    """Records that each mix two flowers with two pleasant words, or two insects with two unpleasant ones
    (swap: the other way round), plus filler: flowers and pleasant words then share their contexts. With
    ``purity`` < 1 a record takes the other attribute set with probability 1 - purity."""
    rng = np.random.default_rng(seed)
    good, bad = (UNPLEASANT, PLEASANT) if swap else (PLEASANT, UNPLEASANT)
    texts = []
    for i in range(n):
        matching = rng.random() < purity
        words = [*rng.choice(FLOWERS if i % 2 == 0 else INSECTS, 2), *rng.choice(FILLER, 2),
                 *rng.choice(good if (i % 2 == 0) == matching else bad, 2)]
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
    return texts


def run(texts, *, batch=500, conversations=None, seed=0, **options) -> dict:
    options = {"tests": "weat1", "dim": 20, "bootstrap": 30, "permutations": 500, **options}
    collector = CorpusAssociations(seed=seed, **options)
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts,
                          "conversation_id": conversations or [None] * len(texts)})
    for start in range(0, len(frame), batch):
        collector.update(frame.iloc[start:start + batch])
    return collector.finish()


def test_a_planted_association_comes_out_large_and_flips_with_the_planting():
    plain, swapped = run(planted(2000))["tests"][0], run(planted(2000, swap=True))["tests"][0]
    assert plain["status"] == "ok" and plain["effect_size"] > 1.5 and plain["p_value"] < 0.01
    assert swapped["effect_size"] < -1.5 and swapped["p_value"] > 0.99
    assert plain["coverage"]["target1"] == {"name": "Flowers", "found": 25, "total": 25, "coverage": 1.0}
    lo, hi = plain["bootstrap"]["ci_low"], plain["bootstrap"]["ci_high"]
    assert 1.0 < lo < hi and plain["bootstrap"]["valid_draws"] == plain["bootstrap"]["draws"] == 30


def test_bootstrap_interval_narrows_with_more_documents():
    # A weak planting (55% of records follow it): with 8x the documents the interval must shrink (measured:
    # width 1.29 -> 0.79; asserted: by a factor of at least 1.5) and, on the large corpus, exclude 0.
    small, large = (run(planted(n, seed=2, purity=0.55), bootstrap=60)["tests"][0] for n in (600, 4800))
    width = {k: t["bootstrap"]["ci_high"] - t["bootstrap"]["ci_low"] for k, t in (("s", small), ("l", large))}
    assert width["l"] < width["s"] / 1.5
    assert large["bootstrap"]["ci_low"] > 0


def test_same_seed_same_section_whatever_the_batching_and_another_seed_moves_only_the_random_parts():
    texts = planted(1200)
    a, b = run(texts, batch=500), run(texts, batch=37)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    c = run(texts, seed=1)["tests"][0]
    assert c["bootstrap"] != a["tests"][0]["bootstrap"]
    assert c["effect_size"] == pytest.approx(a["tests"][0]["effect_size"], abs=0.02)  # SVD seed only


def test_vocabulary_and_contexts_are_capped_and_warm_up_fixes_the_rows():
    rng = np.random.default_rng(0)
    rare = [f"w{i}" for i in range(400)]
    texts = [" ".join(rng.choice(rare, 8)) + " rose love" for _ in range(300)] + ["newword " * 10] * 5
    counter = CooccurrenceCounter({"rose", "love", "ant"}, window=2, vocab_size=50, contexts=20, min_count=1,
                                  warmup_tokens=2000)
    counter.add(texts)
    counter.freeze()
    assert len(counter.rows) == 50 + 1  # top 50 (rose and love among them) plus the pinned "ant"
    assert len(counter.contexts) == 20 and counter.counts.shape == (51, 20)
    assert "newword" not in counter.rows  # first seen after the 2,000-token warm-up
    assert counter.n_tokens == 300 * 10 + 5 * 10 and counter.frequency("rose") == 300


def test_window_counts_by_hand():
    # "rose love ant": window 1 -> pairs (rose, love), (love, rose), (love, ant), (ant, love).
    counter = CooccurrenceCounter({"rose", "love", "ant"}, window=1, vocab_size=10, contexts=10, min_count=1,
                                  warmup_tokens=10)
    counter.add(["Rose love ant", "ant"], conversations=["c1", "c1"])
    counter.freeze()
    dense = counter.counts.toarray()
    r, c = counter.rows, {w: i for i, w in enumerate(counter.contexts)}
    assert dense[r["rose"], c["love"]] == 1 and dense[r["love"], c["ant"]] == 1 and dense[r["rose"], c["ant"]] == 0
    assert dense.sum() == 4  # no window across records, even in the same conversation
    assert counter.n_docs == 1  # consecutive records of one conversation are one document
    doc, _, count = counter.document_counts()
    assert set(doc.tolist()) == {0} and count.sum() == 4


def test_a_test_without_enough_words_is_skipped_with_a_reason_never_nan():
    section = run(planted(600) + ["Nothing about names here."] * 10, tests="weat1,weat3")
    by_name = {t["test"]: t for t in section["tests"]}
    skipped = by_name["weat3"]
    assert skipped["status"] == "skipped" and "for 80% coverage" in skipped["reason"]
    assert skipped["coverage"]["target1"] == {"name": "European American names", "found": 0, "total": 32}
    assert "adam" in skipped["missing"]["target1"]
    json.dumps(section, allow_nan=False)
    lines = associations_markdown(section)
    assert any(line.startswith("| weat1 | Flowers vs Insects") for line in lines)
    assert any(line.startswith("Skipped weat3: too few words") for line in lines)
    only_skipped = associations_markdown({**section, "tests": [skipped]})
    assert "No test had enough of its words in this corpus." in only_skipped
    assert not any(line.startswith("|") for line in only_skipped)


def test_empty_corpus_and_bad_options():
    assert run([""])["tests"][0]["status"] == "skipped"
    with pytest.raises(UsageError, match="unknown associations option"):
        CorpusAssociations(seed=0, windw=3)
    with pytest.raises(UsageError, match="window"):
        CorpusAssociations(seed=0, window=0)


def test_tokenizer_keeps_inner_hyphens_and_apostrophes():
    assert tokenize("Short-term, DON'T stop: rose.") == ["short-term", "don't", "stop", "rose"]


def test_scan_associations_end_to_end(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in planted(1200)), encoding="utf-8")
    out = tmp_path / "scan"
    args = ["scan", str(corpus), "--analyzers", "sentiment", "--associations", "--option", "associations.tests=weat1",
            "--option", "associations.dim=20", "--option", "associations.bootstrap=20",
            "--option", "associations.permutations=200"]
    assert main([*args, "--out", str(out)]) == 0
    assert main([*args, "--out", str(tmp_path / "again")]) == 0
    assert (out / "report.json").read_bytes() == (tmp_path / "again" / "report.json").read_bytes()
    report = json.loads((out / "report.json").read_text())
    section = report["sections"]["associations"]
    assert section["tests"][0]["effect_size"] > 1.5 and section["corpus"]["documents"] == 1200
    assert report["reproducibility"]["collectors"][0]["name"] == "associations"
    md, html = (out / "report.md").read_text(), (out / "report.html").read_text()
    assert "## Associations the corpus teaches" in md and "| weat1 | Flowers vs Insects" in md
    assert "Associations the corpus teaches" in html and "<td>weat1</td>" in html


def test_a_draw_that_takes_every_document_once_reproduces_the_point_estimate_vectors():
    from biasaudit.associations.corpus import _Space

    collector = CorpusAssociations(seed=0, tests="weat1", dim=10, bootstrap=0)
    collector.update(pd.DataFrame({"text": planted(400), "conversation_id": None}))
    c = collector.counter
    c.freeze()
    space = _Space.build(c, 10, seed=0)
    _, cell, count = c.document_counts()
    cells, where = np.unique(cell, return_inverse=True)
    folded = space.embed(cells // space.n_contexts, cells % space.n_contexts,
                         np.bincount(where, count.astype(float)), len(c.pinned))
    rows = [c.rows[w] for w in c.pinned]
    np.testing.assert_allclose(folded, space.vectors[rows], atol=1e-10)
