"""biasaudit augment: modes, seeded determinism, documents, kept fields, swaps, bad records, CLI, lexicon checks."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from biasaudit.cli import main
from biasaudit.errors import InputError, UsageError
from biasaudit.io import example_path
from biasaudit.resources import lexicon_path, sha256_tree
from biasaudit.transforms.augment import augment, sidecar_paths
from biasaudit.transforms.cda_lexicon import CDALexicon

TEXTS = [
    "He fixed her bike.",                 # gender
    "The train leaves at noon.",          # none
    "Mary thanked her brother.",          # gender + name
    "Our neighbour is a Muslim doctor.",  # religion only
    "What a lovely day.",                 # none
    "She said James would call.",         # gender + name
]
GENDERED = {0, 2, 5}


def read_jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"text": t, "label": i % 2, "meta": {"n": i}}) for i, t in enumerate(TEXTS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_augment_keeps_originals_and_adds_one_copy_per_gendered_record(corpus, tmp_path):
    out = tmp_path / "aug.jsonl"
    result = augment(corpus, out)
    rows = read_jsonl(out)
    originals = [r for r in rows if r["augmented_from"] is None]
    copies = [r for r in rows if r["augmented_from"] is not None]
    assert [r["text"] for r in originals] == TEXTS
    assert len(copies) == len(GENDERED)
    c = result.counts
    assert c["records_in"] == len(TEXTS) and c["originals_written"] == len(TEXTS)
    assert c["copies_added"] == len(GENDERED) and c["records_out"] == len(rows) == len(TEXTS) + len(GENDERED)
    by_id = {r["record_id"]: r for r in originals}
    for cp in copies:
        src = by_id[cp["augmented_from"]]
        assert cp["record_id"] == src["record_id"] + "#cf-gender"
        assert cp["label"] == src["label"] and cp["meta"] == src["meta"]  # the record's own fields are kept
        assert cp["swaps"]
        for s in cp["swaps"]:
            assert src["text"][s["offset"]:s["offset"] + len(s["from"])] == s["from"]
    assert {cp["text"] for cp in copies} == {"She fixed his bike.", "James thanked his sister.",
                                             "He said Mary would call."}


def test_metadata_records_settings_lexicon_and_inputs(corpus, tmp_path):
    out = tmp_path / "aug.jsonl"
    augment(corpus, out, seed=5, mode="replace", attributes=["gender", "religion"], pos="rules")
    meta_path, rejected_path = sidecar_paths(out)
    assert meta_path.name == "aug.meta.json" and not rejected_path.exists()
    meta = json.loads(meta_path.read_text())
    assert meta["settings"]["seed"] == 5 and meta["settings"]["mode"] == "replace"
    assert meta["settings"]["attributes"] == ["gender", "religion"] and meta["settings"]["pos"] == "rules"
    assert meta["lexicon"]["sha256"] == sha256_tree(lexicon_path("cda"))
    assert set(meta["lexicon"]["attributes"]) == {"gender", "religion"}


def test_default_pos_backend_is_spacy_when_installed_and_recorded(corpus, tmp_path):
    """Default ``auto``: the installed English pipeline decides her/his, else the rules; the meta says which."""
    from biasaudit.text.spacy_pos import spacy_tagger

    try:
        spacy_tagger()
        expected = "spacy"
    except (ImportError, OSError):
        expected = "rules"
    augment(corpus, tmp_path / "aug.jsonl", seed=5)
    meta = json.loads(sidecar_paths(tmp_path / "aug.jsonl")[0].read_text())
    assert meta["settings"]["pos"] == expected
    import hashlib

    assert meta["inputs"][0]["sha256"] == hashlib.sha256(corpus.read_bytes()).hexdigest()


def test_multi_group_attribute_adds_every_rotation(corpus, tmp_path):
    out = tmp_path / "aug.jsonl"
    augment(corpus, out, attributes=["religion"])
    copies = [r for r in read_jsonl(out) if r["augmented_from"] is not None]
    groups = CDALexicon.load().attributes["religion"].groups
    assert len(copies) == len(groups) - 1  # one record holds "Muslim": every other group once
    assert sorted(c["text"] for c in copies) == sorted(
        f"Our neighbour is {w} doctor." for w in ("a Christian", "a Jewish", "a Hindu", "a Buddhist", "a Sikh",
                                                  "an atheist"))


def test_replace_mode_follows_the_seeded_draws(tmp_path):
    texts = [f"He met her on day {i}." for i in range(300)]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    out = tmp_path / "rep.jsonl"
    result = augment(path, out, mode="replace", seed=11)
    rows = read_jsonl(out)
    assert len(rows) == len(texts) and result.counts["records_out"] == len(texts)
    rng = np.random.default_rng(11)  # one draw per document and attribute, from the seed alone
    expected = [int(rng.integers(0, 2)) for _ in texts]
    swapped = [int(r["augmented_from"] is not None) for r in rows]
    assert swapped == expected
    assert 0.4 < np.mean(swapped) < 0.6
    for r, t in zip(rows, texts):
        assert r["text"] == (t.replace("He met her", "She met him") if r["augmented_from"] else t)


def test_same_seed_same_bytes_other_seed_other_choices(corpus, tmp_path):
    outs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        out = tmp_path / f"{name}.jsonl"
        augment([corpus] * 20, out, mode="replace", seed=seed)
        outs.append((out.read_bytes(), sidecar_paths(out)[0].read_text().replace(f"{name}.jsonl", "")))
    assert outs[0] == outs[1]
    assert outs[0][0] != outs[2][0]


def test_a_conversation_is_one_document_names_stay_consistent(tmp_path):
    conv = {"id": "c1", "turns": [{"speaker": "a", "text": "Have you met James?"},
                                  {"speaker": "b", "text": "Yes, James told me about his sister."},
                                  {"speaker": "a", "text": "The weather is nice."},
                                  {"speaker": "b", "text": "James and Mary are coming."}]}
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps({**conv, "id": f"c{i}"}) + "\n" for i in range(40)), encoding="utf-8")
    out = tmp_path / "r.jsonl"
    augment(path, out, dialogue=True, mode="replace", seed=2)
    rows = read_jsonl(out)
    by_conv: dict[str, list] = {}
    for r in rows:
        by_conv.setdefault(r["conversation_id"], []).append(r)
    assert len(by_conv) == 40 and all(len(v) == 4 for v in by_conv.values())
    n_swapped = 0
    for cid, turns in by_conv.items():
        swapped = cid.endswith("#cf-gender")
        n_swapped += swapped
        # every turn of a conversation (the unchanged weather turn included) follows the same decision
        assert all((t["augmented_from"] is not None) == swapped for t in turns)
        names = {s["to"] for t in turns for s in t["swaps"] if s["from"] == "James"}
        assert names == ({"Mary"} if swapped else set())
        if swapped:
            assert turns[3]["text"] == "Mary and James are coming."
            assert turns[1]["text"] == "Yes, Mary told me about her brother."
    assert 0 < n_swapped < 40


def test_chat_format_content_is_replaced(tmp_path):
    path = tmp_path / "chat.jsonl"
    chat = {"id": "k", "messages": [{"role": "user", "content": "Ask her."},
                                    {"role": "assistant", "content": [{"type": "text", "text": "I asked him."}]}]}
    path.write_text(json.dumps(chat) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    augment(path, out, dialogue=True)
    rows = read_jsonl(out)
    assert [(r["content"], r["conversation_id"]) for r in rows[2:]] == [("Ask him.", "k#cf-gender"),
                                                                        ("I asked her.", "k#cf-gender")]
    assert "text" not in rows[2]


def test_augment_mode_copies_whole_conversations(tmp_path):
    out = tmp_path / "a.jsonl"
    result = augment(example_path(), out, dialogue=True)
    rows = read_jsonl(out)
    convs = {r["conversation_id"] for r in rows if r["augmented_from"] is None}
    copied = {r["conversation_id"][:-len("#cf-gender")] for r in rows if r["augmented_from"] is not None}
    assert copied <= convs
    for cid in copied:  # a copied conversation has all its turns, in order
        orig = [r["turn"] for r in rows if r["conversation_id"] == cid]
        copy = [r["turn"] for r in rows if r["conversation_id"] == cid + "#cf-gender"]
        assert copy == orig
    assert result.counts["records_out"] == result.counts["records_in"] + result.counts["copies_added"]


def test_bad_records_are_counted_and_written_never_dropped(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "He left."}\n{not json\n{"body": "no text"}\n{"text": "She stayed."}\n',
                    encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = augment(path, out)
    c = result.counts
    assert c["read"] == 4 and c["rejected"] == 2 and c["records_in"] == 2
    assert c["records_out"] == 4  # 2 originals + 2 copies
    rejected = read_jsonl(sidecar_paths(out)[1])
    assert [r["line"] for r in rejected] == [2, 3]
    assert rejected[1]["field"] == "text"
    with pytest.raises(InputError, match="bad.jsonl:2"):
        augment(path, tmp_path / "f.jsonl", on_error="fail")


def test_csv_columns_and_id_field_are_kept(tmp_path):
    path = tmp_path / "c.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["pid", "body", "label"])
        w.writerows([["p1", "He is kind.", "pos"], ["p2", "It rains.", "neg"]])
    out = tmp_path / "o.jsonl"
    augment(path, out, text_field="body", id_field="pid")
    rows = read_jsonl(out)
    assert [(r["pid"], r["body"], r["label"], r["augmented_from"]) for r in rows] == [
        ("p1", "He is kind.", "pos", None), ("p1#cf-gender", "She is kind.", "pos", "p1"),
        ("p2", "It rains.", "neg", None)]


def test_dotted_text_field_is_replaced_in_place(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_text(json.dumps({"message": {"text": "Ask him.", "lang": "en"}, "k": 1}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    augment(path, out, text_field="message.text")
    original, cf = read_jsonl(out)
    assert original["message"] == {"text": "Ask him.", "lang": "en"}
    assert cf["message"] == {"text": "Ask her.", "lang": "en"} and cf["k"] == 1


def test_user_lexicon_with_own_attribute(tmp_path, corpus):
    lex = tmp_path / "pets.yaml"
    lex.write_text("attribute: pets\ngroups: [cat, dog]\nrows:\n  - [cat, dog]\n  - [cats, dogs]\n", encoding="utf-8")
    path = tmp_path / "p.jsonl"
    path.write_text('{"text": "Cats chase dogs; my cat sleeps."}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    augment(path, out, lexicon=lex, attributes=["pets"])
    assert read_jsonl(out)[1]["text"] == "Dogs chase cats; my dog sleeps."


@pytest.mark.parametrize(("body", "message"), [
    ("attribute: x\ngroups: [a, b]\nrows:\n  - [one, two]\n  - [one, three]\n", "listed 2 times"),
    ("attribute: x\ngroups: [a, b]\nrows:\n  - [one, two, three]\n", "expected 2 words"),
    ("attribute: x\ngroups: [a]\n", "at least two groups"),
    ("attribute: x\ngroups: [a, b, c]\nnames:\n  - [A, B, C]\n", "exactly two groups"),
    ("attribute: x\ngroups: [a, b]\nadjective_rows:\n  - [p, q]\n", "need 'nouns'"),
    ("attribute: x\ngroups: [a, b]\nrowz: []\n", "unknown keys"),
])
def test_bad_lexicons_are_refused_with_the_reason(tmp_path, body, message):
    lex = tmp_path / "bad.yaml"
    lex.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        CDALexicon.load(lex)


def test_unknown_attribute_and_mode(corpus, tmp_path):
    with pytest.raises(UsageError, match="unknown attribute 'sex'.*gender"):
        augment(corpus, tmp_path / "o.jsonl", attributes=["sex"])
    with pytest.raises(UsageError, match="unknown mode"):
        augment(corpus, tmp_path / "o.jsonl", mode="double")


def test_shipped_groups_are_identity_subgroups():
    from biasaudit.audits.identity import IdentityLexicon

    identity = IdentityLexicon.load()
    for attr in CDALexicon.load().attributes.values():
        assert attr.identity_family in identity.groups, attr.name
        assert set(attr.groups) <= set(identity.groups[attr.identity_family]), attr.name


def test_cli_end_to_end(tmp_path, capsys):
    out = tmp_path / "new" / "ex.jsonl"  # a missing folder is created
    assert main(["augment", "--example", "--out", str(out), "--mode", "replace", "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    meta = json.loads(sidecar_paths(out)[0].read_text())
    assert f"read {meta['counts']['read']} records" in printed and "mode replace" in printed
    assert len(read_jsonl(out)) == meta["counts"]["records_in"] == meta["counts"]["records_out"]
    assert main(["augment", "--example", "--attributes", "nope", "--out", str(out)]) == 2
    assert "unknown attribute" in capsys.readouterr().err
    assert main(["augment", str(tmp_path / "missing.jsonl"), "--out", str(out)]) == 2
