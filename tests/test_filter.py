"""The filter core (Policy, FilterHook), filter_files and the ``biasaudit filter`` CLI on a small corpus."""
from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from biasaudit import analyze
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.cli import main
from biasaudit.errors import InputError
from biasaudit.filtering import FilterHook, Policy, default_policy_path
from biasaudit.filtering.run import filter_files
from biasaudit.report.stats import wilson_interval

SENTIMENT_POLICY = {"analyzers": ["sentiment"], "rules": ["vader_compound < -0.3"]}
TEXTS = ["What a lovely day with my grandmother.", "The new library opened downtown.",
         "This is awful, terrible and sad.", "The muslim family next door is kind and generous.",
         "I hate this broken, useless phone.", "Old people tell the best stories.",
         "The women in my team did a great job.", "A horrible, miserable, painful week for the old man."]


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"doc_id": f"d{i}", "text": t, "meta": {"n": i}}) for i, t in enumerate(TEXTS * 5)]
    lines.insert(3, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_policy_errors_name_file_and_key(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("analyzers: [sentiment]\nrules: ['vader_compound <> 1']\n")
    with pytest.raises(InputError, match=r"p.yaml.*rules\[0\]"):
        Policy.load(bad)
    bad.write_text("analyzers: [sentiment]\nrules: ['vader_compound < 0']\nthreshold: 3\n")
    with pytest.raises(InputError, match=r"p.yaml.*threshold"):
        Policy.load(bad)
    bad.write_text("analyzers: [sentiment]\naction: delete\nrules: ['vader_compound < 0']\n")
    with pytest.raises(InputError, match="action"):
        Policy.load(bad)
    hook = FilterHook({"analyzers": ["sentiment"], "rules": ["vader_compound > 0", "p_hate > 0.5"]})
    with pytest.raises(InputError, match=r"rules\[1\].*p_hate"):
        _ = hook.analyzers
    with pytest.raises(InputError, match="label"):
        _ = FilterHook({"analyzers": ["hate"], "rules": ["hate_label > 0.5"]}).analyzers


def test_hook_decisions_match_an_independent_threshold():
    hook = FilterHook(SENTIMENT_POLICY)
    decisions = hook.score_and_decide(TEXTS)
    compound = analyze(TEXTS, "sentiment")["vader_compound"].to_numpy()
    expected = compound < -0.3
    assert 0 < expected.sum() < len(TEXTS)
    assert decisions.flagged.tolist() == expected.tolist()
    assert decisions.keep.tolist() == (~expected).tolist()
    assert decisions.reasons == ["vader_compound<-0.3" if e else None for e in expected]
    # first firing rule wins the reason; label rules compare labels
    both = FilterHook({"analyzers": ["sentiment", "hate"], "action": "tag",
                       "rules": ["hate_label == neither", "vader_compound < -0.3"]}).score_and_decide(TEXTS)
    labels = analyze(TEXTS, "hate")["hate_label"].tolist()
    assert both.keep.all()
    assert both.reasons == ["hate_label==neither" if lab == "neither" else
                            ("vader_compound<-0.3" if e else None) for lab, e in zip(labels, expected)]


def test_pickled_hook_carries_only_its_policy():
    hook = FilterHook(SENTIMENT_POLICY)
    hook.score_and_decide(TEXTS[:2])
    clone = pickle.loads(pickle.dumps(hook))
    assert clone._analyzers is None and clone.policy == hook.policy
    assert clone.score_and_decide(TEXTS).reasons == hook.score_and_decide(TEXTS).reasons


def test_default_policy_is_the_hate_classifier_without_modality():
    policy = Policy.load(default_policy_path())
    assert policy.analyzers == ("hate",) and policy.action == "drop"
    assert [r.text for r in policy.rules] == ["p_hate>0.5"]
    decisions = FilterHook().score_and_decide(TEXTS)
    p_hate = analyze(TEXTS, "hate")["p_hate"].to_numpy()
    assert decisions.flagged.tolist() == (p_hate > 0.5).tolist()


def test_filter_files_drop_mode_accounts_for_every_record(corpus, tmp_path):
    keep, rej = tmp_path / "keep.jsonl", tmp_path / "rej.jsonl"
    result = filter_files([corpus], keep, rej, policy=SENTIMENT_POLICY, batch_size=7)
    kept, rejected = read_jsonl(keep), read_jsonl(rej)
    n_input = len(corpus.read_text().splitlines())
    assert len(kept) + len(rejected) == n_input == result.counts["read"]
    ids = [r["doc_id"] for r in kept + rejected if "doc_id" in r]
    assert sorted(ids) == sorted(f"d{i}" for i in range(len(TEXTS) * 5))
    unreadable = [r for r in rejected if r["filter_reason"].startswith("unreadable")]
    assert len(unreadable) == 1 and unreadable[0]["line"] == 4
    compound = dict(zip(TEXTS, analyze(TEXTS, "sentiment")["vader_compound"]))
    for r in kept:
        assert compound[r["text"]] >= -0.3 and "filter_reason" not in r and r["meta"]["n"] >= 0
    for r in rejected:
        if "doc_id" in r:
            assert r["filter_reason"] == "vader_compound<-0.3"
            assert r["biasaudit"]["vader_compound"] == pytest.approx(compound[r["text"]])
    c = result.counts
    assert (c["kept"], c["dropped"], c["unreadable"]) == (len(kept), len(rejected) - 1, 1)


def test_who_gets_filtered_out_matches_an_independent_count(corpus, tmp_path):
    result = filter_files([corpus], tmp_path / "k.jsonl", tmp_path / "r.jsonl", policy=SENTIMENT_POLICY)
    section = result.summary["filtered_out"]
    texts = TEXTS * 5
    dropped = analyze(texts, "sentiment")["vader_compound"].to_numpy() < -0.3
    mentions = IdentityLexicon.load().mentions(texts)
    groups = {g["group"]: g for g in section["identity"]["groups"]}
    for name in ("age", "religion", "gender/female"):
        col = mentions[name].to_numpy()
        k_drop, k_kept = int((col & dropped).sum()), int((col & ~dropped).sum())
        g = groups[name]
        assert (g["dropped"]["count"], g["dropped"]["n"]) == (k_drop, int(dropped.sum()))
        assert (g["kept"]["count"], g["kept"]["n"]) == (k_kept, int((~dropped).sum()))
        assert (g["kept"]["ci_low"], g["kept"]["ci_high"]) == pytest.approx(wilson_interval(k_kept, (~dropped).sum()))
    assert groups["age"]["dropped"]["count"] > 0  # the old-man sentence is dropped
    sweep = {row["threshold"]: row["count"] for row in section["scores"]["vader_compound"]["sweep"]}
    compound = analyze(texts, "sentiment")["vader_compound"].to_numpy()
    assert sweep[-0.3] == int(dropped.sum())
    for t, count in sweep.items():
        assert count == int((compound < t).sum())
    assert section["scores"]["vader_compound"]["quantiles"]["p50"] == pytest.approx(np.median(compound))


def test_tag_mode_keeps_everything_with_scores(corpus, tmp_path):
    policy = {"analyzers": ["hate"], "analyzer_options": {"hate": {"self_audit": False}}, "action": "tag",
              "tag_key": "ba", "rules": ["p_hate > 0.2"]}
    keep, rej = tmp_path / "keep.jsonl", tmp_path / "rej.jsonl"
    result = filter_files([corpus], keep, rej, policy=policy)
    kept = read_jsonl(keep)
    assert len(kept) == len(TEXTS) * 5 and len(read_jsonl(rej)) == 1
    p_hate = dict(zip(TEXTS, analyze(TEXTS, "hate")["p_hate"]))
    for r in kept:
        assert set(r["ba"]) == {"hate_label", "p_hate", "p_offensive", "p_neither", "flagged", "reason"}
        assert r["ba"]["p_hate"] == pytest.approx(p_hate[r["text"]])
        assert r["ba"]["flagged"] == (p_hate[r["text"]] > 0.2)
    assert result.counts["flagged"] == sum(r["ba"]["flagged"] for r in kept)


def test_cli_filter_and_bad_policy(corpus, tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text("analyzers: [sentiment]\nrules:\n  - vader_compound < -0.3\n")
    keep, rej = tmp_path / "keep.jsonl", tmp_path / "rej.jsonl"
    assert main(["filter", str(corpus), "--policy", str(policy), "--keep", str(keep), "--rejected", str(rej)]) == 0
    out = capsys.readouterr().out
    summary = json.loads((tmp_path / "keep.jsonl.summary.json").read_text())
    assert f"read {summary['counts']['read']} records" in out
    assert "## Who gets filtered out" in (tmp_path / "keep.jsonl.summary.md").read_text()
    assert summary["policy"]["rules"] == ["vader_compound<-0.3"]
    policy.write_text("analyzers: [sentiment]\nrules:\n  - p_hate > 0.5\n")
    assert main(["filter", str(corpus), "--policy", str(policy), "--keep", str(keep), "--rejected", str(rej)]) == 2
    assert "policy.yaml" in capsys.readouterr().err
