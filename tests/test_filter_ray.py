"""Ray engines on a local Ray with 2 CPUs: the Ray Data adapter, ``filter --engine ray`` and ``scan --engine ray``
must agree with the local engine record for record."""
from __future__ import annotations

import json

import pytest

ray = pytest.importorskip("ray")

from biasaudit import analyze
from biasaudit.filtering.run import filter_files
from biasaudit.scanner import scan

pytestmark = pytest.mark.slow

SENTIMENT_POLICY = {"analyzers": ["sentiment"], "rules": ["vader_compound < -0.3"]}
TEXTS = ["What a lovely day with my grandmother.", "The new library opened downtown.",
         "This is awful, terrible and sad.", "The muslim family next door is kind and generous.",
         "I hate this broken, useless phone.", "Old people tell the best stories.",
         "A horrible, miserable, painful week for the old man."] * 6


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(TEXTS)]
    lines.insert(5, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ray_data_adapter_splits_like_the_hook(local_ray):
    from biasaudit.filtering.adapters.ray_data import apply_policy

    ds = ray.data.from_items([{"id": f"d{i}", "text": t} for i, t in enumerate(TEXTS)])
    kept, rejected = apply_policy(ds, SENTIMENT_POLICY, concurrency=2, batch_size=8)
    kept, rejected = kept.take_all(), rejected.take_all()
    compound = analyze(TEXTS, "sentiment")["vader_compound"].tolist()
    expected = {f"d{i}" for i, c in enumerate(compound) if c < -0.3}
    assert len(kept) + len(rejected) == len(TEXTS)
    assert {r["id"] for r in rejected} == expected
    assert all(r["filter_reason"] == "vader_compound<-0.3" for r in rejected)
    assert all(r["filter_reason"] == "" and not r["biasaudit_flagged"] for r in kept)
    for r in kept + rejected:
        assert r["biasaudit_vader_compound"] == pytest.approx(compound[int(r["id"][1:])])


def test_filter_engines_write_identical_outputs(local_ray, corpus, tmp_path):
    outputs = {}
    for engine in ("local", "ray"):
        res = filter_files([corpus], tmp_path / f"{engine}.keep.jsonl", tmp_path / f"{engine}.rej.jsonl",
                           policy=SENTIMENT_POLICY, engine=engine, workers=2, batch_size=5)
        outputs[engine] = (res.keep.read_bytes(), res.rejected.read_bytes(), res.summary["counts"],
                           res.summary["filtered_out"])
    assert outputs["ray"] == outputs["local"]
    assert outputs["local"][2]["read"] == len(TEXTS) + 1


def test_scan_engines_give_the_same_records_and_report(local_ray, corpus, tmp_path):
    runs = {engine: scan([corpus], "sentiment,hate", tmp_path / engine, engine=engine, workers=2, batch_size=6,
                         analyzer_options={"hate": {"self_audit": False}}, progress=False)
            for engine in ("local", "ray")}
    local, on_ray = runs["local"], runs["ray"]
    assert on_ray.records.equals(local.records)
    for key in ("counts", "scores", "labels", "flags", "breakdowns", "sections"):
        assert on_ray.report[key] == local.report[key], key
    assert local.report["sections"]["filtered_out"]["n"] == len(TEXTS)  # the default policy's section, as hate ran
    assert on_ray.report["reproducibility"]["settings"]["engine"] == "ray"
