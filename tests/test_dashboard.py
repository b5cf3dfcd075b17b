"""The Streamlit dashboard, page by page, with Streamlit's AppTest on scans made here: values match report.json."""
from __future__ import annotations

import json
import random
import sys

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import biasaudit
from biasaudit.audits.filter_simulation import simulate_filter
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.dashboard import APP_SCRIPT
from biasaudit.dashboard.scan_page import too_large_message
from biasaudit.errors import InputError
from biasaudit.io import example_path
from biasaudit.report.scan_dir import load_scan_dir
from biasaudit.text.masking import mask_text

SCRIPT_TEXT = "<script>document.title='pwned'</script> look at this"
PROFANE_TEXT = "What the shit, that was close."  # mild profanity: enough to exercise masking (see test_masking)


def _corpus(path):
    """The bundled example dialogues plus one conversation holding markup and a masked word."""
    extra = {"id": "extra-01", "turns": [{"speaker": "Ada", "text": SCRIPT_TEXT},
                                         {"speaker": "Ben", "text": PROFANE_TEXT}]}
    path.write_text(example_path().read_text(encoding="utf-8") + json.dumps(extra) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    root = tmp_path_factory.mktemp("dash")
    main = root / "data"
    biasaudit.scan(str(_corpus(root / "corpus.jsonl")), out=main, dialogue=True, progress=False)
    other = root / "other"
    biasaudit.scan(str(example_path()), out=other, dialogue=True, progress=False, limit=20)
    return main, other


def report(path):
    return json.loads((path / "report.json").read_text())


def app(monkeypatch, *dirs) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["app.py", *map(str, dirs)])
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


#: AppTest does not expose st.dataframe keys: each table is found by columns only it has.
TABLES = {"overview_rates": ("column", "value", "count"), "overview_scores": ("score", "headline"),
          "overview_groups": ("group", "label", "records"), "breakdown_table": ("group", "n", "value"),
          "records_table": ("id", "text"), "compare_per_scan": ("metric", "scan", "value", "n"),
          "compare_diffs": ("metric", "difference"), "associations_table": ("test", "effect_size"),
          "associations_skipped": ("test", "reason"), "filter_groups": ("group", "drop_rate"),
          "filter_dropped": ("id", "text", "p_offensive"), "filtered_out_groups": ("group", "share of dropped")}


def frame(at: AppTest, key: str) -> pd.DataFrame:
    (df,) = [d.value for d in at.dataframe if set(TABLES[key]) <= set(d.value.columns)]
    return df


def test_overview_counts_rates_and_scores_match_report(scans, monkeypatch):
    main, _ = scans
    rep = report(main)
    at = app(monkeypatch, main)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"records read": f"{rep['counts']['read']:,}", "scored": f"{rep['counts']['scored']:,}",
                       "rejected": f"{rep['counts']['rejected']:,}"}
    rates = frame(at, "overview_rates").set_index(["column", "value"])
    for col, labels in rep["labels"].items():
        for lab, r in labels.items():
            assert rates.loc[(col, lab), "count"] == r["count"]
            assert rates.loc[(col, lab), ["rate", "ci_low", "ci_high"]].tolist() == \
                pytest.approx([r["rate"], r["ci_low"], r["ci_high"]])
    for name, r in rep["flags"].items():
        assert rates.loc[(name, "true"), "count"] == r["count"]
    scores = frame(at, "overview_scores").set_index("score")
    assert set(scores.index) == set(rep["scores"])
    for name, s in rep["scores"].items():
        assert scores.loc[name, "mean"] == pytest.approx(s["mean"])
        assert scores.loc[name, "p50"] == pytest.approx(s["quantiles"]["p50"])
    groups = frame(at, "overview_groups").set_index(["group", "label"])
    corpus = rep["sections"]["hate_self_audit"]["group_rates"]["corpus"]
    assert groups.loc[("(whole corpus)", "offensive"), "count"] == corpus["offensive"]["count"]


def test_overview_shows_the_self_audit_counterfactual_sensitivity(scans, monkeypatch):
    main, _ = scans
    audit = report(main)["sections"]["hate_self_audit"]
    at = app(monkeypatch, main)
    shown = "\n".join(m.value for m in at.markdown)
    for family, f in audit["counterfactual_templates"]["families"].items():
        assert f"| {family} | {f['p_hate_spread']:.3f} | {f['p_hate_max_term']} |" in shown
    swaps = audit["counterfactual_swaps"]["attributes"]["gender"]
    assert f"{swaps['n_eligible']:,} of {swaps['n_flagged']:,}" in shown


def test_breakdowns_match_report_for_every_dimension(scans, monkeypatch):
    main, _ = scans
    rep = report(main)
    at = goto(app(monkeypatch, main), "Breakdowns")
    assert set(at.selectbox(key="breakdown_dim").options) == set(rep["breakdowns"]) >= {"speaker", "turn_position"}
    for dim in rep["breakdowns"]:
        at.selectbox(key="breakdown_dim").select(dim).run()
        at.selectbox(key="breakdown_metric").select("label:hate_label=offensive").run()
        table = frame(at, "breakdown_table").set_index("group")
        for group, g in rep["breakdowns"][dim].items():
            r = g["labels"]["hate_label"]["offensive"]
            assert (table.loc[group, "count"], table.loc[group, "n"]) == (r["count"], r["n"])
        at.selectbox(key="breakdown_metric").select("score:vader_compound").run()
        table = frame(at, "breakdown_table").set_index("group")
        for group, g in rep["breakdowns"][dim].items():
            s = g["scores"]["vader_compound"]
            assert table.loc[group, "value"] == pytest.approx(s["mean"])
            if s["n"] > 1:  # mean +- 1.96 std / sqrt(n), computed here independently
                half = 1.959963984540054 * s["std"] / np.sqrt(s["n"])
                assert table.loc[group, "ci_high"] == pytest.approx(s["mean"] + half)


def test_records_behind_a_number_masked_until_revealed_and_markup_as_text(scans, monkeypatch):
    main, _ = scans
    rep = report(main)
    at = goto(app(monkeypatch, main), "Records")
    assert any("Content warning" in w.value for w in at.warning)
    assert at.metric[0].value == f"{rep['counts']['scored']:,}"
    at.selectbox(key="records_subset").select("hate_label = offensive").run()
    assert at.metric[0].value == str(rep["labels"]["hate_label"]["offensive"]["count"])
    assert set(frame(at, "records_table")["hate_label"]) == {"offensive"}
    at.selectbox(key="records_subset").select("all records").run()

    at.text_input(key="records_contains").input("what the").run()
    table = frame(at, "records_table")
    assert table["text"].tolist() == ["What the s***, that was close."]
    assert [t.value for t in at.text] == ["What the s***, that was close."]
    at.toggle(key="records_reveal").set_value(True).run()
    assert frame(at, "records_table")["text"].tolist() == [PROFANE_TEXT]
    assert [t.value for t in at.text] == [PROFANE_TEXT]

    at.text_input(key="records_contains").input("<script>").run()
    assert at.metric[0].value == "1"
    assert [t.value for t in at.text] == [SCRIPT_TEXT]  # st.text: shown as text, never as HTML

    at.text_input(key="records_contains").input("").run()
    at.selectbox(key="records_sort").select("p_hate").run()
    shown = frame(at, "records_table")["p_hate"].to_numpy()
    assert (np.diff(shown) <= 0).all() and shown[0] == pd.read_parquet(main / "records.parquet")["p_hate"].max()


def test_compare_shows_each_scan_and_differences(scans, monkeypatch):
    main, other = scans
    rep_main, rep_other = report(main), report(other)
    at = goto(app(monkeypatch, main, other), "Compare")
    at.select_slider(key="compare_draws").set_value(200).run()
    assert not at.exception
    per_scan = frame(at, "compare_per_scan").set_index(["metric", "scan"])
    for label, rep in (("data", rep_main), ("other", rep_other)):
        r = rep["labels"]["hate_label"]["offensive"]
        assert per_scan.loc[("hate_label=offensive", label), "value"] == pytest.approx(r["rate"])
        assert per_scan.loc[("p_hate", label), "value"] == pytest.approx(rep["scores"]["p_hate"]["mean"])
    diffs = frame(at, "compare_diffs").set_index("metric")
    assert diffs.loc["p_hate", "difference"] == pytest.approx(
        rep_other["scores"]["p_hate"]["mean"] - rep_main["scores"]["p_hate"]["mean"])
    lo, hi = diffs.loc["p_hate", ["ci_low", "ci_high"]]
    assert lo <= diffs.loc["p_hate", "difference"] <= hi


def test_compare_needs_two_scans(scans, monkeypatch):
    at = goto(app(monkeypatch, scans[0]), "Compare")
    assert "at least two scans" in at.info[0].value


@pytest.fixture(scope="module")
def association_scan(tmp_path_factory):
    """WEAT 1's own words in simple sentences (as in test_card), so the test runs on this corpus."""
    from biasaudit.associations.weat import load_tests

    (test,) = load_tests(["weat1"])
    rng = random.Random(0)
    root = tmp_path_factory.mktemp("assoc")
    lines = [json.dumps({"text": f"the {rng.choice(test.target1_words + test.target2_words)} is "
                                 f"{rng.choice(test.attribute1_words + test.attribute2_words)} today"})
             for _ in range(2000)]
    (root / "weat.jsonl").write_text("\n".join(lines) + "\n")
    biasaudit.scan(str(root / "weat.jsonl"), out=root / "scan", analyzers="sentiment", associations=True,
                   progress=False, analyzer_options={"associations": {"tests": "weat1,weat2", "bootstrap": 20,
                                                                      "permutations": 500, "dim": 20}})
    return root / "scan"


def test_associations_page(association_scan, scans, monkeypatch):
    rep = report(association_scan)
    (t,) = [t for t in rep["sections"]["associations"]["tests"] if t["status"] == "ok"]
    at = goto(app(monkeypatch, association_scan), "Associations")
    table = frame(at, "associations_table").set_index("test")
    assert table.loc["weat1", ["effect_size", "ci_low", "ci_high", "p_value"]].tolist() == pytest.approx(
        [t["effect_size"], t["bootstrap"]["ci_low"], t["bootstrap"]["ci_high"], t["p_value"]])
    assert frame(at, "associations_skipped")["test"].tolist() == ["weat2"]
    at = goto(app(monkeypatch, scans[0]), "Associations")
    assert "no associations section" in at.info[0].value


def test_filter_simulator_counts_who_is_dropped(scans, monkeypatch):
    main, _ = scans
    records = pd.read_parquet(main / "records.parquet")
    at = goto(app(monkeypatch, main), "Who gets filtered out")
    at.selectbox(key="filter_column").select("p_offensive").run()
    threshold = 0.3
    at.slider(key="filter_threshold_p_offensive").set_value(threshold).run()
    n_drop = int((records["p_offensive"] >= threshold).sum())
    assert metric(at, "records dropped") == f"{n_drop:,} of {len(records):,}"
    groups = frame(at, "filter_groups").set_index("group")
    mentions = IdentityLexicon.load().mentions(records["text"])
    dropped = (records["p_offensive"] >= threshold).to_numpy()
    for family in IdentityLexicon.load().groups:
        mask = mentions[family].to_numpy()
        assert groups.loc[family, "records"] == mask.sum()
        assert groups.loc[family, "dropped"] == (mask & dropped).sum()
    assert len(frame(at, "filter_dropped")) == n_drop


def metric(at: AppTest, label: str) -> str:
    (value,) = [m.value for m in at.metric if m.label == label]
    return value


def test_who_gets_filtered_out_shows_the_report_section_and_starts_at_the_policy(scans, monkeypatch):
    """The scan ran hate, so its report has the default policy's section; the live view at the policy's own
    threshold (p_hate > 0.5) must give the section's numbers, and other thresholds an independent count."""
    main, _ = scans
    records = pd.read_parquet(main / "records.parquet")
    section = report(main)["sections"]["filtered_out"]
    at = goto(app(monkeypatch, main), "Who gets filtered out")
    assert at.selectbox(key="filter_column").value == "p_hate"
    assert at.slider(key="filter_threshold_p_hate").value == 0.5
    p_hate = records["p_hate"].to_numpy()
    assert metric(at, "flagged by the policy") == f"{section['dropped']['count']:,} of {len(records):,}"
    assert metric(at, "records dropped") == f"{int((p_hate > 0.5).sum()):,} of {len(records):,}"
    shown = frame(at, "filtered_out_groups").set_index("group")
    live = frame(at, "filter_groups").set_index("group")
    for g in section["identity"]["groups"]:
        if g["mentions"] and "/" not in g["group"]:
            assert shown.loc[g["group"], "mentions"] == g["mentions"] == live.loc[g["group"], "records"]
            assert live.loc[g["group"], "dropped"] == g["dropped"]["count"]
    assert len(at.get("vega_lite_chart")) == len(section["scores"]) + 2  # each sweep, live shares and drop rates
    at.slider(key="filter_threshold_p_hate").set_value(0.1).run()
    mentions = IdentityLexicon.load().mentions(records["text"])
    live = frame(at, "filter_groups").set_index("group")
    for family in IdentityLexicon.load().groups:
        mask = mentions[family].to_numpy()
        assert live.loc[family, "dropped"] == (mask & (p_hate > 0.1)).sum()
    assert metric(at, "records dropped") == f"{int((p_hate > 0.1).sum()):,} of {len(records):,}"


def test_dropped_records_are_masked_until_revealed(scans, monkeypatch):
    main, _ = scans
    at = goto(app(monkeypatch, main), "Who gets filtered out")
    at.selectbox(key="filter_column").select("p_offensive").run()
    lowest = float(pd.read_parquet(main / "records.parquet")["p_offensive"].min())
    at.slider(key="filter_threshold_p_offensive").set_value(lowest).run()  # at or above the minimum: every record
    texts = frame(at, "filter_dropped")["text"].tolist()
    assert SCRIPT_TEXT in texts and PROFANE_TEXT not in texts and mask_text(PROFANE_TEXT) in texts
    at.toggle(key="filter_reveal").set_value(True).run()
    assert PROFANE_TEXT in frame(at, "filter_dropped")["text"].tolist()


def test_who_gets_filtered_out_without_a_policy_section(tmp_path, monkeypatch):
    corpus = tmp_path / "c.jsonl"
    texts = ["What a lovely day with my grandmother.", "This is awful, terrible and sad.",
             "The muslim family next door is kind.", "A horrible week for the old man."]
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    biasaudit.scan(str(corpus), "sentiment", out=tmp_path / "s", progress=False)
    at = goto(app(monkeypatch, tmp_path / "s"), "Who gets filtered out")
    assert "no policy section" in at.caption[0].value
    compound = biasaudit.analyze(texts, "sentiment")["vader_compound"]
    at.selectbox(key="filter_column").select("vader_compound").run()
    at.slider(key="filter_threshold_vader_compound").set_value(0.0).run()
    assert metric(at, "records dropped") == f"{int((compound >= 0).sum())} of 4"


def test_simulate_filter_on_a_hand_built_corpus():
    texts = ["my sister is here", "a woman and a man", "the weather is fine", "our new car", "he is a monk"]
    records = pd.DataFrame({"text": texts, "score": [0.9, 0.8, 0.1, np.nan, 0.2]})
    sim = simulate_filter(records, "score", 0.5)
    assert sim.dropped.tolist() == [True, True, False, False, False]  # NaN is kept
    gender = sim.groups.set_index("group").loc["gender"]
    # "sister" and "woman"/"man" are gender terms; both records dropped: 2 of 2, share among dropped 2/2
    assert (gender["records"], gender["dropped"], gender["drop_rate"], gender["share_dropped"]) == (2, 2, 1.0, 1.0)
    assert gender["share_kept"] == 0.0 and sim.overall["count"] == 2 and sim.overall["n"] == 5


def test_missing_and_corrupted_scans_give_messages_not_tracebacks(scans, tmp_path, monkeypatch):
    main, _ = scans
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "report.json").write_text("{not json")
    (broken / "records.parquet").write_bytes((main / "records.parquet").read_bytes())
    truncated = tmp_path / "truncated"
    truncated.mkdir()
    (truncated / "report.json").write_text((main / "report.json").read_text())
    (truncated / "records.parquet").write_bytes((main / "records.parquet").read_bytes()[:500])
    at = app(monkeypatch, tmp_path / "nowhere", broken, truncated, main)
    errors = " ".join(e.value for e in at.error)
    assert "no such scan directory" in errors
    assert "report.json is not valid JSON" in errors
    assert "records.parquet cannot be read" in errors
    assert at.metric[0].value == f"{report(main)['counts']['read']:,}"  # the good scan still opens
    for page in ("Breakdowns", "Records", "Compare", "Associations", "Who gets filtered out", "Scan"):
        goto(at, page)
    with pytest.raises(InputError, match="with report.json and records.parquet"):
        load_scan_dir(tmp_path)


def test_scan_page_scans_a_local_file_and_saves_it(tmp_path, monkeypatch):
    corpus = tmp_path / "small.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in
                              ["What a lovely day.", "The train leaves at noon.", "This is a bad plan."]))
    at = goto(app(monkeypatch), "Scan")
    at.text_input(key="scan_local").input(str(corpus)).run()
    at.multiselect(key="scan_analyzers").set_value(["sentiment"]).run()
    at.button(key="scan_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "is open on every page" in at.success[0].value
    at.text_input(key="scan_save_to").input(str(tmp_path / "saved")).run()
    at.button(key="scan_save").click().run()
    rep = report(tmp_path / "saved")
    assert rep["counts"]["scored"] == 3 and rep["analyzers"] == ["sentiment:vader"]
    goto(at, "Overview")
    assert at.metric[1].value == "3"


def test_upload_limit_message():
    assert too_large_message(10 * 2**20, 200 * 2**20) is None
    message = too_large_message(3 * 2**20, 2 * 2**20)
    assert "3.0 MB" in message and "limited to 2 MB" in message
