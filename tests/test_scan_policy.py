"""The scan report's "who gets filtered out" section: a policy's rules applied to the scan's own columns."""
from __future__ import annotations

import json

import numpy as np
import pytest
from test_filter import TEXTS

from biasaudit import analyze
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.cli import main
from biasaudit.filtering.policy import default_policy_path
from biasaudit.filtering.run import filter_files
from biasaudit.report.html import render_html
from biasaudit.report.markdown import render_markdown
from biasaudit.resources import sha256_file
from biasaudit.scanner import scan

SENTIMENT_POLICY = {"analyzers": ["sentiment"], "rules": ["vader_compound < -0.3"],
                    "sweep": {"vader_compound": [0.0]}}


@pytest.fixture()
def corpus(tmp_path):
    """The filter tests' sentences five times over, and one bad line."""
    lines = [json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(TEXTS * 5)]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([*lines[:3], "{not json", *lines[3:]]) + "\n", encoding="utf-8")
    return path


def test_section_counts_groups_among_kept_and_dropped_independently(corpus, tmp_path):
    result = scan([corpus], "sentiment", tmp_path / "out", policy=SENTIMENT_POLICY, batch_size=7, progress=False)
    section = result.report["sections"]["filtered_out"]
    texts = TEXTS * 5
    compound = analyze(texts, "sentiment")["vader_compound"].to_numpy()
    dropped = compound < -0.3
    mentions = IdentityLexicon.load().mentions(texts)
    assert section["n"] == len(texts) and section["dropped"]["count"] == int(dropped.sum())
    assert section["reasons"] == {"vader_compound<-0.3": int(dropped.sum())}
    groups = {g["group"]: g for g in section["identity"]["groups"]}
    for name in mentions.columns:
        col = mentions[name].to_numpy()
        assert groups[name]["mentions"] == int(col.sum())
        assert groups[name]["dropped"]["count"] == int((col & dropped).sum())
        assert groups[name]["kept"]["count"] == int((col & ~dropped).sum())
    assert groups["age"]["dropped"]["count"] > 0
    sweep = {row["threshold"]: row["count"] for row in section["scores"]["vader_compound"]["sweep"]}
    assert sweep == {0.0: int((compound < 0).sum()), -0.3: int(dropped.sum())}
    assert section["scores"]["vader_compound"]["quantiles"]["p50"] == pytest.approx(np.median(compound))
    assert section["policy"] == {"source": "<dict>", "action": "drop", "rules": ["vader_compound<-0.3"]}
    assert result.report["counts"]["rejected"] == 1  # the bad line is not a record of the section


def test_scan_section_is_the_filter_runs_section(corpus, tmp_path):
    """One computation: the scan's section equals the one ``biasaudit filter`` writes for the same policy."""
    result = scan([corpus], "sentiment", tmp_path / "out", policy=SENTIMENT_POLICY, progress=False)
    filtered = filter_files([corpus], tmp_path / "k.jsonl", tmp_path / "r.jsonl", policy=SENTIMENT_POLICY)
    section = dict(result.report["sections"]["filtered_out"])
    assert section.pop("policy")["rules"] == filtered.summary["policy"]["rules"]
    assert section.pop("automatic") is False
    assert section == filtered.summary["filtered_out"]


def test_default_policy_applies_when_hate_runs_and_can_be_turned_off(corpus, tmp_path):
    auto = scan([corpus], "sentiment,hate", tmp_path / "a", progress=False)
    section = auto.report["sections"]["filtered_out"]
    assert section["automatic"] is True and section["policy"]["rules"] == ["p_hate>0.5"]
    p_hate = auto.records["p_hate"].to_numpy()
    assert section["dropped"]["count"] == int((p_hate > 0.5).sum())
    assert {row["threshold"]: row["count"] for row in section["scores"]["p_hate"]["sweep"]} == \
        {t: int((p_hate > t).sum()) for t in (0.1, 0.2, 0.22, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)}
    (info,) = [c for c in auto.report["reproducibility"]["collectors"] if c["name"] == "filtered_out"]
    assert info["policy_sha256"] == sha256_file(default_policy_path())
    assert info["policy"]["rules"] == ["p_hate>0.5"]
    assert "filtered_out" not in scan([corpus], "sentiment", tmp_path / "b", progress=False).report["sections"]
    off = scan([corpus], "sentiment,hate", tmp_path / "c", policy="none", progress=False)
    assert "filtered_out" not in off.report["sections"]


def test_explicit_policy_adds_its_analyzers_with_its_options(corpus, tmp_path):
    result = scan([corpus], "sentiment", tmp_path / "out", policy="default", progress=False)
    assert result.report["analyzers"] == ["sentiment:vader", "hate:default"]
    assert "hate_self_audit" not in result.report["sections"]  # the policy's option self_audit: false
    assert result.report["sections"]["filtered_out"]["automatic"] is False


def test_policy_file_recorded_with_its_hash_and_views_escape(corpus, tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text("analyzers: [sentiment]\nrules: ['vader_compound < -0.3']\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["scan", str(corpus), "--analyzers", "sentiment", "--policy", str(policy), "--out", str(out)]) == 0
    assert "flags" in capsys.readouterr().out
    report = json.loads((out / "report.json").read_text())
    (info,) = [c for c in report["reproducibility"]["collectors"] if c["name"] == "filtered_out"]
    assert (info["policy"]["source"], info["policy_sha256"]) == (str(policy), sha256_file(policy))
    assert "## Who gets filtered out" in (out / "report.md").read_text()
    assert "<h2>Who gets filtered out</h2>" in (out / "report.html").read_text()
    # a hostile source string stays inert in both views
    report["sections"]["filtered_out"]["policy"]["source"] = "<script>alert(1)</script>|x"
    assert "<script>" not in render_html(report)
    md = render_markdown(report)
    assert "`<script>alert(1)</script>/x`" in md
    bad = tmp_path / "bad.yaml"
    bad.write_text("analyzers: [sentiment]\nrules: ['p_nothing > 1']\n", encoding="utf-8")
    assert main(["scan", str(corpus), "--analyzers", "sentiment", "--policy", str(bad), "--quiet"]) == 2
    assert "p_nothing" in capsys.readouterr().err


def test_worker_processes_give_the_same_section(corpus, tmp_path):
    runs = [scan([corpus], "sentiment", tmp_path / f"w{w}", policy=SENTIMENT_POLICY, workers=w, batch_size=6,
                 progress=False) for w in (1, 2)]
    assert runs[0].report["sections"] == runs[1].report["sections"]
