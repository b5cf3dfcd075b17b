"""``biasaudit counterfactual``: score records and their attribute-swapped counterfactuals, report the changes.

Parses options, calls ``biasaudit.audits.counterfactual.counterfactual_eval``, prints the mean deltas.
"""
from __future__ import annotations

from biasaudit.cli.augment import add_input_options, input_settings
from biasaudit.report.markdown import fmt, fmt_rate


def add_parser(sub) -> None:
    p = sub.add_parser("counterfactual", help="how analyzer scores change when attribute words are swapped",
                       description="Pair every record holding an attribute word with its counterfactual "
                                   "(he <-> she, James <-> Mary, ...), score both and report per score the "
                                   "mean paired delta with a 95%% interval, per label the flip rate, and the "
                                   "largest changes (counterfactual.json/.md in --out).")
    add_input_options(p)
    p.add_argument("--analyzers", default=None,
                   help="comma-separated specs (default: all installed; see 'biasaudit analyzers')")
    p.add_argument("--option", action="append", default=[], metavar="ANALYZER.KEY=VALUE",
                   help="an analyzer option, as for scan (repeatable)")
    p.add_argument("--out", default=None, metavar="DIR", help="write counterfactual.json and .md here")
    p.add_argument("--top", type=int, default=10, help="largest changes listed per score (default 10)")
    p.add_argument("--limit", type=int, default=None, help="stop after N input records")
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--all-columns", action="store_true", help="also evaluate detail columns (model features)")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.audits.counterfactual import counterfactual_eval
    from biasaudit.cli.scan import parse_options

    inputs, options = input_settings(args)
    report = counterfactual_eval(inputs, analyzers=args.analyzers, analyzer_options=parse_options(args.option),
                                 lexicon=args.lexicon, out=args.out, progress=False if args.quiet else None,
                                 top=args.top, limit=args.limit, batch_size=args.batch_size,
                                 all_columns=args.all_columns, **options)
    if args.quiet:
        return 0
    c = report["counts"]
    print(f"read {c['read']:,} records: {c['records']:,} evaluated, {c['rejected']:,} rejected")
    for name, a in report["attributes"].items():
        print(f"{name}: {a['pairs']:,} pairs")
        for col, s in a["scores"].items():
            print(f"  {col:<16} mean delta {fmt(s.get('mean_delta'))} [{fmt(s.get('ci_low'))}, "
                  f"{fmt(s.get('ci_high'))}]  mean |delta| {fmt(s.get('mean_abs_delta'))}")
        for col, s in a["labels"].items():
            print(f"  {col:<16} flips {fmt_rate(s)}")
    if args.out:
        print(f"wrote {args.out}/counterfactual.json, counterfactual.md")
    return 0
