"""Pre-training data filter hook: one engine-agnostic core (``FilterHook``) under every adapter.

``Policy`` says which analyzer columns flag a document and whether to drop or tag it; ``FilterHook`` scores
batches and decides; ``filter_files`` splits corpus files into kept and rejected outputs with a "who gets
filtered out" summary. Adapters for datatrove, Hugging Face datasets, Ray Data and Dolma live in
``biasaudit.filtering.adapters`` and import their library only when used.
"""
from biasaudit.filtering.hook import Decisions, FilterHook
from biasaudit.filtering.policy import Policy, Rule, default_policy_path

__all__ = ["Decisions", "FilterHook", "Policy", "Rule", "default_policy_path", "filter_files"]


def __getattr__(name: str):
    if name == "filter_files":
        from biasaudit.filtering.run import filter_files

        return filter_files
    raise AttributeError(name)
