"""The scan's cheaper bookkeeping gives the figures of the straightforward computation, exactly.

- identity tagging shared per batch (``IdentityLexicon.batch_mentions``) between the hate self-audit and the
  "who gets filtered out" section: both sections equal one direct tagging of every scored text;
- the t quantile of paired intervals from ``scipy.special.stdtrit``: equals ``scipy.stats.t.ppf``;
- the Aggregator's whole-batch summaries merged into several groups: equal per-group ``Moments`` updates done the
  previous way (frozen in tests/oracles/moments_reference.py), per batch, in order;
- records.parquet in row groups of several batches (fewer, for bounded memory): the same records, report and
  figures as one row group per batch.
"""
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats as scipy_stats

import biasaudit
from biasaudit.analyzers.base import Column
from biasaudit.audits.counterfactual import t_quantile_975
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.audits.self_audit import group_rates
from biasaudit.filtering.hook import FilterHook
from biasaudit.filtering.policy import Policy
from biasaudit.io.records import Rejected
from biasaudit.report.aggregate import MISSING, Aggregator
from biasaudit.report.build import json_ready
from biasaudit.report.stats import Moments
from biasaudit.scan_state import CHECKPOINT_BATCHES
from tests.conftest import shared_path
from tests.generated_texts import generated_texts
from tests.oracles.moments_reference import moments_reference

N_TWEETS, BATCH = 3000, 256


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    out = tmp_path_factory.mktemp("scan")
    data = shared_path("data", "davidson", "labeled_train.csv")
    result = biasaudit.scan(data, out=out, text_field="tweet", limit=N_TWEETS, batch_size=BATCH, progress=False)
    return result


def test_identity_sections_equal_one_direct_tagging(scanned):
    records, sections = scanned.records, scanned.report["sections"]
    lexicon = IdentityLexicon.load()
    direct = lexicon.mentions(records["text"].tolist())
    assert direct.to_numpy().sum() > 100  # the tweets do mention groups: the comparison has something to compare
    assert sections["hate_self_audit"]["group_rates"] == json_ready(group_rates(records, lexicon))

    section = sections["filtered_out"]
    hook = FilterHook(Policy.load(None), analyzers=biasaudit.analyzers.registry.build_many(["hate"]))
    dropped = np.asarray(hook.decide({c: records[c].to_numpy() for c in ("p_hate", "p_offensive",
                                                                          "hate_label")}).flagged, dtype=bool)
    assert 0 < dropped.sum() < len(records) and section["dropped"]["count"] == int(dropped.sum())
    groups = {g["group"]: g for g in section["identity"]["groups"]}
    assert list(groups) == lexicon.columns
    for name in lexicon.columns:
        assert groups[name]["mentions"] == int(direct[name].sum())
        assert groups[name]["dropped"]["count"] == int(direct[name].to_numpy()[dropped].sum())


def test_batch_mentions_answers_each_frame_once_and_never_another_frames():
    lexicon = IdentityLexicon.load()
    texts = [f"A {adj} neighbour and a friend." for fam in lexicon.swaps for _, adj in lexicon.swap_terms(fam)]
    texts += generated_texts("mentions-memo", 400, 10)
    frames = [pd.DataFrame({"text": texts[i::3]}) for i in range(3)]
    for frame in frames + frames[::-1]:
        got = lexicon.batch_mentions(frame)
        assert got is lexicon.batch_mentions(frame)  # the second collector's call costs nothing
        assert np.array_equal(got, lexicon.mentions(frame["text"].tolist()).to_numpy(dtype=bool))
        assert got.any()



def test_batch_mentions_reads_missing_and_non_text_values_as_mentions_does():
    lexicon = IdentityLexicon.load()
    frame = pd.DataFrame({"text": pd.Series(["two women", None, np.nan, 3, "a man", "Caf\u00e9 men"], dtype=object)})
    assert np.array_equal(lexicon.batch_mentions(frame), lexicon.mentions(frame["text"]).to_numpy(dtype=bool))
    assert lexicon.batch_mentions(frame).any(axis=1).tolist() == [True, False, False, False, True, True]

def test_t_quantile_equals_scipy_stats():
    dfs = list(range(1, 5001)) + [10_000, 123_457, 10**6, 10**9]
    assert [t_quantile_975(df) for df in dfs] == [float(scipy_stats.t.ppf(0.975, df)) for df in dfs]


def test_moments_merge_equals_the_previous_update():
    rng = np.random.default_rng(11)
    new, old = Moments(), moments_reference()
    for size in [0, 1, 5, 1024, 7, 300, 1, 2000]:
        values = rng.normal(rng.uniform(-5, 5), rng.uniform(0.01, 3), size)
        values[rng.random(size) < 0.1] = np.nan
        if size == 7:
            values[:] = np.nan
        new.update(values)
        old.update(values)
        assert (new.n, new.n_nan, new.mean, new.m2, new.min, new.max) == \
            (old.n, old.n_nan, old.mean, old.m2, old.min, old.max)


def test_aggregator_groups_equal_per_group_updates():
    """Batches where a breakdown has one value (whole-batch summaries shared) and several (sliced), mixed."""
    rng = np.random.default_rng(5)
    columns = [Column("s", "score", "a score"), Column("f", "flag", "a flag"),
               Column("lab", "label", "a label", labels=("a", "b"))]
    aggregator, oracle, labels = Aggregator(columns), {}, {}
    for b in range(12):
        n = int(rng.integers(1, 400))
        speakers = [None] * n if b % 3 else list(rng.choice(["ann", "bo", None], n))
        frame = pd.DataFrame({"id": [f"{b}-{i}" for i in range(n)], "text": ["t"] * n,
                              "source": f"file{b % 2}" if b < 6 else "file0", "speaker": speakers, "role": None,
                              "turn": pd.array([None] * n, dtype="Int64"), "n_turns": pd.array([None] * n, dtype="Int64"),
                              "s": np.where(rng.random(n) < 0.05, np.nan, rng.normal(size=n)),
                              "f": rng.random(n) < 0.3, "lab": rng.choice(["a", "b", "c"], n).astype(object)})
        aggregator.update(frame)
        for dim in ("source", "speaker"):
            keys = frame[dim].map(lambda v: MISSING if pd.isna(v) else v)
            for key in dict.fromkeys(keys):
                rows = (keys == key).to_numpy()
                oracle.setdefault((dim, key), moments_reference()).update(frame["s"].to_numpy()[rows])
                counts = labels.setdefault((dim, key), {})
                for lab in frame["lab"][rows]:
                    counts[lab] = counts.get(lab, 0) + 1
    summary = aggregator.summary()
    for (dim, key), ref in oracle.items():
        got = summary["breakdowns"][dim][key]
        assert got["scores"]["s"]["mean"] == ref.mean
        assert got["scores"]["s"]["std"] == (math.sqrt(ref.m2 / (ref.n - 1)) if ref.n > 1 else math.nan)
        assert {lab: r["count"] for lab, r in got["labels"]["lab"].items()} == \
            {"a": 0, "b": 0, **labels[(dim, key)]}
    assert aggregator.groups["speaker"][MISSING].scores["s"].n == oracle[("speaker", MISSING)].n


def test_row_groups_of_several_batches_give_the_same_records_and_report(scanned, tmp_path, monkeypatch):
    from biasaudit import scanner

    data = shared_path("data", "davidson", "labeled_train.csv")
    n_batches = math.ceil(N_TWEETS / BATCH)
    assert n_batches % CHECKPOINT_BATCHES  # a last, shorter checkpoint is covered too
    layouts = {}
    for name, size in (("per_batch", 1), ("grouped", 300_000)):  # 1 byte: every batch fills a row group
        monkeypatch.setattr(scanner, "ROW_GROUP_BYTES", size)
        out = tmp_path / name
        biasaudit.scan(data, out=out, text_field="tweet", limit=N_TWEETS, batch_size=BATCH, progress=False)
        layouts[name] = out
    per_batch = pq.ParquetFile(layouts["per_batch"] / "records.parquet")
    grouped = pq.ParquetFile(layouts["grouped"] / "records.parquet")
    assert per_batch.num_row_groups == n_batches
    rows = [grouped.metadata.row_group(i).num_rows for i in range(grouped.num_row_groups)]
    assert 1 < len(rows) < n_batches and sum(rows) == N_TWEETS
    assert all(r % BATCH == 0 for r in rows[:-1])  # whole batches, in order
    for out in layouts.values():
        assert (out / "report.json").read_bytes() == (scanned.out_dir / "report.json").read_bytes()
        assert pq.read_table(out / "records.parquet").equals(pq.read_table(scanned.out_dir / "records.parquet"))
    assert per_batch.schema_arrow.equals(grouped.schema_arrow, check_metadata=True)


def test_row_groups_join_whole_tables_up_to_the_size():
    from biasaudit.scanner import _row_groups

    tables = [pa.table({"x": np.arange(n, dtype=np.int64)}) for n in (3, 1, 4, 1, 5, 9, 2, 6)]  # 8 bytes a row
    groups = list(_row_groups(tables, 40))
    assert [g.num_rows for g in groups] == [8, 6, 9, 8]  # 24+8+32 >= 40; 8+40 >= 40; 72 >= 40; 16+48 >= 40
    assert pa.concat_tables(groups).equals(pa.concat_tables(tables))
    assert list(_row_groups([], 40)) == []


@pytest.mark.parametrize("dialogue", [False, True])
def test_batch_frame_equals_the_previous_two_frame_concat(dialogue):
    from biasaudit.analyzers.registry import build_many
    from biasaudit.core import run_batch
    from biasaudit.io import example_path
    from biasaudit.io.readers import iter_records
    from biasaudit.scanner import _arrow_schema, _batch_frame
    from tests.oracles.batch_frame_reference import batch_frame_reference

    source = example_path() if dialogue else shared_path("data", "davidson", "labeled_train.csv")
    records = [r for r in iter_records([str(source)], dialogue=dialogue, text_field="text" if dialogue else "tweet")
               if not isinstance(r, Rejected)][:300]
    assert any(r.turn is not None for r in records) == dialogue
    built = build_many(["sentiment", "hate"], None)
    cols = run_batch(built, [r.text for r in records])
    got, want = _batch_frame(records, built, cols), batch_frame_reference(records, built, cols)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(want.dtypes)
    schema = _arrow_schema(built)
    assert pa.Table.from_pandas(got, schema=schema, preserve_index=False).equals(
        pa.Table.from_pandas(want, schema=schema, preserve_index=False), check_metadata=True)


def test_load_yaml_equals_safe_load_on_every_shipped_yaml():
    import yaml

    from biasaudit.resources import load_yaml
    from tests.conftest import ROOT

    files = sorted({*ROOT.glob("lexicons/**/*.yaml"), *ROOT.glob("lexicons/**/*.yml"),
                    *ROOT.glob("biasaudit/**/*.yaml")})
    assert len(files) >= 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert load_yaml(text) == yaml.safe_load(text), path
    assert load_yaml(text) is not load_yaml(text)  # fresh objects each call: callers may change them
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1, 2\nb: 3")
