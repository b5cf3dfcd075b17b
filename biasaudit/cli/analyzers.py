"""``biasaudit analyzers``: list the analyzers installed here, their variants and columns."""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("analyzers", help="list available analyzers, variants and output columns")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.analyzers.registry import analyzer_class, available

    for name in available():
        cls = analyzer_class(name)
        inst = cls()
        print(f"{name}  (variants: {', '.join(cls.variants)}; default {cls.variants[0]}; version {cls.version})")
        for col in inst.columns:
            print(f"    {col.name:<24} {col.kind:<6} {col.description}")
    return 0
