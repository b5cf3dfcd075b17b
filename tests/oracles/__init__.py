"""Main's straightforward implementations, frozen as oracles for the equivalence tests of the fast paths.

Copied verbatim from main before the speed work (only imports point at each other); never optimise these.
Modules the speed work left unchanged (Pattern's data loader, lemmatizer and moods; the lexicon matcher) are
not copied: the oracles import the live ones, so a copy never stands in for code it is identical to.
"""
