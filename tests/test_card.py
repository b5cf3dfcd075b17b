"""biasaudit card: Hub metadata, numbers equal to report.json, no corpus text unless asked, figures, errors."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest
import yaml

import biasaudit
from biasaudit.cards import CardOptions, render_card, write_card
from biasaudit.cards.measured import MEASURED_END, MEASURED_START
from biasaudit.cli import main
from biasaudit.io import example_path
from biasaudit.report.markdown import fmt, fmt_rate, md_text
from biasaudit.text.masking import mask_text

ROOT = Path(__file__).resolve().parents[1]
COMMITTED_CARD = ROOT / "data_cards" / "example_dialogues_audit.md"
NUMBER = r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?"  # a number as the card prints it (not inside words or versions)
HUB_FIELDS = ("pretty_name", "license", "language", "size_categories", "task_categories", "tags")


def _scan(source, out, **options):
    biasaudit.scan(source, out=out, progress=False, **options)
    return out


@pytest.fixture(scope="module")
def example_scan(tmp_path_factory):
    return _scan(example_path(), tmp_path_factory.mktemp("example") / "scan", dialogue=True)


@pytest.fixture(scope="module")
def tweet_scan(tmp_path_factory):
    """A sample of Davidson et al.'s tweets: many hate/offensive labels, identity groups with flags."""
    from conftest import shared_path

    data = shared_path("data", "davidson", "labeled_train.csv")
    return _scan(data, tmp_path_factory.mktemp("tweets") / "scan", analyzers="hate", text_field="tweet",
                 sample=1500, seed=1)


def split(text: str) -> tuple[dict, str]:
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def measured_text(body: str) -> str:
    return "\n".join(re.findall(re.escape(MEASURED_START) + r"(.*?)" + re.escape(MEASURED_END), body, re.DOTALL))


def table_rows(text: str, header_start: str) -> dict[str, list[str]]:
    """Rows (first cell -> cells) of every Markdown table whose header begins with ``header_start``."""
    rows, inside = {}, False
    for line in text.splitlines():
        if line.startswith(f"| {header_start}"):
            inside = True
            continue
        if inside and line.startswith("|---"):
            continue
        if inside and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells[1:]
        else:
            inside = False
    return rows


def card_for(scan_dir, tmp_path, name="card.md", **options):
    """Write a card (figures only when asked: drawing them is the slow part) and return its path and text."""
    options.setdefault("figures", False)
    out = tmp_path / name
    write_card(scan_dir, out, template=options.pop("template", "hf"), options=CardOptions(**options))
    return out, out.read_text(encoding="utf-8")


def report_of(scan_dir) -> dict:
    return json.loads((Path(scan_dir) / "report.json").read_text())


# --- front matter -----------------------------------------------------------------------------------------------

def test_front_matter_parses_with_yaml_and_huggingface_hub(example_scan, tmp_path):
    from huggingface_hub import DatasetCard

    path, text = card_for(example_scan, tmp_path)
    meta, _ = split(text)
    assert set(HUB_FIELDS) <= set(meta)
    card = DatasetCard(text)  # parses the front matter itself; no network
    data = card.data.to_dict()
    for key in HUB_FIELDS:
        assert data[key] == meta[key]
    assert DatasetCard.load(path).data.to_dict()["bias_audit"] == meta["bias_audit"]
    # 210 utterances in the example file -> the Hub's smallest bucket
    assert sum(len(json.loads(line)["turns"]) for line in example_path().open()) == 210
    assert meta["size_categories"] == ["n<1K"]
    assert meta["license"] == "unknown" and meta["task_categories"] == ["other"] and meta["language"] == ["en"]
    assert meta["bias_audit"]["unconfirmed_metadata"] == ["license", "language", "task_categories"]
    assert {"bias-audit", "biasaudit"} <= set(meta["tags"])


def test_size_category_counts_the_whole_input_under_sample(tweet_scan, tmp_path):
    from conftest import shared_path

    n_rows = len(pd.read_csv(shared_path("data", "davidson", "labeled_train.csv")))  # 19,826 tweets, 1,500 sampled
    _, text = card_for(tweet_scan, tmp_path)
    meta, body = split(text)
    assert 10_000 <= n_rows < 100_000 and meta["size_categories"] == ["10K<n<100K"]
    assert meta["bias_audit"]["sampling"] == {"sample": 1500, "limit": None, "seed": 1}
    assert "seeded uniform sample of 1,500 records (seed 1)" in body


def test_given_metadata_replaces_placeholders(example_scan, tmp_path):
    _, text = card_for(example_scan, tmp_path, pretty_name="Demo chats", license="cc0-1.0", language=("en", "de"),
                       task_categories=("text-generation",), tags=("dialogue",))
    meta, body = split(text)
    assert (meta["pretty_name"], meta["license"], meta["language"], meta["task_categories"]) == \
        ("Demo chats", "cc0-1.0", ["en", "de"], ["text-generation"])
    assert meta["tags"] == ["bias-audit", "biasaudit", "dialogue"]
    assert meta["bias_audit"]["unconfirmed_metadata"] == []
    assert "# Dataset Card for Demo chats" in body and "placeholder" not in body


def test_bias_audit_block_holds_the_report_numbers_unrounded(example_scan, tmp_path):
    report = report_of(example_scan)
    meta, _ = split(card_for(example_scan, tmp_path)[1])
    block = meta["bias_audit"]
    assert block["labels"] == report["labels"] and block["flags"] == report["flags"]
    assert block["records"] == {k: report["counts"][k] for k in ("read", "scored", "rejected")}
    for name, s in block["scores"].items():
        assert s == {k: report["scores"][name][k] for k in ("n", "mean", "std")}
    audit = report["sections"]["hate_self_audit"]
    assert block["identity_groups"]["corpus"] == audit["group_rates"]["corpus"]
    for flag, rows in block["identity_groups"]["most_affected"].items():
        for row in rows:
            family, sub = row["group"].split("/")
            expected = audit["group_rates"]["families"][family]["subgroups"][sub][flag]
            assert {k: row[k] for k in ("count", "n", "rate", "ci_low", "ci_high")} == \
                {k: expected[k] for k in ("count", "n", "rate", "ci_low", "ci_high")}
    assert block["inputs"][0]["sha256"] == hashlib.sha256(example_path().read_bytes()).hexdigest()
    assert block["provenance"]["report_sha256"] == \
        hashlib.sha256((Path(example_scan) / "report.json").read_bytes()).hexdigest()
    from biasaudit.resources import lexicon_path, sha256_tree

    assert block["lexicons"]["lexicons/identity"] == sha256_tree(lexicon_path("identity"))
    assert block["lexicons"]["lexicons/hutto2015"] == sha256_tree(lexicon_path("hutto2015"))


# --- the numbers in the text ------------------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["hf", "datasheet"])
def test_rates_and_scores_in_the_text_equal_the_report(template, example_scan, tmp_path):
    report = report_of(example_scan)
    _, body = split(card_for(example_scan, tmp_path, template=template)[1])
    rates = table_rows(body, "what |")
    expected = {f"{col} = {lab}": r for col, labs in report["labels"].items() for lab, r in labs.items()}
    expected |= report["flags"]
    assert set(rates) == set(expected)
    for key, r in expected.items():
        assert rates[key] == [fmt_rate(r), fmt(r["count"]), fmt(r["n"])]
    scores = table_rows(body, "score | n | mean")
    assert scores, "scores table missing"
    for name, cells in scores.items():
        s = report["scores"][name]
        q = s["quantiles"]
        assert cells == [fmt(s["n"]), fmt(s["mean"]), fmt(s["std"]), fmt(q["p05"]), fmt(q["p50"]), fmt(q["p95"])]


def test_identity_groups_in_the_text_equal_the_report(tweet_scan, tmp_path):
    report = report_of(tweet_scan)
    g = report["sections"]["hate_self_audit"]["group_rates"]
    _, body = split(card_for(tweet_scan, tmp_path)[1])
    for flag in ("hate", "offensive"):
        rows = table_rows(body, f"identity group | records mentioning | flagged {flag}")
        assert rows, f"no {flag} table"
        for key, cells in rows.items():
            family, sub = key.strip("`").split("/")
            r = g["families"][family]["subgroups"][sub]
            assert cells == [fmt(r["n"]), fmt(r[flag]["count"]), fmt_rate(r[flag]),
                             "yes" if r[flag]["ci_low"] > g["corpus"][flag]["rate"] else "no"]
        # ranked as the self-audit ranks over-flagged groups: low end of the interval, descending
        lows = [g["families"][k.strip("`").split("/")[0]]["subgroups"][k.strip("`").split("/")[1]][flag]["ci_low"]
                for k in rows]
        assert lows == sorted(lows, reverse=True)
        assert f"Flagged {flag} (whole corpus: {fmt_rate(g['corpus'][flag])})" in body
    mentions = table_rows(body, "family | records mentioning")
    for family, cells in mentions.items():
        assert cells[0] == fmt(g["families"][family.replace(" ", "_")]["n"])


def _formatted_values(report: dict) -> set[str]:
    """Every way the card may print a report value: report.md's formats, percentages, counts of groups."""
    out: set[str] = set()

    def walk(x):
        if isinstance(x, bool) or x is None:
            return
        if isinstance(x, int):
            out.update({fmt(x), str(x)})
        elif isinstance(x, float):
            out.update({fmt(x), fmt(x, 2), f"{100 * x:.2f}", f"{x:.3g}"})
        elif isinstance(x, str):
            out.update(re.findall(NUMBER, x))
        elif isinstance(x, dict):
            out.add(str(len(x)))
            for k, v in x.items():
                walk(k)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(report)
    return out


@pytest.mark.parametrize("template", ["hf", "datasheet"])
@pytest.mark.parametrize("scan", ["example_scan", "tweet_scan"])
def test_every_number_in_the_measured_text_is_a_report_value(scan, template, request, tmp_path):
    scan_dir = request.getfixturevalue(scan)
    allowed = _formatted_values(report_of(scan_dir)) | {"95"}
    text = re.sub(r"`[^`]*`", " ", measured_text(split(card_for(scan_dir, tmp_path, template=template)[1])[1]))
    text = re.sub(r"\]\([^)]*\)", "]", text)  # figure paths
    numbers = re.findall(NUMBER, text)
    assert numbers and not [n for n in numbers if n not in allowed]


# --- no corpus text unless asked --------------------------------------------------------------------------------

def _texts(scan_dir) -> list[str]:
    return pd.read_parquet(Path(scan_dir) / "records.parquet", columns=["text"])["text"].astype(str).tolist()


def _leaks(card: str, texts: list[str]) -> list[str]:
    """Record texts found in the card: long ones anywhere (raw or escaped), short ones as a table cell."""
    cells = {c.strip() for line in card.splitlines() if line.startswith("|") for c in line.split("|")}
    def shown(t: str) -> bool:
        if len(t) < 12:
            return t in cells or md_text(t) in cells
        return t in card or md_text(t, 10_000) in card or mask_text(t) in card

    return [t for t in {" ".join(t.split()) for t in texts} if shown(t)]


@pytest.mark.parametrize("template", ["hf", "datasheet"])
@pytest.mark.parametrize("scan", ["example_scan", "tweet_scan"])
def test_no_record_text_in_the_card_by_default(scan, template, request, tmp_path):
    scan_dir = request.getfixturevalue(scan)
    texts = _texts(scan_dir)
    assert len(texts) == report_of(scan_dir)["counts"]["scored"]
    _, card = card_for(scan_dir, tmp_path, template=template)
    assert _leaks(card, texts) == []


def test_include_examples_quotes_the_listed_records_masked(tweet_scan, tmp_path):
    records = pd.read_parquet(Path(tweet_scan) / "records.parquet")
    _, card = card_for(tweet_scan, tmp_path, include_examples=True, max_examples=5)
    quoted = table_rows(card, "id | label | text")
    assert len(quoted) == 10  # 5 hate + 5 offensive
    by_id = records.set_index(records["id"].astype(str))
    changed = 0
    for rid, (label, shown) in quoted.items():
        row = by_id.loc[rid.strip("`")]
        assert row["hate_label"] == label
        assert shown == md_text(mask_text(row["text"]), 300)
        if mask_text(row["text"]) != row["text"]:
            changed += 1
            assert md_text(row["text"], 300) != shown
    assert changed > 0  # the tweets hold listed terms: the masking was exercised
    for label, prob in (("hate", "p_hate"), ("offensive", "p_offensive")):  # the most confident, by id
        top = records[records["hate_label"] == label].sort_values(prob, ascending=False).head(5)
        assert [f"`{i}`" for i in top["id"]] == [k for k, v in quoted.items() if v[0] == label]
    others = records[~records["id"].astype(str).isin([k.strip("`") for k in quoted])]
    assert _leaks(card, others["text"].tolist()) == []


# --- figures, determinism, templates ----------------------------------------------------------------------------

def test_figures_exist_and_every_link_resolves(example_scan, tmp_path):
    path, card = card_for(example_scan, tmp_path, name="my card.md", figures=True)
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", card)
    assert links
    for link in links:
        target = path.parent / unquote(link)
        assert target.is_file() and target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    folder = path.parent / "my card_figures"
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(unquote(link)).name for link in links)
    report = report_of(example_scan)
    assert ("identity_hate.png" in str(links)) == (report["labels"]["hate_label"]["hate"]["count"] > 0)


def test_same_scan_same_card_bytes(example_scan, tmp_path):
    a = render_card(example_scan, tmp_path / "a.md")
    b = render_card(example_scan, tmp_path / "a.md")
    assert a.text == b.text
    assert {k: f.png for k, f in a.figures.items()} == {k: f.png for k, f in b.figures.items()}


def test_datasheet_has_gebru_sections(example_scan, tmp_path):
    _, card = card_for(example_scan, tmp_path, template="datasheet")
    headings = re.findall(r"^## (.+)$", card, re.MULTILINE)
    assert headings[:7] == ["Motivation", "Composition", "Collection Process", "Preprocessing/cleaning/labeling",
                            "Uses", "Distribution", "Maintenance"]
    assert card.count("[More Information Needed]") >= 20


def test_hf_card_fills_the_bias_and_sensitive_sections(example_scan, tmp_path):
    _, card = card_for(example_scan, tmp_path)
    for heading in ("## Bias, Risks, and Limitations", "### Personal and Sensitive Information",
                    "## Dataset Structure"):
        after = card.split(heading, 1)[1]
        assert after.lstrip().startswith(MEASURED_START), heading


def test_scan_without_the_hate_classifier(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in
                              ["What a lovely day.", "The train leaves at noon.", "This is a bad plan."]))
    scan_dir = _scan(corpus, tmp_path / "scan", analyzers="sentiment")
    _, card = card_for(scan_dir, tmp_path)
    meta, body = split(card)
    assert "identity_groups" not in meta["bias_audit"] and meta["bias_audit"]["labels"] == {}
    assert "did not run the hate classifier's self-audit" in body
    assert _leaks(card, _texts(scan_dir)) == []


def test_associations_section_numbers(tmp_path):
    """WEAT 1 on vectors learnt from a corpus built from its own word lists: the card copies the report."""
    import random

    from biasaudit.associations.weat import load_tests

    (test,) = load_tests(["weat1"])
    rng = random.Random(0)
    lines = []
    for _ in range(3000):
        x = rng.choice(test.target1_words + test.target2_words)
        a = rng.choice(test.attribute1_words + test.attribute2_words)
        lines.append(json.dumps({"text": f"the {x} is {a} today"}))
    corpus = tmp_path / "weat.jsonl"
    corpus.write_text("\n".join(lines) + "\n")
    scan_dir = _scan(corpus, tmp_path / "scan", analyzers="sentiment", associations=True,
                     analyzer_options={"associations": {"tests": "weat1", "bootstrap": 20, "permutations": 1000,
                                                        "dim": 20}})
    report = report_of(scan_dir)
    (t,) = [t for t in report["sections"]["associations"]["tests"] if t["status"] == "ok"]
    meta, body = split(card_for(scan_dir, tmp_path)[1])
    (row,) = table_rows(body, "test | targets").values()
    assert row[2:] == [fmt(t["effect_size"], 2), (f"[{fmt(t['bootstrap']['ci_low'], 2)}, "
                       f"{fmt(t['bootstrap']['ci_high'], 2)}]"), f"{t['p_value']:.3g}"]
    assert meta["bias_audit"]["associations"][0]["effect_size"] == t["effect_size"]


# --- errors and atomic writes -----------------------------------------------------------------------------------

def _bad_report(tmp_path, content: bytes):
    d = tmp_path / "bad"
    d.mkdir(exist_ok=True)
    (d / "report.json").write_bytes(content)
    return d


@pytest.mark.parametrize("case,needle", [
    ("missing", "not a scan directory"),
    ("empty", "no report.json"),
    ("json", "invalid JSON"),
    ("format", "field 'format'"),
    ("incomplete", "field 'counts'"),
    ("records", "not the same scan"),
])
def test_bad_scan_dir_exits_2_with_one_line(case, needle, example_scan, tmp_path, capsys):
    scan_dir = {"missing": lambda: tmp_path / "nope",
                "empty": lambda: tmp_path,
                "json": lambda: _bad_report(tmp_path, b'{"format": "biasaudit.scan/1",\n  "counts": }'),
                "format": lambda: _bad_report(tmp_path, b'{"format": "something else"}'),
                "incomplete": lambda: _bad_report(tmp_path, b'{"format": "biasaudit.scan/1"}')}.get(case)
    if case == "records":
        scan_dir = tmp_path / "mixed"
        scan_dir.mkdir()
        (scan_dir / "report.json").write_bytes((Path(example_scan) / "report.json").read_bytes())
        pd.read_parquet(Path(example_scan) / "records.parquet").head(5).to_parquet(scan_dir / "records.parquet")
    else:
        scan_dir = scan_dir()
    out = tmp_path / "cards" / "x.md"
    assert main(["card", str(scan_dir), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
    if case == "json":
        assert "report.json:2" in err


@pytest.mark.parametrize("args", [["--license", "MIT License"], ["--language", "english"], ["--tag", "a b"],
                                  ["--task-category", "cooking"], ["--max-examples", "0"]])
def test_bad_options_exit_2(args, example_scan, tmp_path, capsys):
    with pytest.raises(SystemExit) if args[0] == "--task-category" else _no_raise() as exc:
        code = main(["card", str(example_scan), "--out", str(tmp_path / "x.md"), *args])
    assert (exc.value.code if exc else code) == 2
    assert not (tmp_path / "x.md").exists()


class _no_raise:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_cli_writes_card_and_figures(example_scan, tmp_path, capsys):
    out = tmp_path / "cards" / "demo.md"
    assert main(["card", str(example_scan), "--out", str(out), "--template", "datasheet", "--license",
                 "cc0-1.0"]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed and "placeholders to confirm: language, task_categories" in printed
    assert out.is_file() and (tmp_path / "cards" / "demo_figures" / "rates.png").is_file()


def test_failed_write_keeps_the_previous_card(example_scan, tmp_path, monkeypatch):
    out, before = card_for(example_scan, tmp_path, name="keep.md", figures=True)
    from biasaudit.report import writers

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(writers.os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        write_card(example_scan, out, options=CardOptions(license="mit"))
    assert out.read_text(encoding="utf-8") == before
    assert not [p for p in tmp_path.rglob("*.partial")]


def test_stale_figures_are_removed(example_scan, tmp_path):
    card_for(example_scan, tmp_path, name="c.md", figures=True)
    (tmp_path / "c_figures" / "score_gone.png").write_bytes(b"old")
    card_for(example_scan, tmp_path, name="c.md", figures=True)
    assert not (tmp_path / "c_figures" / "score_gone.png").exists()
    card_for(example_scan, tmp_path, name="c.md", figures=False)
    assert not list((tmp_path / "c_figures").glob("*.png"))


# --- the committed example card ---------------------------------------------------------------------------------

def _without_provenance(body: str) -> str:
    return re.sub(r"## Audit provenance.*?(?=\n## |\Z)", "", body, flags=re.DOTALL)


def test_committed_example_card_matches_a_fresh_scan(example_scan, tmp_path):
    """data_cards/example_dialogues_audit.md must show what scanning the bundled example gives today.

    Regenerate it with the commands in data_cards/README.md when a model, lexicon or the example changes.
    """
    meta, body = split(COMMITTED_CARD.read_text(encoding="utf-8"))
    options = CardOptions(pretty_name=meta["pretty_name"], license=meta["license"],
                          language=tuple(meta["language"]), task_categories=tuple(meta["task_categories"]),
                          tags=tuple(t for t in meta["tags"] if t not in ("bias-audit", "biasaudit")))
    fresh = render_card(example_scan, tmp_path / COMMITTED_CARD.name, options=options)
    fresh_meta, fresh_body = split(fresh.text)
    for m in (meta, fresh_meta):
        m["bias_audit"].pop("provenance")
    assert fresh_meta == meta
    assert _without_provenance(fresh_body) == _without_provenance(body)
    folder = COMMITTED_CARD.parent / f"{COMMITTED_CARD.stem}_figures"
    assert sorted(p.name for p in folder.glob("*.png")) == sorted(f.name for f in fresh.figures.values())


def test_size_is_other_when_limit_stopped_the_scan(tmp_path):
    scan_dir = _scan(example_path(), tmp_path / "scan", dialogue=True, analyzers="sentiment", limit=5)
    meta, body = split(card_for(scan_dir, tmp_path)[1])
    assert meta["size_categories"] == ["other"]
    assert meta["bias_audit"]["inputs"][0]["sha256"] is None  # the file was not read to the end
    assert "read only the first 5 records" in body
