"""Is this "her"/"his" a possessive determiner ("her book") or a pronoun on its own ("saw her", "it is his")?

The swapper needs the answer to write "his" or "him" for "her", and "her" or "hers" for "his" (LangFair's
generator writes "hers book"). Two ways, same answer type:

- ``usage_from_rules`` (default, fast): the words after it, tagged by the Pattern 2.6 tagger port
  (``biasaudit.text.pattern_en``), with closed-class word lists first. A determiner stands before a noun
  phrase: a noun or number next, or adjectives/adverbs/participles leading to one ("her very old car"), or
  "own", or a coordinated possessive ("his or her car"). Anything else is a pronoun: end of sentence,
  punctuation, a preposition, conjunction, determiner ("gave her the book"), pronoun, verb, an adverbial noun
  ("call her tomorrow", "told her everything"), or adjectives not followed by a noun ("made her happy").
- ``usage_from_tag`` (spaCy's Penn tag of the word itself: PRP$ -> determiner, else pronoun), overruled
  when no word or a verb follows ("The car is his, not mine", "His is the red one").
"""
from __future__ import annotations

import re

from biasaudit.text.pattern_en import _data
from biasaudit.text.pattern_en.tagger import find_tags

DETERMINER, PRONOUN = "determiner", "pronoun"

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")
_WINDOW = 6  # words after "her"/"his" looked at: enough for "her very, very old car"

_POSSESSIVES = frozenset(("his", "her", "their", "my", "your", "our", "its"))
_COORDINATORS = frozenset(("and", "or", "/", "&", "nor"))
_NOT_A_NOUN_PHRASE = frozenset((
    # prepositions and particles
    "about", "above", "across", "after", "against", "along", "among", "around", "as", "at", "before", "behind",
    "below", "beside", "besides", "between", "beyond", "by", "despite", "down", "during", "except", "for",
    "from", "in", "inside", "into", "like", "near", "of", "off", "on", "onto", "out", "outside", "over", "past",
    "since", "than", "through", "throughout", "till", "to", "toward", "towards", "under", "until", "up", "upon",
    "with", "within", "without", "away", "back", "along", "apart", "aside", "around",
    # conjunctions and subordinators
    "and", "or", "but", "nor", "so", "yet", "because", "if", "unless", "when", "whenever", "while", "whereas",
    "although", "though", "that", "whether", "once", "where", "wherever", "how", "why", "what", "who", "whom",
    "which", "whose",
    # determiners and pronouns
    "a", "an", "the", "this", "these", "those", "some", "any", "no", "every", "each", "all", "both", "either",
    "neither", "another", "such", "i", "you", "he", "she", "it", "we", "they", "me", "him", "us", "them",
    "myself", "yourself", "herself", "himself", "itself", "ourselves", "themselves", "there", "here",
    # adverbial nouns and adverbs that follow an object pronoun
    "today", "tomorrow", "tonight", "yesterday", "everything", "anything", "something", "nothing", "everyone",
    "anyone", "someone", "everybody", "anybody", "somebody", "nobody", "again", "too", "now", "then", "later",
    "soon", "already", "yet", "still", "ever", "never", "always", "often", "sometimes", "well", "anymore",
    "instead", "twice", "alone", "directly", "personally", "immediately",
    # auxiliaries and common verbs (after "her"/"his" they start a new clause or a bare infinitive)
    "is", "are", "was", "were", "be", "been", "am", "has", "have", "had", "do", "does", "did", "will", "would",
    "can", "could", "shall", "should", "may", "might", "must", "'s", "'re", "'ve", "'ll", "'d",
    "go", "come", "know", "see", "say", "said", "says", "think", "want", "wants", "get", "make", "let", "tell",
    "stay", "win", "cry", "sing", "speak", "feel", "eat", "try", "wait", "please", "not",
))
_AUXILIARIES = frozenset(("is", "are", "was", "were", "has", "had", "will", "would", "can", "could", "'s"))
_NOUN_TAGS = frozenset(("NN", "NNS", "NNP", "NNPS", "CD", "FW"))
_MODIFIER_TAGS = frozenset(("JJ", "JJR", "JJS", "RB", "RBR", "RBS", "VBN", "VBG"))


def following_words(text: str, end: int) -> list[str]:
    """Up to ``_WINDOW`` tokens after ``end``, stopping before the end of the clause (punctuation kept out)."""
    out, prev = [], end
    for m in _TOKEN.finditer(text, end):
        tok = m.group()
        if (not tok[0].isalnum() and tok not in _COORDINATORS) or "\n" in text[prev:m.start()]:
            break
        out.append(tok)
        prev = m.end()
        if len(out) == _WINDOW:
            break
    return out


def usage_from_rules(word: str, text: str, end: int) -> str:
    """DETERMINER or PRONOUN for the "her"/"his" (``word``) ending at ``end`` in ``text`` (see the module doc)."""
    after = following_words(text, end)
    if not after:
        return PRONOUN
    lower = [w.lower() for w in after]
    if lower[0] in _COORDINATORS:
        return DETERMINER if len(lower) > 1 and lower[1] in _POSSESSIVES and _noun_phrase_follows(
            word, after[2:]) else PRONOUN
    if lower[0] == "own":
        return DETERMINER
    return DETERMINER if _noun_phrase_follows(word, after) else PRONOUN


def _noun_phrase_follows(word: str, after: list[str]) -> bool:
    """True when ``after`` (the words after ``word``) starts with a noun, or modifiers leading to one.

    An -ing word that Pattern's lexicon calls a participle (VBG) counts as a noun only before an auxiliary
    ("her singing was lovely"): "heard her singing" is a pronoun, "her wedding" (NN) a determiner.
    """
    tags = [t for _, t in find_tags([word.lower(), *after])[1:]]
    lexicon = _data.lexicon()
    participle = False
    for i, (w, tag) in enumerate(zip(after, tags)):
        lw = w.lower()
        if lw in _NOT_A_NOUN_PHRASE or (i == 0 and lw in _POSSESSIVES):
            return participle and lw in _AUXILIARIES
        if lexicon.get(lw) == "VBG":
            participle = True
            continue
        if tag in _NOUN_TAGS:
            return True
        if tag not in _MODIFIER_TAGS:
            return False
        # "his" before an adjective is a determiner even without a noun ("did his best"); "her" only before a
        # superlative ("did her best"), not before other adjectives ("made her happy").
        if (word.lower() == "his" and tag.startswith("JJ")) or (tag in ("JJS", "RBS") and lw != "most"):
            return True
    return False


def usage_from_tag(tag: str, next_tag: str, text: str, end: int) -> str:
    """DETERMINER or PRONOUN from spaCy's Penn tags of the word and the next token: PRP$ is a determiner
    unless no word follows or a verb does ("The car is his, not mine", "His is the red one")."""
    if tag == "PRP$" and following_words(text, end) and not next_tag.startswith(("VB", "MD")):
        return DETERMINER
    return PRONOUN
