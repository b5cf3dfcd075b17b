"""Every resource biasaudit ships has a card in data_cards/, with the required sections, and what a card states
about its files (file lists, line counts, sha256, metrics, probe results) is true of the files as they are now.

Adding a lexicon folder, a model or an example corpus without its card fails here; so does changing a resource
without updating the facts its card quotes.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
import yaml

from biasaudit.report.markdown import fmt
from biasaudit.resources import sha256_tree
from biasaudit.text.masking import is_masked_term

ROOT = Path(__file__).resolve().parents[1]
CARDS = ROOT / "data_cards"
LEXICON_HEADINGS = ("## Origin", "## License", "## Intended use", "## Contents", "## Known limitations")
MODEL_HEADINGS = ("## Origin", "## Data", "## Method", "## Cross-validated performance", "## Known failure modes",
                  "## Intended use", "## License")
EXAMPLE_HEADINGS = LEXICON_HEADINGS
SKIP = {"__pycache__", "__init__.py", "README.md"}


def shipped(root: Path) -> list[tuple[str, Path, Path, tuple[str, ...]]]:
    """(kind, resource, expected card, required headings) for every shipped resource under ``root``."""
    out = [("lexicon", d, root / "data_cards" / f"lexicon_{d.name}.md", LEXICON_HEADINGS)
           for d in sorted((root / "lexicons").iterdir()) if d.is_dir() and d.name not in SKIP]
    out += [("model", d, root / "data_cards" / f"model_{d.parent.name}_{d.name}.md", MODEL_HEADINGS)
            for d in sorted((root / "biasaudit" / "models").glob("*/*")) if d.is_dir() and d.name not in SKIP]
    out += [("example", f, root / "data_cards" / f"example_{f.stem}.md", EXAMPLE_HEADINGS)
            for f in sorted((root / "biasaudit" / "examples").iterdir())
            if f.is_file() and f.name not in SKIP and f.suffix != ".py"]
    return out


def problems(root: Path) -> list[str]:
    """What is missing: cards, or required level-2 headings in them (a heading may add a parenthesis)."""
    found = []
    for kind, resource, card, required in shipped(root):
        if not card.is_file():
            found.append(f"{kind} {resource.relative_to(root)} has no card {card.relative_to(root)}")
            continue
        lines = card.read_text(encoding="utf-8").splitlines()
        for heading in required:
            exact = kind == "lexicon"  # the ground rules fix these headings exactly
            if not any(line == heading or (not exact and line.startswith(heading + " ")) for line in lines):
                found.append(f"{card.relative_to(root)} lacks the heading {heading!r}")
    return found


def section(text: str, heading: str) -> str:
    """The text under the level-2 heading that starts with ``heading``, up to the next level-2 heading."""
    match = re.search(rf"^{re.escape(heading)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no section {heading!r}"
    return match.group(1)


def table(text: str, header_start: str) -> dict[str, list[str]]:
    rows, inside = {}, False
    for line in text.splitlines():
        if line.startswith(f"| {header_start}"):
            inside = True
        elif inside and line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells[1:]
        elif not line.startswith("|"):
            inside = False
    return rows


def lines_of(path: Path) -> int:
    return len(path.read_bytes().splitlines())


def files_of(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


# --- every resource has a complete card -------------------------------------------------------------------------

def test_every_shipped_resource_has_a_card_with_the_required_headings():
    assert len(shipped(ROOT)) >= 11
    assert problems(ROOT) == []


def test_a_resource_added_without_a_card_is_caught(tmp_path):
    for folder in ("lexicons/newlist", "biasaudit/models/hate/tiny", "biasaudit/examples"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "lexicons/newlist/words.txt").write_text("a\n")
    (tmp_path / "biasaudit/examples/chats.jsonl").write_text("{}\n")
    (tmp_path / "biasaudit/examples/__init__.py").write_text("")
    (tmp_path / "data_cards").mkdir()
    assert problems(tmp_path) == [
        "lexicon lexicons/newlist has no card data_cards/lexicon_newlist.md",
        "model biasaudit/models/hate/tiny has no card data_cards/model_hate_tiny.md",
        "example biasaudit/examples/chats.jsonl has no card data_cards/example_chats.md"]
    (tmp_path / "data_cards/lexicon_newlist.md").write_text("## Origin\n## License\n## Intended use\n## Contents\n")
    (tmp_path / "data_cards/model_hate_tiny.md").write_text("\n".join(MODEL_HEADINGS))
    (tmp_path / "data_cards/example_chats.md").write_text("\n".join(EXAMPLE_HEADINGS))
    assert problems(tmp_path) == ["data_cards/lexicon_newlist.md lacks the heading '## Known limitations'"]


def test_index_links_every_card_and_every_link_resolves():
    index = (CARDS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([^)#]+\.md)\)", index))
    assert linked == {p.name for p in CARDS.glob("*.md") if p.name != "README.md"}
    for card in CARDS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+)\)", card.read_text(encoding="utf-8")):
            assert (card.parent / unquote(target)).exists(), f"{card.name}: broken link {target}"


def test_no_card_contains_a_masked_term():
    """Cards describe offensive word lists and training data; none may spell out a slur or profanity."""
    for card in CARDS.glob("*.md"):
        words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", card.read_text(encoding="utf-8"))
        assert [w for w in words if is_masked_term(w)] == [], card.name


# --- lexicon cards: files, lines, hashes, counts ----------------------------------------------------------------

LEXICONS = [d.name for d in sorted((ROOT / "lexicons").iterdir()) if d.is_dir() and d.name not in SKIP]


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_contents_match_the_folder(name):
    folder = ROOT / "lexicons" / name
    text = (CARDS / f"lexicon_{name}.md").read_text(encoding="utf-8")
    contents = section(text, "## Contents")
    named = set(re.findall(r"`([^`]+)`", contents))
    files = files_of(folder)
    unnamed = [f for f in files if f != "README.md" and f not in named and Path(f).name not in named]
    assert unnamed == [], f"files of lexicons/{name} not named in its card's Contents"
    rows = table(contents, "file | lines")
    if rows:  # a file table lists exactly the folder's files, with their line counts
        assert sorted(k.strip("`") for k in rows) == files
        for key, cells in rows.items():
            assert cells[0] == fmt(lines_of(folder / key.strip("`"))), key
    quoted = re.search(r"sha256_tree.*?`([0-9a-f]{64})`", text, re.DOTALL)
    if quoted:
        assert quoted.group(1) == sha256_tree(folder)


def _identity_counts() -> list[str]:
    subgroups = terms = 0
    swaps: set[str] = set()
    files = sorted((ROOT / "lexicons/identity").glob("*.yaml"))
    for f in files:
        for sub in yaml.safe_load(f.read_text())["subgroups"].values():
            subgroups += 1
            terms += len(sub.get("terms", []))
            swaps |= set(sub.get("swap", []))
    return [f"{len(files)} families", f"{subgroups} subgroups", f"{terms} mention terms", f"{len(swaps)} swap adjectives"]


def _augmentation_counts() -> list[str]:
    spec = yaml.safe_load((ROOT / "lexicons/identity_augmentation/neutral_sentences.yaml").read_text())
    swaps = {t for f in (ROOT / "lexicons/identity").glob("*.yaml")
             for sub in yaml.safe_load(f.read_text())["subgroups"].values() for t in sub.get("swap", [])}
    filled = len(spec["templates"]) * len(swaps)
    return [f"{len(spec['templates'])} one-slot templates", f"{len(swaps)} swap adjectives", f"({fmt(filled)} sentences)",
            f"{len(spec['sentences'])} fixed", f"{fmt(filled + len(spec['sentences']))} sentences in all"]


def _masked_in(path: str) -> int:
    words = (ROOT / "lexicons" / path).read_text(encoding="latin-1").lower().split("\n")
    return sum(1 for w in words if w.strip() and " " not in w.strip() and is_masked_term(w.strip()))


def _weat_tests() -> list[str]:
    data = json.loads((ROOT / "lexicons/weat/caliskan2017.json").read_text())
    return [f"{len(data['tests'] if isinstance(data, dict) else data)} tests"]


def _seat_templates() -> list[str]:
    t = json.loads((ROOT / "lexicons/seat/templates.json").read_text())
    return [f"{len(t['word'])} `word` templates and {len(t['person'])} `person` templates"]


#: Counts a card states in its prose, computed here from the files themselves.
STATED = {
    "davidson2017": lambda: [f"{lines_of(ROOT / 'lexicons/davidson2017/nltk_english_stopwords.txt')} stop words"],
    "masking": lambda: [f"{lines_of(ROOT / 'lexicons/masking/terms.sha256')} digests"],
    "identity": _identity_counts,
    "identity_augmentation": _augmentation_counts,
    "hutto2015": lambda: [f"{_masked_in('hutto2015/ref_vader_words')} entries of `ref_vader_words`"],
    "weat": _weat_tests,
    "seat": _seat_templates,
}


@pytest.mark.parametrize("name", sorted(STATED))
def test_counts_stated_in_lexicon_cards(name):
    text = " ".join((CARDS / f"lexicon_{name}.md").read_text(encoding="utf-8").split())
    for phrase in STATED[name]():
        assert phrase in text, f"lexicon_{name}.md should say {phrase!r}"


def test_default_model_was_trained_on_the_shipped_augmentation_files():
    spec = json.loads((ROOT / "biasaudit/models/hate/default/model.json").read_text())["augmentation"]
    assert spec["sha256"] == hashlib.sha256(
        (ROOT / "lexicons/identity_augmentation/neutral_sentences.yaml").read_bytes()).hexdigest()
    assert spec["n"] == int(_augmentation_counts()[-1].split()[0].replace(",", ""))


# --- model cards: files, cross-validated metrics, identity-term probes ------------------------------------------

MODELS = sorted(p.parent.name for p in (ROOT / "biasaudit/models/hate").glob("*/evaluation.json"))


def _model_card(variant: str) -> str:
    return (CARDS / f"model_hate_{variant}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", MODELS)
def test_model_card_files_table_matches_the_files(variant):
    folder = ROOT / "biasaudit/models/hate" / variant
    rows = table(section(_model_card(variant), "## Origin"), "file | bytes | sha256")
    assert {k.strip("`") for k in rows} >= {"model.json", "weights.npz", "evaluation.json"}
    for key, (size, digest) in rows.items():
        path = folder / key.strip("`")
        assert size == fmt(path.stat().st_size) and digest.strip("`") == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("variant", MODELS)
def test_model_card_metrics_equal_evaluation_json(variant):
    ev = json.loads((ROOT / "biasaudit/models/hate" / variant / "evaluation.json").read_text())
    cv = ev["cross_validation"]
    perf = section(_model_card(variant), "## Cross-validated performance").replace("**", "")
    rows = table(perf, "class | precision")
    for cls, m in cv["per_class"].items():
        assert rows[cls] == [f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", fmt(m["support"])]
    w = cv["weighted"]
    assert rows["support-weighted"] == [f"{w['precision']:.3f}", f"{w['recall']:.3f}", f"{w['f1']:.3f}",
                                        fmt(ev["n"])]
    text = " ".join(perf.split())
    assert f"Macro F1 {cv['macro_f1']:.3f}, accuracy {cv['accuracy']:.3f}, Brier {cv['brier']:.3f}" in text
    folds = [f["hate_f1"] for f in cv["per_fold"]]
    assert f"hate F1 {min(folds):.2f}–{max(folds):.2f}" in text
    assert f"{cv['mean_probability']['hate']:.3f}" in text and f"{cv['class_share']['hate']:.3f}" in text
    for cls, counts in zip(cv["confusion_matrix"]["rows_true_cols_predicted"], cv["confusion_matrix"]["counts"]):
        assert f"{cls} {'/'.join(fmt(c) for c in counts)}" in text
    assert len(folds) == cv["folds"] and f"{cv['folds']}-fold" in _model_card(variant)


@pytest.mark.parametrize("variant", MODELS)
def test_model_card_identity_probes_are_what_the_model_does(variant):
    """The failure-mode table (neutral sentences naming a group) recomputed from the shipped model."""
    from biasaudit.analyzers.hate import HateAnalyzer
    from biasaudit.audits.identity import IdentityLexicon
    from biasaudit.audits.self_audit import TEMPLATES

    groups = ("white", "gay", "black", "mexican", "american", "asian", "muslim", "women", "trans", "straight",
              "jewish", "christian", "men")
    probe = [t.format(g) for g in groups for t in ("i am a {} person", "{} people live here", "my neighbour is {}")]
    terms = sorted({t for fam in IdentityLexicon.load().swaps.values() for sub in fam.values() for t in sub})
    templated = [t.format(term) for t in TEMPLATES for term in terms]
    model = HateAnalyzer(variant, self_audit=False)
    found = table(section(_model_card(variant), "## Known failure modes"), "probe | sentences")
    rows, rows_text = list(found.values()), " ".join(found)
    assert len(rows) == 2
    for cells, texts, with_pct in ((rows[0], probe, False), (rows[1], templated, True)):
        labels = np.asarray(model.labels(model.predict_proba(texts)))
        hate, offensive = int((labels == 0).sum()), int((labels == 1).sum())
        expect = [fmt(len(texts))] + [f"{k} ({100 * k / len(texts):.1f}%)" if with_pct else str(k)
                                      for k in (hate, offensive)]
        assert cells == expect
    assert (len(TEMPLATES), len(terms)) == (6, 56) and "6 templates × the 56 swap adjectives" in rows_text


# --- example corpus cards ---------------------------------------------------------------------------------------

def test_example_card_states_the_file_facts():
    path = ROOT / "biasaudit/examples/dialogues.jsonl"
    text = " ".join((CARDS / "example_dialogues.md").read_text(encoding="utf-8").split())
    conversations = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    turns = [len(c["turns"]) for c in conversations]
    chats = [c for c in conversations if any(t.get("role") for t in c["turns"])]
    assert f"| `dialogues.jsonl` | {lines_of(path)} |" in text
    assert f"{len(conversations)} conversations, {sum(turns)} turns ({min(turns)} to {max(turns)} per" in text
    assert f"{len(chats)} user/assistant chats ({sum(len(c['turns']) for c in chats)} turns)" in text
    assert f"`{hashlib.sha256(path.read_bytes()).hexdigest()}`" in text
