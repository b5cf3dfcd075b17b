"""Tests of the data-free NLTK 3.2.5 word_tokenize port (Punkt sentence split + Treebank words)."""
from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from biasaudit.text.tokenize import ENGLISH_ABBREVIATIONS, ascii_lower, punkt_sentences, word_tokenize


def test_spec_example_tokens():
    # spec hutto2015.md §4.1, lower-cased input (the reference's filter is applied elsewhere)
    text = 'He said "nothing is off the table" (really) -- 3.5% of U.S. voters... agree!'.lower()
    assert word_tokenize(text) == ["he", "said", "``", "nothing", "is", "off", "the", "table", "''", "(",
                                   "really", ")", "--", "3.5", "%", "of", "u.s.", "voters", "...", "agree", "!"]


def test_contractions_split_treebank_style():
    assert word_tokenize("don't you're can't cannot gonna") == [
        "do", "n't", "you", "'re", "ca", "n't", "can", "not", "gon", "na"]


def test_sentence_split_frees_the_inner_period():
    # Punkt ends "know." as a sentence, so Treebank splits its period; abbreviations and initials/numbers
    # before a lower-case word do not end a sentence (orthographic heuristic on lower-cased text).
    assert word_tokenize("i know. he left.") == ["i", "know", ".", "he", "left", "."]
    assert punkt_sentences("mr. smith left. e.g. this") == ["mr. smith left.", "e.g. this"]
    assert punkt_sentences("it was 1990. then j. bach came") == ["it was 1990. then j. bach came"]
    assert punkt_sentences('he said "fine." then left') == ['he said "fine."', "then left"]


def test_punkt_3_2_5_breaks_after_the_whole_period_context_token():
    # NLTK 3.2.5's _slices_from_text ends the sentence at match.end() of the greedy r"\S*[.?!]" period
    # context, so a break found inside '."imr.' falls after 'imr.', not after the inner '.'; the quote then
    # closes the first sentence ('') instead of opening the second (``) as in NLTK >= 3.6.6.
    assert punkt_sentences('i i ."imr. i') == ['i i ."imr.', "i"]
    assert word_tokenize('i i ."imr. i') == ["i", "i", ".", "''", "imr", ".", "i"]


def test_ascii_lower_leaves_non_ascii_alone_like_python2_bytes():
    assert ascii_lower("ÉCOLE Big") == "École big"


nltk = pytest.importorskip("nltk")
WORDS = ["i", "know", "mr.", "u.s.", "e.g.", "it's", "don't", "3.5", "1990.", "j.", "ok", "wow", "(", ")", '"',
         "'", "--", "...", ".", "?", "!", ",", ";", ":", "$", "%", "&", "[x]", "can't", "gonna", "yes.", "no!",
         "end.", "''", "``", "a-b", "x.y", "*", "their*"]


_INNER_BREAK = re.compile(r"[.?!][?!)\";}\]*:@'({\[]\S*[.?!]")


def keep(tokens: list[str]) -> list[str]:
    return [t for t in tokens if t and t not in ".?!,;:'s\"$"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14), st.lists(st.sampled_from([" ", "", "  "]),
                                                                           min_size=14, max_size=14))
def test_same_tokens_as_nltk_given_the_same_abbreviations(words, gaps):
    # Oracle: NLTK's own Punkt algorithm (with our abbreviation list, no trained statistics) + Treebank.
    from nltk.tokenize import TreebankWordTokenizer
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ENGLISH_ABBREVIATIONS)
    text = "".join(w + g for w, g in zip(words, gaps)).strip()
    # NLTK >= 3.6.6 splits inside a period-context token such as '."imr.' (see the test above), 3.2.5 after it
    assume(not _INNER_BREAK.search(text))
    sents = PunktSentenceTokenizer(params).tokenize(text)
    treebank = TreebankWordTokenizer()
    # NLTK 3.2.5's word_tokenize prepended this final-period rule to Treebank's (its unicode quotes never
    # fired on Python 2 byte strings); NLTK >= 3.8's Treebank lacks it, so the oracle adds it back, and puts
    # back 3.2.5's quote rules (later versions also read '' as an opening quote).
    treebank.PUNCTUATION = [(re.compile(r"([^\.])(\.)([\]\)}>\"\' ]*)\s*$"), r"\1 \2 \3 "),
                            *TreebankWordTokenizer.PUNCTUATION]
    treebank.STARTING_QUOTES = [*TreebankWordTokenizer.STARTING_QUOTES[:2],
                                (re.compile(r'([ (\[{<])"'), r"\1 `` ")]
    treebank.ENDING_QUOTES = [(re.compile(r'"'), " '' "), (re.compile(r"(\S)(\'\')"), r"\1 \2 "),
                              *TreebankWordTokenizer.ENDING_QUOTES[2:]]
    # Compared after the bias features' token filter: NLTK >= 3.6.6 rewrote how Punkt finds candidate
    # breaks (".?" splits differently from 3.2.5), which only moves tokens that the filter drops anyway.
    expected = [t for s in sents for t in treebank.tokenize(s)]
    assert keep(word_tokenize(text)) == keep(expected)
