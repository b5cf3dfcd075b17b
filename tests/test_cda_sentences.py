"""Counterfactual swaps of hand-written sentences against their expected, grammatical swapped forms.

Written for biasaudit: pronoun cases (her -> his/him, his -> her/hers), possessives, names (pairs of
lexicons/cda/gender_names.yaml), capitals and sentence starts, words that must not change (protected titles,
"miss" as a verb, words containing "her"/"man"). The rule-based fallback must get every one right; the spaCy
pipeline is measured on the same list (bench/bench_augment.py reports both accuracies).
"""
from __future__ import annotations

import pytest

from biasaudit.transforms.cda_lexicon import CDALexicon
from biasaudit.transforms.swap import Swapper

# (original, expected gender counterfactual)
GENDER_CASES = [
    # subject / object / possessive / reflexive pronouns
    ("He said she would come.", "She said he would come."),
    ("She gave him her book.", "He gave her his book."),
    ("I saw her yesterday.", "I saw him yesterday."),
    ("I met her at the park.", "I met him at the park."),
    ("Her dog barked all night.", "His dog barked all night."),
    ("The decision was his.", "The decision was hers."),
    ("The decision was hers.", "The decision was his."),
    ("His is the red one.", "Hers is the red one."),
    ("Hers was the best idea.", "His was the best idea."),
    ("He hurt himself.", "She hurt herself."),
    ("She blamed herself for it.", "He blamed himself for it."),
    ("She made herself a sandwich.", "He made himself a sandwich."),
    ("I told her that he was late.", "I told him that she was late."),
    ("We gave her the keys.", "We gave him the keys."),
    ("He made her a cake.", "She made him a cake."),
    ("They made her very happy.", "They made him very happy."),
    ("She loves her new car.", "He loves his new car."),
    ("Her very old car broke down.", "His very old car broke down."),
    ("He did his best.", "She did her best."),
    ("She tried her hardest.", "He tried his hardest."),
    ("Every parent wants his or her child to be safe.", "Every parent wants her or his child to be safe."),
    ("Tell him or her to call me.", "Tell her or him to call me."),
    ("Is this pen yours or hers?", "Is this pen yours or his?"),
    ("That coat of his is warm.", "That coat of hers is warm."),
    ("Was it his fault or hers?", "Was it her fault or his?"),
    ("It was his turn, not hers.", "It was her turn, not his."),
    ("He likes his coffee black; she likes hers sweet.", "She likes her coffee black; he likes his sweet."),
    ("Call her tomorrow.", "Call him tomorrow."),
    ("I love her so much.", "I love him so much."),
    ("He calls her every day.", "She calls him every day."),
    ("Ask her what she wants.", "Ask him what he wants."),
    ("Let her go.", "Let him go."),
    ("Give it to her, please.", "Give it to him, please."),
    ("Is that her?", "Is that him?"),
    ("Did you ask him?", "Did you ask her?"),
    ('"Her?" he asked.', '"Him?" she asked.'),
    ("Where is she?", "Where is he?"),
    ("She, not he, won.", "He, not she, won."),
    ("Her own brother forgot.", "His own sister forgot."),
    ("Her 3 kids are grown.", "His 3 kids are grown."),
    ("Her parents' house is big.", "His parents' house is big."),
    ("I heard her singing.", "I heard him singing."),
    ("Her singing was lovely.", "His singing was lovely."),
    ("He cleaned her running shoes.", "She cleaned his running shoes."),
    ("They went to her wedding.", "They went to his wedding."),
    ("We found her keys on his desk.", "We found his keys on her desk."),
    ("Her favorite singer is Adele.", "His favorite singer is Adele."),
    # contractions and possessive 's
    ("She's my sister's friend.", "He's my brother's friend."),
    ("He'll be there, won't he?", "She'll be there, won't she?"),
    # nouns, hyphenated nouns, plurals
    ("My father and my uncle went fishing.", "My mother and my aunt went fishing."),
    ("The king met the queen.", "The queen met the king."),
    ("Ladies and gentlemen, welcome!", "Gentlemen and ladies, welcome!"),
    ("She became an actress.", "He became an actor."),
    ("Her mother-in-law visited.", "His father-in-law visited."),
    ("The waiter brought her soup.", "The waitress brought his soup."),
    ("Her brother and his sister met.", "His sister and her brother met."),
    ("She has a son and two daughters.", "He has a daughter and two sons."),
    ("The policeman helped the old lady.", "The policewoman helped the old gentleman."),
    ("The bride and groom danced.", "The groom and bride danced."),
    ("The prince married a princess.", "The princess married a prince."),
    ("Men and women are equal.", "Women and men are equal."),
    ("He is a good man.", "She is a good woman."),
    ("The chairman thanked the spokeswoman.", "The chairwoman thanked the spokesman."),
    ("My grandmother knitted this for my nephew.", "My grandfather knitted this for my niece."),
    ("The girls thanked their aunt.", "The boys thanked their uncle."),
    ("Mary's brother is a monk.", "James's sister is a nun."),
    # capitals: sentence starts, all caps, lower-case starts
    ("HE IS MY BROTHER.", "SHE IS MY SISTER."),
    ("HER SISTER CALLED HIM.", "HIS BROTHER CALLED HER."),
    ("her dad texted her.", "his mom texted him."),
    ("I'll visit my mom and dad.", "I'll visit my dad and mom."),
    ("Dad, where's Mom?", "Mom, where's Dad?"),
    # first names (rank-paired lists)
    ("James and Mary are married.", "Mary and James are married."),
    ("I talked to John's sister.", "I talked to Patricia's brother."),
    ("JOHN WON THE RACE.", "PATRICIA WON THE RACE."),
    ("We saw Michael and his daughter.", "We saw Linda and her son."),
    ("Patricia told Robert about her plan.", "John told Jennifer about his plan."),
    ("Sarah said she would help her boyfriend.", "Thomas said he would help his girlfriend."),
    ("Elizabeth and her husband visited William.", "William and his wife visited Elizabeth."),
    # titles and forms of address
    ("Miss Smith teaches math.", "Mr Smith teaches math."),
    ("Mr. Smith called his wife.", "Ms. Smith called her husband."),
    ("Mrs. Jones thanked her son.", "Mr. Jones thanked his daughter."),
    ("Thank you, ma'am.", "Thank you, sir."),
    ("Sir, your table is ready.", "Madam, your table is ready."),
    ("I miss him.", "I miss her."),
    # must not change
    ("Miss you already!", "Miss you already!"),
    ("We read Mrs. Dalloway in class.", "We read Mrs. Dalloway in class."),
    ("Mother Nature is cruel to him.", "Mother Nature is cruel to her."),
    ("Spider-Man saved her.", "Spider-Man saved him."),
    ("The Founding Fathers wrote it.", "The Founding Fathers wrote it."),
    ("Queen Elizabeth visited the school.", "Queen Elizabeth visited the school."),
    ("There is nothing here.", "There is nothing here."),
    ("The manager hired a new assistant.", "The manager hired a new assistant."),
    ("The talks began to peter out.", "The talks began to peter out."),
    ("Sherlock met Hermione in the mansion.", "Sherlock met Hermione in the mansion."),
]

# (original, shifts, expected): other attributes; a shift moves every group that many places along the
# groups of lexicons/cda/<attribute>.yaml.
OTHER_CASES = [
    ("She is a Muslim woman.", {"religion": 1}, "She is a Christian woman."),
    ("Muslims and Christians live here.", {"religion": 1}, "Christians and Jews live here."),
    ("Judaism and Islam are old.", {"religion": 6}, "Christianity and atheism are old."),
    ("An American student met an Indian family.", {"nationality": 1},
     "A Mexican student met a Pakistani family."),
    ("We sailed the Indian Ocean from India.", {"nationality": 1}, "We sailed the Indian Ocean from Pakistan."),
    ("I had white wine with a Black woman.", {"race_ethnicity": 1}, "I had white wine with a white woman."),
    ("A white man and an Asian family.", {"race_ethnicity": 1}, "An Asian man and a Hispanic family."),
    ("He is five years old and an old friend; the old man sat with young people.", {"age": 1},
     "He is five years old and an old friend; the young man sat with old people."),
    ("A Black man and his wife.", {"race_ethnicity": 1, "gender": 1}, "A white woman and her husband."),
]


@pytest.fixture(scope="module")
def lexicon() -> CDALexicon:
    return CDALexicon.load()


@pytest.fixture(scope="module")
def rules(lexicon) -> Swapper:
    return Swapper(lexicon.select(list(lexicon.attributes)), pos="rules")


def test_at_least_sixty_sentences():
    assert len(GENDER_CASES) >= 60
    assert len({s for s, _ in GENDER_CASES}) == len(GENDER_CASES)


@pytest.mark.parametrize(("original", "expected"), GENDER_CASES, ids=[s[:40] for s, _ in GENDER_CASES])
def test_gender_swap_rules(rules, original, expected):
    assert rules.swap(original, {"gender": 1}).text == expected


@pytest.mark.parametrize(("original", "expected"), GENDER_CASES[:20], ids=[s[:40] for s, _ in GENDER_CASES[:20]])
def test_swapping_twice_gives_the_original_back(rules, original, expected):
    # Two-way rows make the swap its own inverse where no one-way or grammar choice intervenes.
    assert rules.swap(expected, {"gender": 1}).text == original


@pytest.mark.parametrize(("original", "shifts", "expected"), OTHER_CASES, ids=[c[0][:40] for c in OTHER_CASES])
def test_other_attributes(rules, original, shifts, expected):
    assert rules.swap(original, shifts).text == expected


def test_swaps_point_at_the_original_text(rules):
    text = "Mr. Smith called his wife, an actress."
    result = rules.swap(text, {"gender": 1})
    assert result.text == "Ms. Smith called her husband, an actor."
    for s in result.swaps:
        assert text[s["offset"]:s["offset"] + len(s["from"])] == s["from"]
        assert s["attribute"] == "gender" and {s["from_group"], s["to_group"]} == {"male", "female"}
    assert [(s["from"], s["to"]) for s in result.swaps] == [("Mr", "Ms"), ("his", "her"), ("wife", "husband"),
                                                            ("actress", "actor")]


def test_article_change_is_recorded(rules):
    result = rules.swap("An American met a Mexican.", {"nationality": 1})
    assert result.text == "A Mexican met a Canadian."
    assert result.swaps[0] == {"from": "An", "to": "A", "offset": 0, "attribute": "nationality",
                               "from_group": "american", "to_group": "mexican"}


def test_zero_shift_changes_nothing(rules):
    assert rules.swap("He told her.", {"gender": 0}) == ("He told her.", [])


@pytest.mark.spacy_model
def test_spacy_backend_accuracy(lexicon):
    """spaCy's tagger is measured, not required to be perfect: it must get at least 90% of the sentences."""
    from biasaudit.text.spacy_pos import spacy_tagger_name

    if spacy_tagger_name() is None:
        pytest.skip("no English spaCy pipeline installed")
    swapper = Swapper(lexicon.select(["gender"]), pos="spacy")
    got = [r.text for r in swapper.swap_many([s for s, _ in GENDER_CASES], [{"gender": 1}] * len(GENDER_CASES))]
    correct = sum(g == e for g, (_, e) in zip(got, GENDER_CASES))
    assert correct / len(GENDER_CASES) >= 0.9, [(g, e) for g, (_, e) in zip(got, GENDER_CASES) if g != e]
