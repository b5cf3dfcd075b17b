"""``biasaudit compare``: scans side by side (model outputs vs their training data), with intervals and tests.

Parses options, calls ``biasaudit.report.compare.compare_scans`` and writes/prints its views.
"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help="compare scans: means, rates, differences, amplification ratios",
                       description="Compare scan directories (biasaudit scan --out DIR): per scan every score's "
                                   "mean and std and every label's rate; against the reference scan (the first, "
                                   "e.g. the training data) the differences with bootstrap intervals, p-values "
                                   "and amplification ratios. Writes compare.json/.md/.html/.png to --out.")
    p.add_argument("scans", nargs="+", metavar="SCAN", help="scan directory, or LABEL=DIR")
    p.add_argument("--out", default=None, help="output directory (default: print the Markdown only)")
    p.add_argument("--reference", default="0", help="label or 0-based index of the reference scan (default 0)")
    p.add_argument("--bootstrap", type=int, default=2000, help="bootstrap draws (default 2000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--columns", default=None, help="comma-separated columns (default: every headline column)")
    p.add_argument("--all-columns", action="store_true", help="also the detail columns (model features)")
    p.add_argument("--quiet", action="store_true", help="print nothing")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.report.compare import compare_scans
    from biasaudit.report.compare_views import render_markdown, write_compare_files

    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    result = compare_scans(args.scans, reference=args.reference, bootstrap=args.bootstrap, seed=args.seed,
                           columns=columns, include_detail=args.all_columns)
    if args.out:
        write_compare_files(result, args.out)
    if not args.quiet:
        print(render_markdown(result))
        if args.out:
            print(f"wrote {args.out}/compare.html, compare.md, compare.json, compare.png")
    return 0
