"""Transforms: change a corpus rather than score it (counterfactual augmentation, debiasing)."""
