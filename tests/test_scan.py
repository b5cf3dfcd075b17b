"""scan(): the API contract, counts, rejected records, report numbers checked against direct computation."""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import biasaudit
from biasaudit.analyzers.base import Analyzer, Column
from biasaudit.analyzers.registry import register_analyzer
from biasaudit.errors import InputError, UsageError


@register_analyzer
class LengthAnalyzer(Analyzer):
    """Test analyzer whose outputs are known by construction: word count, a length label and a flag."""

    name = "test_length"
    version = "0"

    @property
    def columns(self):
        return (Column("n_words", "score", "words"),
                Column("length_label", "label", "short/long", labels=("short", "long")),
                Column("has_question", "flag", "contains '?'"))

    def analyze_batch(self, batch):
        n = [len(t.split()) for t in batch.texts]
        return {"n_words": np.array([x if x else np.nan for x in n], dtype=float),
                "length_label": ["long" if x > 3 else "short" for x in n],
                "has_question": ["?" in t for t in batch.texts]}


TEXTS = ["What a lovely day.", "Is this the right way to the station?", "No.", "",
         "I really do not like this place at all.", "Why?", "The service was terrible, awful and slow!"]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path):
    return write_jsonl(tmp_path / "corpus.jsonl", [{"id": f"r{i}", "text": t} for i, t in enumerate(TEXTS)])


def test_scan_counts_records_and_report_numbers(corpus, tmp_path):
    out = tmp_path / "out"
    result = biasaudit.scan(corpus, id_field="id", analyzers="sentiment,test_length", out=out, batch_size=3)
    rec = result.records
    assert list(rec["text"]) == TEXTS  # every record, in order
    assert result.report["counts"] == {"read": 7, "scored": 7, "rejected": 0, "rejected_by_reason": {}}
    # report.json on disk is exactly the API's report
    assert json.loads((out / "report.json").read_text()) == result.report
    assert {p.name for p in out.iterdir()} == {"records.parquet", "report.json", "report.md", "report.html"}

    # score statistics equal a direct pandas computation on the records
    s = result.report["scores"]["n_words"]
    col = rec["n_words"]
    assert s["n"] == col.notna().sum() == 6 and s["n_nan"] == 1
    assert s["mean"] == pytest.approx(col.mean()) and s["std"] == pytest.approx(col.std(ddof=1))
    assert s["quantiles"]["p50"] == pytest.approx(col.median())
    assert s["quantiles"]["p95"] == pytest.approx(np.nanquantile(col, 0.95))
    # word counts by hand: r0 4, r1 8, r2 1, r3 0 (-> NaN), r4 9, r5 1, r6 7
    assert (s["min"], s["max"]) == (1.0, 9.0) and s["mean"] == pytest.approx(30 / 6)
    assert s["extremes"]["highest"][0]["id"] == "r4"
    assert s["extremes"]["lowest"][0]["id"] == "r2"           # "No." is the first 1-word text ("Why?" ties later)
    vc = result.report["scores"]["vader_compound"]
    assert vc["mean"] == pytest.approx(rec["vader_compound"].mean())

    # label and flag rates with Wilson intervals: long = more than 3 words = r0, r1, r4, r6 -> 4/7
    from scipy.stats import binomtest
    long = result.report["labels"]["length_label"]["long"]
    assert (long["count"], long["n"]) == (4, 7)
    ref = binomtest(4, 7).proportion_ci(method="wilson")
    assert long["ci_low"] == pytest.approx(ref.low) and long["ci_high"] == pytest.approx(ref.high)
    assert result.report["flags"]["has_question"]["count"] == 2


def test_extremes_ids(corpus):
    result = biasaudit.scan(corpus, id_field="id", analyzers="test_length")
    ext = result.report["scores"]["n_words"]["extremes"]
    assert [(e["id"], e["value"]) for e in ext["highest"]] == [("r4", 9), ("r1", 8), ("r6", 7)]
    assert [(e["id"], e["value"]) for e in ext["lowest"]] == [("r2", 1), ("r5", 1), ("r0", 4)]
    assert ext["highest"][0]["text"] == TEXTS[4]


def test_bad_records_are_counted_and_written_nothing_lost(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "fine one"}\n{"text": broken\n{"other": "x"}\n{"text": 42}\n'
                     b'{"text": "caf\xe9 latin-1"}\n{"text": "fine two"}\n')
    result = biasaudit.scan(path, analyzers="sentiment", out=tmp_path / "o")
    counts = result.report["counts"]
    assert counts["read"] == 6 and counts["scored"] == 2 and counts["rejected"] == 4
    rejected = [json.loads(x) for x in (tmp_path / "o" / "rejected.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rejected] == [2, 3, 4, 5]
    assert all(r["source"].endswith("mixed.jsonl") and r["reason"] for r in rejected)
    assert rejected[1]["field"] == "text" and rejected[2]["field"] == "text"
    assert result.records["text"].tolist() == ["fine one", "fine two"]


def test_on_error_fail_stops_with_location(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "ok"}, {"txt": "missing"}])
    with pytest.raises(InputError) as err:
        biasaudit.scan(path, analyzers="sentiment", on_error="fail", out=tmp_path / "o")
    assert err.value.line == 2 and "c.jsonl" in str(err.value)
    assert not (tmp_path / "o" / "records.parquet").exists()  # no half-written output


def assert_close(a, b, path="report"):
    """Nested equality with floats compared to 1e-12 relative (merging batches reorders float sums)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert b == pytest.approx(a, rel=1e-12, abs=1e-15), path
    else:
        assert a == b, path


def test_same_input_same_report_across_batch_sizes_and_workers(corpus, tmp_path):
    base = biasaudit.scan(corpus, id_field="id", analyzers="sentiment", out=tmp_path / "a", batch_size=2)
    biasaudit.scan(corpus, id_field="id", analyzers="sentiment", out=tmp_path / "b", batch_size=2)
    assert (tmp_path / "a" / "report.json").read_bytes() == (tmp_path / "b" / "report.json").read_bytes()
    parallel = biasaudit.scan(corpus, id_field="id", analyzers="sentiment", batch_size=2, workers=2)
    for key in ("counts", "scores", "labels", "flags", "breakdowns"):
        assert parallel.report[key] == base.report[key], key  # workers change nothing, to the last bit
    pd.testing.assert_frame_equal(parallel.records, base.records)
    one_batch = biasaudit.scan(corpus, id_field="id", analyzers="sentiment", batch_size=1024)
    for key in ("counts", "scores", "labels", "flags", "breakdowns"):
        assert_close(one_batch.report[key], base.report[key], key)


def test_limit_and_seeded_sample(corpus):
    assert biasaudit.scan(corpus, id_field="id", analyzers="test_length", limit=3).records["id"].tolist() == ["r0", "r1", "r2"]
    s1 = biasaudit.scan(corpus, id_field="id", analyzers="test_length", sample=4, seed=1).records["id"].tolist()
    s2 = biasaudit.scan(corpus, id_field="id", analyzers="test_length", sample=4, seed=1).records["id"].tolist()
    assert s1 == s2 and len(s1) == 4 and s1 == sorted(s1, key=lambda x: int(x[1:]))  # input order kept
    seeds = {tuple(biasaudit.scan(corpus, id_field="id", analyzers="test_length", sample=4, seed=k).records["id"])
             for k in range(6)}
    assert len(seeds) > 1


def test_dialogue_breakdowns(tmp_path):
    convs = [{"id": "c1", "turns": [{"speaker": "ann", "role": "user", "text": "Is it raining?"},
                                    {"speaker": "bot", "role": "assistant", "text": "Yes, it is raining hard today."},
                                    {"speaker": "ann", "role": "user", "text": "Thanks."}]},
             {"id": "c2", "turns": [{"speaker": "bob", "role": "user", "text": "Hello there, how are you?"}]}]
    path = write_jsonl(tmp_path / "d.jsonl", convs)
    result = biasaudit.scan(path, analyzers="test_length", dialogue=True)
    rec = result.records
    assert rec["conversation_id"].tolist() == ["c1", "c1", "c1", "c2"]
    assert rec["turn"].tolist() == [0, 1, 2, 0]
    b = result.report["breakdowns"]
    assert set(b) == {"source", "speaker", "role", "turn_position"}
    assert b["speaker"]["ann"]["n"] == 2 and b["role"]["assistant"]["n"] == 1
    assert {k: v["n"] for k, v in b["turn_position"].items()} == {"first": 1, "middle": 1, "last": 1, "single": 1}
    # per-group means equal a direct groupby
    by_role = rec.groupby("role")["n_words"].mean()
    for role, mean in by_role.items():
        assert b["role"][role]["scores"]["n_words"]["mean"] == pytest.approx(mean)
    long_user = b["role"]["user"]["labels"]["length_label"]["long"]
    assert (long_user["count"], long_user["n"]) == (1, 3)


def test_html_report_escapes_corpus_text(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{"text": "<script>alert('x')</script> <b>bold</b> lovely"},
                                             {"text": "plain"}])
    biasaudit.scan(path, analyzers="test_length", out=tmp_path / "o")
    html = (tmp_path / "o" / "report.html").read_text()
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    md = (tmp_path / "o" / "report.md").read_text()
    assert "<script>" not in md


def test_reproducibility_block(corpus):
    r = biasaudit.scan(corpus, id_field="id", analyzers="sentiment", seed=3).report["reproducibility"]
    assert r["biasaudit"] == biasaudit.__version__
    assert r["packages"]["vaderSentiment"] == "2.5"
    assert r["settings"]["seed"] == 3 and r["settings"]["batch_size"] == 1024
    assert r["analyzers"][0]["name"] == "sentiment"
    import hashlib
    digest = hashlib.sha256(corpus.read_bytes()).hexdigest()
    assert list(r["input_sha256"].values()) == [digest]


def test_fail_on_gates(corpus):
    r = biasaudit.scan(corpus, id_field="id", analyzers="test_length", fail_on=["long_rate>0.5,n_words_mean>10", "rejected>0"])
    gates = {g["expr"]: g for g in r.report["gates"]}
    assert gates["long_rate>0.5"]["passed"] is False and gates["long_rate>0.5"]["value"] == pytest.approx(4 / 7)
    assert gates["n_words_mean>10"]["passed"] is True and gates["n_words_mean>10"]["value"] == pytest.approx(5.0)
    assert gates["rejected>0"]["passed"] is True
    assert [g["expr"] for g in r.gates_failed] == ["long_rate>0.5"]


def test_bad_options_are_usage_errors(corpus):
    with pytest.raises(UsageError, match="unknown metric"):
        biasaudit.scan(corpus, id_field="id", analyzers="test_length", fail_on=["nonsense_rate>1"])
    with pytest.raises(UsageError, match="batch_size"):
        biasaudit.scan(corpus, id_field="id", analyzers="test_length", batch_size=0)
    with pytest.raises(UsageError, match="unknown analyzer"):
        biasaudit.scan(corpus, id_field="id", analyzers="no_such_thing")
    with pytest.raises(UsageError, match="unknown scan options"):
        biasaudit.scan(corpus, id_field="id", analyzers="test_length", bogus=1)


def test_analyze_contract():
    df = biasaudit.analyze(TEXTS, analyzers=["sentiment", "test_length"], batch_size=2)
    assert len(df) == len(TEXTS)
    assert list(df.columns) == ["vader_compound", "vader_pos", "vader_neu", "vader_neg", "n_words",
                                "length_label", "has_question"]
    one_by_one = pd.concat([biasaudit.analyze([t], analyzers="sentiment") for t in TEXTS], ignore_index=True)
    pd.testing.assert_frame_equal(df[one_by_one.columns], one_by_one)
    with pytest.raises(UsageError, match="text #1"):
        biasaudit.analyze(["ok", 3], analyzers="sentiment")
    with pytest.raises(UsageError):
        biasaudit.analyze("a single string", analyzers="sentiment")


def test_views_mask_profanity_unless_asked(tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"text": "this is total bullshit"}, {"text": "fine"}])
    biasaudit.scan(path, analyzers="test_length", out=tmp_path / "m")
    html = (tmp_path / "m" / "report.html").read_text()
    md = (tmp_path / "m" / "report.md").read_text()
    assert "total b******* " not in html and "total b*******<" in html and "bullshit" not in html
    assert "total b" + "\\*" * 7 in md and "bullshit" not in md  # Markdown escapes the asterisks
    raw = json.loads((tmp_path / "m" / "report.json").read_text())
    assert raw["scores"]["n_words"]["extremes"]["highest"][0]["text"] == "this is total bullshit"  # data kept
    biasaudit.scan(path, analyzers="test_length", out=tmp_path / "u", show_offensive=True)
    assert "bullshit" in (tmp_path / "u" / "report.html").read_text()


def test_importing_biasaudit_takes_arrow_buffers_from_the_c_allocator_unless_a_pool_is_chosen():
    code = "import biasaudit, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    for chosen, expected in ((None, "system"), ("mimalloc", "mimalloc")):
        run_env = env if chosen is None else {**env, "ARROW_DEFAULT_MEMORY_POOL": chosen}
        out = subprocess.run([sys.executable, "-c", code], env=run_env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected


def test_scoring_raises_the_gc_thresholds_only_while_it_runs(tmp_path):
    """The scan scores with fewer collector passes and gives the caller's thresholds back, also after an error;
    a caller's higher threshold is kept."""
    import gc

    from biasaudit.scanner import SCORING_GC_THRESHOLDS, fewer_gc_passes

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 200, 10)
        seen = []
        with pytest.raises(RuntimeError), fewer_gc_passes():
            seen.append(gc.get_threshold())
            raise RuntimeError("stop")
        assert seen == [(SCORING_GC_THRESHOLDS[0], 200, SCORING_GC_THRESHOLDS[2])]
        assert gc.get_threshold() == (700, 200, 10)
        corpus = tmp_path / "c.jsonl"
        corpus.write_text('{"text": "A fine day."}\n')
        biasaudit.scan(str(corpus), "sentiment", out=tmp_path / "out", progress=False)
        assert gc.get_threshold() == (700, 200, 10)
    finally:
        gc.set_threshold(*before)
