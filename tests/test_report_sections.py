"""Analyzer sections in the readable views: rendered by name, escaped in HTML, never breaking a report."""
from biasaudit.report import sections
from biasaudit.report.html import render_html
from biasaudit.report.markdown import render_markdown


def test_markdown_to_html_tables_and_escaping():
    html = sections.markdown_to_html(["Intro <b>x</b>", "", "| a | b |", "|---|---|", "| <script> | 2 |", "",
                                      "Tail"])
    assert html == ("<p>Intro &lt;b&gt;x&lt;/b&gt;</p><table><tr><th>a</th><th>b</th></tr>"
                    "<tr><td>&lt;script&gt;</td><td>2</td></tr></table><p>Tail</p>")


def test_unknown_and_malformed_sections_fall_back_to_a_pointer():
    assert "see report.json" in sections.section_markdown("no_such_section", {"x": 1})[0]
    assert "could not be rendered" in sections.section_markdown("hate_self_audit", {"summary": {}})[0]


def _minimal_report(section):
    return {"counts": {"read": 1, "scored": 1, "rejected": 0, "rejected_by_reason": {}}, "inputs": [],
            "columns": {}, "scores": {}, "labels": {}, "flags": {}, "breakdowns": {},
            "sections": {"hate_self_audit": section}, "gates": [],
            "reproducibility": {"biasaudit": "0", "python": "3", "packages": {}, "analyzers": [], "settings": {}}}


def test_self_audit_section_in_both_views():
    rate = {"count": 1, "n": 4, "rate": 0.25, "ci_low": 0.05, "ci_high": 0.7}
    section = {
        "summary": {"over_flagged_hate": [], "over_flagged_offensive": [
            {"group": "gender/<female>", "n": 12, "rate": 0.5, "ci_low": 0.254, "ratio_to_corpus": 2.1}]},
        "group_rates": {"corpus": {"hate": rate, "offensive": rate}, "no_group": {"n": 3}},
        "counterfactual_templates": {"families": {"gender": {
            "p_hate_spread": 0.03, "p_hate_max_term": "a", "p_hate_min_term": "b", "p_offensive_spread": 0.1,
            "p_offensive_max_term": "c", "p_offensive_min_term": "d"}}},
        "counterfactual_records": {"n_eligible": 1, "n_flagged": 4, "n_sampled": 1, "seed": 0,
                                   "mean_abs_delta_p_hate": 0.01, "mean_abs_delta_p_offensive": 0.02,
                                   "label_flips": rate},
    }
    report = _minimal_report(section)
    md = render_markdown(report)
    assert "## Hate classifier self-audit" in md and "| gender/<female> | 12 | 50.0% |" in md
    html = render_html(report)
    assert "<h2>Hate classifier self-audit</h2>" in html and "gender/&lt;female&gt;" in html
    assert "gender/<female>" not in html
