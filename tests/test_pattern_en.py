"""Tests of the Pattern 2.6 port: reference values of the Hutto data, hand-worked modality, Pattern's own examples."""
from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from biasaudit.text.pattern_en import _data, modality, modality_and_mood, mood, parse, tagger
from biasaudit.text.pattern_en.lemmatizer import _rule_lemma, infinitive, singularize
from biasaudit.text.pattern_en.sentence import sentence_words
from biasaudit.text.pattern_en.tokenizer import find_tokens


def _round4(x: float) -> float:
    """Python 2's round(x, 4) (half away from zero), which produced the stored values."""
    return float(Decimal(repr(x)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def hutto_rows() -> list[dict[str, str]]:
    with open(shared_path("data", "hutto_bsd", "collapsedData.csv"), encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- reference values: the 41 rated sentences of cjhutto/bsd, features computed by Pattern 2.6 ---

def test_modality_reproduces_all_41_stored_values(hutto_rows):
    assert len(hutto_rows) == 41
    wrong = [(r["text"], r["modality"], modality(r["text"])) for r in hutto_rows
             if _round4(modality(r["text"])) != float(r["modality"])]
    assert wrong == []


def test_mood_reproduces_all_41_stored_values(hutto_rows):
    wrong = [(r["text"], r["mood"], mood(r["text"])) for r in hutto_rows if mood(r["text"]) != r["mood"]]
    assert wrong == []


# --- hand-worked modality (tables of hutto2015.md §4.6) ---

def test_nothing_modal_gives_one():
    # the/DT cat/NN sat/VBD(lemma sit) on/IN the/DT mat/NN: no table word, no weasel phrase -> m == 0 -> 1.0
    assert modality("The cat sat on the mat.") == 1.0
    assert modality("") == 1.0


def test_negation_halves_and_flips():
    # likely/JJ +0.25, weight 1, preceded by "not" -> k = -0.25 * 0.5; n = -0.125, m = 1
    assert modality("It is not likely.") == -0.125
    # know/VB +0.75, weight 2, after "n't" -> 2 * -0.375 = -0.75, m = 2 -> -0.375
    assert modality("I don't know.") == -0.375


def test_modifier_adds_one_to_weight():
    # we/PRP +0.75 (w 1); unsure/JJ -0.25 (w 1): (0.75 - 0.25) / 2 = 0.25
    assert modality("We are unsure.") == 0.25
    # after "very" unsure has weight 2: (0.75 - 0.5) / 3 = 1/12
    assert modality("We are very unsure.") == pytest.approx(1 / 12, abs=1e-15)


def test_weasel_phrase_is_a_case_sensitive_substring():
    # "scientists" phrase +0.25 (m += 2); Many/JJ +0.5 (w 1): (0.25 + 0.5) / 3 = 0.25
    assert modality("Many scientists agree.") == 0.25
    # capitalised "Scientists" is not the phrase; nothing else scores -> 1.0
    assert modality("Scientists agree.") == 1.0
    # not word-bounded: "researchers" inside "co-researchers" (+0.25, m 2);
    # Our/PRP$ scores "our" +0.5 under PRP and again under PRP$: n = 0.25 + 1.0, m = 4 -> 0.3125
    assert modality("Our co-researchers agree.") == 0.3125


def test_numbers_and_quotes_add_three_quarters():
    # 3/CD: +0.75, m 1 -> 0.75
    assert modality("He won 3 games.") == 0.75
    # said/VBD lemma say +0.25 (w 2) = 0.5; two '"' tokens 0.75 each: (0.5 + 1.5) / 4 = 0.5
    assert modality('He said "no".') == 0.5


def test_modal_verb_weight_four():
    # would/MD -0.5 * 4 = -2, m 4 -> -0.5 ("help" tagged NN here is in no table)
    assert modality("That would help.") == -0.5


def test_multi_sentence_fusion_quirk():
    words = sentence_words("I know. He left.")
    assert [w.string for w in words] == ["I", "know", ".", "left", "."]
    assert words[2].lemma == ".\nHe"
    # know/VBP +0.75 (w 2) -> 0.75 ("I" is a dead entry)
    assert modality("I know. He left.") == 0.75
    # alone, Certainly/RB +0.75 (w 2) -> 0.75; after another sentence "Certainly" is swallowed -> m == 0 -> 1.0
    assert modality("Certainly not.") == 0.75
    assert modality("He left. Certainly not.") == 1.0


def test_modality_agrees_with_the_spec_reference_scores():
    # hutto2015.md §2 quotes reference bias scores -6.4 for "I know." and +10.6 for "Perhaps, possibly, maybe.".
    # "I know." (2 tokens): -0.5581467 - 0.953181/2 (bias) - 16.6359498/2 (factive) + 5.0959142/2 (subj strong)
    #   = -6.8048 + 0.5164345 * modality  ->  -6.42 with modality 0.75 (know/VBP +0.75), -6.29 with 1.0.
    assert modality("I know.") == 0.75
    # 3 tokens: -0.5581467 + 3.059548 (hedge 1.0) + 5.0959142*0.6667 + 4.872367*0.3333 + 4.5965115*0.6667 (tent)
    #   = 10.587 + 0.5164345 * modality -> 10.59 with modality 0 (three RB scored 0.0), 11.10 with 1.0.
    assert modality("Perhaps, possibly, maybe.") == 0.0


# --- mood: the examples (with expected results) written in Pattern's own modality.py ---

@pytest.mark.parametrize("text,expected", [
    ("Do your homework!", "imperative"), ("Do not listen to me.", "imperative"), ("Help me!", "imperative"),
    ("Let's help him.", "imperative"), ("You will help me.", "imperative"),
    ("We ought to help him.", "conditional"), ("We could help him.", "conditional"),
    ("I will help you.", "conditional"), ("I can help you if you let me.", "conditional"),
    ("I wish I knew.", "subjunctive"), ("I propose that you be on time.", "subjunctive"),
    ("They went for a walk.", "indicative"), ("Is it raining?", "indicative"),
])
def test_mood_examples_from_pattern(text, expected):
    assert mood(text) == expected


# --- parser pieces ---

def test_tokenizer_splits_like_pattern():
    assert find_tokens("I can't go, Mr. Smith. We're in the U.S. now!") == [
        ["I", "ca", "n't", "go", ",", "Mr.", "Smith", "."], ["We", "'re", "in", "the", "U.S.", "now", "!"]]
    # a closing quote after the period starts the next "sentence" (Pattern counts quotes in an empty list)
    assert find_tokens('He said "go." Then') == [["He", "said", '"', "go", "."], ['"', "Then"]]


def test_parse_tags_and_lemmata():
    assert parse("The cats were sitting on the mats.") == [[
        ("The", "DT", "the"), ("cats", "NNS", "cat"), ("were", "VBD", "be"), ("sitting", "VBG", "sit"),
        ("on", "IN", "on"), ("the", "DT", "the"), ("mats", "NNS", "mat"), (".", ".", ".")]]
    # unknown words: capitalised -> NNP, digits -> CD
    assert [t for _, t, _ in parse("Zorblax paid 12,500 dollars.")[0][:3]] == ["NNP", "VBD", "CD"]


def test_lemmatiser_quirks():
    assert singularize("taxes") == "taxe"  # the irregular "axes" -> "axe" matches as a suffix
    assert singularize("species") == "species"
    assert singularize("mothers-in-law") == "mother-in-law"
    assert infinitive("could") == "can" and infinitive("would") == "would"  # en-verbs.txt rows
    assert _rule_lemma("chopping") == "chop" and _rule_lemma("generated") == "generate"
    assert _rule_lemma("e") == "have"  # Pattern tests v in ("'ve") -- a substring test


def test_lexicon_keeps_first_two_fields():
    assert _data.lexicon()["crunchy"] == "JJcrupper"  # the file's line is "crunchy JJcrupper NN"


# --- the trigger index must fire exactly the rules Pattern's rule-by-rule loop fires ---

def _context_by_rules(tagged: list[list[str]]) -> list[list[str]]:
    """Pattern's Context.apply read literally: every rule in order, tested against the token's original tag."""
    pad = ("STAART", "STAART")
    t = [pad] * 3 + [list(x) for x in tagged] + [pad] * 3
    for i in range(3, len(t) - 3):
        original = t[i][1]
        for r in _data.context():
            if r[0] not in (original, "*"):
                continue
            cmd, x, y = r[2].lower(), r[3], r[4] if len(r) > 4 else ""
            w = {k: t[i + k][0] for k in range(-3, 4)}
            p = {k: t[i + k][1] for k in range(-3, 4)}
            hit = {
                "prevtag": x == p[-1], "nexttag": x == p[1], "prev2tag": x == p[-2], "next2tag": x == p[2],
                "prev1or2tag": x in (p[-1], p[-2]), "next1or2tag": x in (p[1], p[2]),
                "prev1or2or3tag": x in (p[-1], p[-2], p[-3]), "next1or2or3tag": x in (p[1], p[2], p[3]),
                "surroundtag": x == p[-1] and y == p[1], "curwd": x == w[0], "prevwd": x == w[-1],
                "nextwd": x == w[1], "prev1or2wd": x in (w[-1], w[-2]), "next1or2wd": x in (w[1], w[2]),
                "prevwdtag": x == w[-1] and y == p[-1], "nextwdtag": x == w[1] and y == p[1],
                "wdprevtag": x == p[-1] and y == w[0], "wdnexttag": x == w[0] and y == p[1],
                "wdand2aft": x == w[0] and y == w[2], "wdand2tagbfr": x == p[-2] and y == w[0],
                "wdand2tagaft": x == w[0] and y == p[2], "lbigram": x == w[-1] and y == w[0],
                "rbigram": x == w[0] and y == w[1], "prevbigram": x == p[-2] and y == p[-1],
                "nextbigram": x == p[1] and y == p[2],
            }.get(cmd, False)
            if hit:
                t[i] = [t[i][0], r[1]]
    return t[3:-3]


_RULE_WORDS = sorted({a for r in _data.context() for a in r[3:5] if a.islower() or not a.isupper()})
_RULE_TAGS = sorted({a for r in _data.context() for a in (r[0], r[1], *r[3:5]) if a.isupper() and a != "STAART"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_RULE_WORDS), st.sampled_from(_RULE_TAGS)), min_size=1, max_size=12))
def test_context_index_matches_rule_by_rule(tokens):
    tagged = [list(x) for x in tokens]
    expected = _context_by_rules(tagged)
    tagger._apply_context(tagged)
    assert tagged == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60) | st.text(alphabet=list("abXY .,!?'\"/():;-$%09\n&@"), max_size=60))
def test_any_text_gives_a_bounded_score_and_a_mood(text):
    m, md = modality_and_mood(text)
    assert -1.0 <= m <= 1.0 and m == modality(text)
    assert md == mood(text) in ("indicative", "imperative", "conditional", "subjunctive")
