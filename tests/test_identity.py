"""Tests of the identity-term lexicon: shipped files, mention matching, swaps and user lexicons."""
from __future__ import annotations

import string

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from biasaudit.audits.identity import IdentityLexicon, indefinite_article, substitute, term_regex
from biasaudit.errors import InputError

FAMILIES = ["age", "disability", "gender", "nationality", "race_ethnicity", "religion", "sexual_orientation"]


@pytest.fixture(scope="module")
def lex() -> IdentityLexicon:
    return IdentityLexicon.load()


def test_shipped_lexicon_has_the_seven_families_with_swap_terms(lex):
    assert list(lex.groups) == FAMILIES
    assert lex.groups["religion"]["muslim"][:2] == ("muslim", "muslims")
    for family in FAMILIES:
        assert len(lex.swap_terms(family)) >= 3, family
    assert len(lex.sha256) == 64
    assert lex.columns[:2] == ["age", "age/young"]
    with pytest.raises(TypeError):
        lex.groups["religion"]["muslim"] = ("changed",)  # the cached shipped lexicon is read-only


def test_mentions_whole_words_case_plurals_multiword(lex):
    texts = ["Two WOMEN and a girl.", "womenswear sale", "a middle aged teacher", "She is middle-aged.",
             "LGBTQ+ rights", "Five years old.", "An old woman waved.", None]
    m = lex.mentions(texts)
    assert m.dtypes.eq(bool).all() and list(m.columns) == lex.columns
    assert m["gender/female"].tolist() == [True, False, False, False, False, False, True, False]
    assert m["age/middle_aged"].tolist() == [False, False, True, True, False, False, False, False]
    assert m["sexual_orientation/queer"].tolist() == [False, False, False, False, True, False, False, False]
    assert m["age/old"].tolist() == [False] * 6 + [True, False]  # "old" alone is not a mention
    assert m["gender"].equals(m[[c for c in m.columns if c.startswith("gender/")]].any(axis=1))
    assert not m.iloc[7].any()


def test_mentions_keeps_series_index_and_longest_term_wins_within_family(lex):
    s = pd.Series(["a trans woman spoke", "an Asian American author"], index=[10, 20])
    m = lex.mentions(s)
    assert list(m.index) == [10, 20]
    assert m.loc[10, "gender/transgender"] and not m.loc[10, "gender/female"]
    assert m.loc[20, "race_ethnicity/asian"]


def test_find_swap_and_substitute_keep_case_and_fix_articles(lex):
    assert lex.find_swap("I met an Indian chef and a Muslim nurse.") == ("nationality", "indian", "Indian")
    assert lex.find_swap("Nothing here.") is None
    assert substitute("I met an Indian chef.", term_regex(["Indian"]), "Mexican") == "I met a Mexican chef."
    assert substitute("a muslim family", term_regex(["muslim"]), "Jewish") == "a Jewish family"
    assert substitute("gay and Gay", term_regex(["gay"]), "straight") == "straight and Straight"
    assert substitute("I am a {} person.", r"\{\}", "elderly") == "I am an elderly person."
    assert substitute("{} people live here.", r"\{\}", "old") == "Old people live here."
    assert [indefinite_article(w) for w in ("Asian", "European", "hour", "Black")] == ["an", "a", "an", "a"]


def test_user_lexicon_file_and_errors(tmp_path):
    f = tmp_path / "pets.yaml"
    f.write_text("family: pets\nsubgroups:\n  cat:\n    terms: [cat, cats]\n    swap: [feline]\n"
                 "  dog:\n    terms: [dog]\n    swap: [canine]\n")
    lex = IdentityLexicon.load(f)
    assert lex.columns == ["pets", "pets/cat", "pets/dog"]
    assert lex.mentions(["Cats!", "hotdog", "dog"])["pets"].tolist() == [True, False, True]
    assert lex.swap_terms("pets") == [("cat", "feline"), ("dog", "canine")]
    (tmp_path / "bad.yaml").write_text("family: Bad Name\nsubgroups: {}\n")
    with pytest.raises(InputError, match="family"):
        IdentityLexicon.load(tmp_path)
    with pytest.raises(InputError, match="not found"):
        IdentityLexicon.load(tmp_path / "missing")


def test_every_shipped_term_is_found_in_a_sentence_in_any_case(lex):
    sentences, expected = [], []
    for family, subs in lex.groups.items():
        for sub, terms in subs.items():
            for term in terms:
                for variant in (term, term.upper()):
                    sentences.append(f"Yesterday ({variant}), they said.")
                    expected.append(f"{family}/{sub}")
    m = lex.mentions(sentences)
    missed = [s for i, (s, col) in enumerate(zip(sentences, expected)) if not m.iloc[i][col]]
    assert not missed and len(sentences) > 300


def test_every_swap_term_is_found_and_fills_the_templates(lex):
    for family in lex.groups:
        for sub, term in lex.swap_terms(family):
            assert lex.find_swap(f"They said that {term.lower()} folk came.") == (family, sub, term)
            filled = substitute("I am a {} person.", r"\{\}", term)
            assert filled in (f"I am a {term} person.", f"I am an {term} person.")


@given(prefix=st.text(alphabet=string.ascii_letters + " .,;!?", max_size=30),
       suffix=st.text(alphabet=string.ascii_letters + " .,;!?", max_size=30))
def test_substitute_changes_only_the_term(prefix, suffix):
    assume("muslim" not in (prefix + suffix).lower() and not prefix.rstrip().lower().endswith((" a", " an")))
    assume(prefix.rstrip().lower() not in ("a", "an"))
    text = f"{prefix} muslim {suffix}"
    assert substitute(text, term_regex(["Muslim"]), "jewish") == f"{prefix} jewish {suffix}"
