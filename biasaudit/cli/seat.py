"""``biasaudit seat``: SEAT (May et al. 2019) on a local sentence encoder; prints a table, writes JSON.

Parses arguments and calls ``biasaudit.associations.seat.run_seat_tests``; computes nothing itself.
"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("seat", help="sentence-encoder association tests (SEAT) on a local model folder",
                       description="Run SEAT 1-10 (shipped WEAT lists in bleached templates) or May et al.'s "
                                   "test files on a local sentence-transformers/transformers folder.")
    p.add_argument("--encoder", required=True, help="local model folder (safetensors weights)")
    p.add_argument("--test", action="append", default=None, metavar="NAME",
                   help="seat1 .. seat10, or all (repeatable; default all unless --test-file is given)")
    p.add_argument("--test-file", action="append", default=[], metavar="F.jsonl",
                   help="a test in May et al.'s sent-bias format (repeatable)")
    p.add_argument("--pooling", choices=("mean", "cls", "max"), default=None,
                   help="default: the folder's sentence-transformers pooling, else mean")
    p.add_argument("--lowercase", action="store_true", help="lowercase sentences before encoding")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", default="cpu")
    p.add_argument("--permutations", type=int, default=100_000,
                   help="Monte-Carlo re-partitions for the p-value when exact enumeration is too large")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None, metavar="OUT", help="write the results as a JSON list")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from biasaudit.associations.seat import run_seat_tests
    from biasaudit.report.writers import write_text

    results = run_seat_tests(args.encoder, tests=args.test, test_files=args.test_file, pooling=args.pooling,
                             lowercase=args.lowercase, batch_size=args.batch_size, device=args.device,
                             permutations=args.permutations, seed=args.seed)
    first = results[0]
    print(f"encoder {first['encoder']} (sha256 {first['encoder_sha256'][:12]}), pooling {first['pooling']}, "
          f"lowercase {first['casing']['lowercase_input']}")
    print(f"{'test':<16} {'targets':<44} {'attributes':<30} {'d':>7} {'p':>9}")
    for r in results:
        print(f"{r['test']:<16} {' vs '.join(r['targets']):<44} {' vs '.join(r['attributes']):<30} "
              f"{r['effect_size']:>7.3f} {r['p_value']:>9.2g}")
    if args.json:
        write_text(args.json, json.dumps(results, indent=2) + "\n")
    return 0
