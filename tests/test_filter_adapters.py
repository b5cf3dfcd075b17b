"""The filter hook inside real pipelines: Hugging Face datasets and a datatrove LocalPipelineExecutor."""
from __future__ import annotations

import gzip
import json
import multiprocessing
import os

import pytest

from biasaudit import analyze

SENTIMENT_POLICY = {"analyzers": ["sentiment"], "rules": ["vader_compound < -0.3"]}
TEXTS = ["What a lovely day with my grandmother.", "The new library opened downtown.",
         "This is awful, terrible and sad.", "The muslim family next door is kind and generous.",
         "I hate this broken, useless phone.", "Old people tell the best stories.",
         "A horrible, miserable, painful week for the old man."] * 3
COMPOUND = analyze(TEXTS, "sentiment")["vader_compound"].tolist()
EXPECTED_DROP = [c < -0.3 for c in COMPOUND]


def test_datasets_filter_and_tag():
    datasets = pytest.importorskip("datasets")
    from biasaudit.filtering.adapters.hf_datasets import DatasetsFilter

    ds = datasets.Dataset.from_dict({"id": [f"d{i}" for i in range(len(TEXTS))], "text": TEXTS})
    f = DatasetsFilter(SENTIMENT_POLICY)
    kept = ds.filter(f, batched=True, batch_size=4)
    assert kept["id"] == [f"d{i}" for i, d in enumerate(EXPECTED_DROP) if not d]
    tagged = ds.map(DatasetsFilter({**SENTIMENT_POLICY, "action": "tag"}).tag, batched=True, batch_size=5)
    assert len(tagged) == len(ds)
    assert [t["flagged"] for t in tagged["biasaudit"]] == EXPECTED_DROP
    assert [t["vader_compound"] for t in tagged["biasaudit"]] == pytest.approx(COMPOUND)
    assert tagged["filter_reason"] == ["vader_compound<-0.3" if d else None for d in EXPECTED_DROP]
    rejected = tagged.filter(lambda b: [t["flagged"] for t in b["biasaudit"]], batched=True)
    assert len(rejected) + len(kept) == len(ds)


def _read_folder(folder):
    rows = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh]
    return rows


@pytest.mark.parametrize("action", ["drop", "tag"])
def test_datatrove_pipeline(tmp_path, action):
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from biasaudit.filtering.adapters.datatrove import BiasauditFilter

    src = tmp_path / "in"
    src.mkdir()
    (src / "docs.jsonl").write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n"
                                            for i, t in enumerate(TEXTS)), encoding="utf-8")
    policy = {**SENTIMENT_POLICY, "action": action}
    executor = LocalPipelineExecutor(pipeline=[
        JsonlReader(str(src)),
        BiasauditFilter(policy, exclusion_writer=JsonlWriter(str(tmp_path / "rejected")), batch_size=4),
        JsonlWriter(str(tmp_path / "kept")),
    ], tasks=1, logging_dir=str(tmp_path / "logs"))
    executor.run()
    kept, rejected = _read_folder(tmp_path / "kept"), _read_folder(tmp_path / "rejected")
    assert len(kept) + len(rejected) == len(TEXTS)
    drop_ids = {f"d{i}" for i, d in enumerate(EXPECTED_DROP) if d}
    step = json.loads((tmp_path / "logs" / "stats.json").read_text())
    filter_stats = next(s for s in step if "biasaudit" in s["name"])["stats"]
    if action == "drop":
        assert {r["id"] for r in rejected} == drop_ids
        assert all(r["metadata"]["filter_reason"] == "vader_compound<-0.3" for r in rejected)
        assert filter_stats["dropped_vader_compound<-0.3"] == len(drop_ids)
    else:
        assert rejected == [] and len(kept) == len(TEXTS)
        assert {r["id"] for r in kept if r["metadata"]["biasaudit"]["flagged"]} == drop_ids
        assert filter_stats["flagged"] == len(drop_ids)
    for r in kept + rejected:
        assert r["metadata"]["biasaudit"]["vader_compound"] == pytest.approx(COMPOUND[int(r["id"][1:])])


@pytest.fixture()
def offline_dolma(tmp_path, monkeypatch):
    """dolma, imported without its import-time ``nltk.download("punkt")`` (no network in tests): an empty punkt
    folder on NLTK_DATA satisfies its ``nltk.data.find`` check (our tagger never splits sentences).

    Absent dolma skips, except under BIASAUDIT_REQUIRE_DOLMA=1: .ci/test-dolma sets it in the separate venv
    where dolma is installed with its own pins (numpy<2), so CI can never pass by skipping there."""
    import nltk

    data = tmp_path / "nltk_data"
    (data / "tokenizers" / "punkt").mkdir(parents=True)
    monkeypatch.setenv("NLTK_DATA", str(data))  # dolma's worker processes import it afresh
    monkeypatch.setattr(nltk.data, "path", [str(data), *nltk.data.path])
    try:
        import dolma
    except ImportError:
        if os.environ.get("BIASAUDIT_REQUIRE_DOLMA") == "1":
            raise
        pytest.skip("dolma is not installed (CI tests it in a separate venv: .ci/test-dolma)")
    return dolma


def test_dolma_tagger_through_dolma_runtime(offline_dolma, tmp_path):
    from dolma.core.runtime import create_and_run_tagger

    # dolma imports tagger modules in its worker processes: a policy's tagger is registered by a module file
    module = tmp_path / "sentiment_taggers.py"
    module.write_text("from biasaudit.filtering.adapters.dolma import register_tagger\n"
                      f"register_tagger('biasaudit_sentiment_test', {SENTIMENT_POLICY!r})\n", encoding="utf-8")
    docs = tmp_path / "documents"
    docs.mkdir()
    with gzip.open(docs / "part-0.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"id": f"d{i}", "text": t, "source": "test"}) + "\n" for i, t in enumerate(TEXTS))
    previous = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)  # dolma insists on spawn; others may have set fork
    try:
        create_and_run_tagger(documents=[str(docs / "*.jsonl.gz")], taggers=["biasaudit_sentiment_test"],
                              taggers_modules=[str(module)], experiment="exp",
                              destination=str(tmp_path / "attributes"), num_processes=1)
    finally:
        multiprocessing.set_start_method(previous, force=True)
    rows = _read_folder(tmp_path / "attributes" / "exp")
    assert [r["id"] for r in rows] == [f"d{i}" for i in range(len(TEXTS))]
    for r, compound, drop in zip(rows, COMPOUND, EXPECTED_DROP):
        attrs = r["attributes"]
        assert attrs["exp__biasaudit_sentiment_test__flagged"][0][2] == float(drop)
        assert attrs["exp__biasaudit_sentiment_test__vader_compound"][0][2] == pytest.approx(compound)
