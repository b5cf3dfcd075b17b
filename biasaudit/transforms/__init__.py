"""Transforms: change data or vectors to reduce bias (they sit beside the analyzers, which only measure).

Debiasing of word vectors (hard debias, INLP) and counterfactual augmentation of corpora. Each module is imported
on its own (e.g. ``biasaudit.transforms.hard_debias``); nothing is imported here.
"""
