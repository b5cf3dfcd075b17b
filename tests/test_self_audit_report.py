"""Tests of the markdown view of the hate self-audit section."""
from __future__ import annotations

import pandas as pd
from test_self_audit import CORPUS, WordTriggeredModel

from biasaudit.audits.self_audit import hate_self_audit
from biasaudit.audits.self_audit_report import self_audit_markdown
from biasaudit.report.build import json_ready


def _section(texts_labels) -> dict:
    df = pd.DataFrame(texts_labels, columns=["text", "hate_label"]).assign(p_hate=0.5, p_offensive=0.2)
    return json_ready(hate_self_audit(WordTriggeredModel(), df))  # as report.json holds it: NaN -> null


def test_markdown_of_the_hand_corpus():
    lines = self_audit_markdown(_section(CORPUS))
    text = "\n".join(lines)
    assert "Corpus rates: hate 25.0%, offensive 37.5%; records mentioning no group: 2." in lines
    assert "No subgroup's hate rate is above the corpus rate beyond its 95% interval." in lines
    assert "| religion | 0.600 | Muslim | Christian | 0.000 | Muslim | Muslim |" in lines
    assert "| sexual_orientation | 0.000 | gay | gay | 0.500 | gay | homosexual |" in lines
    assert ("Flagged records with an identity adjective: 3 of 5; 3 swapped (seed 0). Mean |Δp_hate| 0.240, "
            "mean |Δp_offensive| 0.150; label changes for 100.0% of records [43.9%, 100.0%].") in text
    assert "next door" not in text


def test_markdown_lists_over_flagged_subgroups_and_handles_nulls():
    corpus = [("The Muslim shop.", "hate")] * 10 + [("A Hindu temple.", "hate")] * 5 + [("A car.", "neither")] * 25
    lines = self_audit_markdown(_section(corpus), max_rows=1)
    assert "| religion/muslim | 10 | 100.0% | 72.2% | 2.7 |" in lines  # corpus 15/40; Hindu 5/5 ranks lower
    assert "| ... 1 more in report.json | | | | |" in lines
    empty = _section([("A car.", "neither")])
    assert any("label changes for n/a of records [n/a, n/a]" in line for line in self_audit_markdown(empty))
