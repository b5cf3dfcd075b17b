"""Audits of biasaudit's own classifiers and helpers shared with them (identity-term lexicon, self-audit).

Nothing here is imported by ``import biasaudit``; the hate analyzer and the filter hooks import what they need.
"""
