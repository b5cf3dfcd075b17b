"""Main's straightforward implementations, frozen as oracles for the equivalence tests of the fast paths.

Copied verbatim from main before the speed work (only imports point at each other); never optimise these.
"""
