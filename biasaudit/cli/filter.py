"""``biasaudit filter``: split corpus files into kept and rejected JSON lines under a filter policy.

Parses options, calls ``biasaudit.filtering.run.filter_files``, prints the counts and the groups most
over-represented among dropped records.
"""
from __future__ import annotations

from biasaudit.io.readers import FORMATS


def add_parser(sub) -> None:
    p = sub.add_parser("filter", help="drop or tag documents under a policy; report who gets filtered out",
                       description="Score every record of INPUT with the policy's analyzers; write kept records "
                                   "to --keep and the others (with their reason) to --rejected, as JSON lines, "
                                   "plus a summary (.json and .md) with identity-group shares among kept vs "
                                   "dropped records and a threshold sweep.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="corpus file(s); '-' reads stdin")
    p.add_argument("--policy", default=None,
                   help="policy YAML (default: the shipped one, p_hate > 0.5 drops; see README)")
    p.add_argument("--keep", required=True, help="JSONL output of kept (or, in tag mode, all tagged) records")
    p.add_argument("--rejected", required=True, help="JSONL output of dropped and unreadable records")
    p.add_argument("--summary", default=None, help="summary JSON path (default: KEEP.summary.json; .md beside)")
    p.add_argument("--engine", default="local", choices=("local", "ray"))
    p.add_argument("--address", default=None, help="Ray cluster address (e.g. auto); default: start a local Ray")
    p.add_argument("--workers", type=int, default=2, help="Ray actors scoring in parallel (--engine ray)")
    p.add_argument("--format", default="auto", choices=FORMATS)
    p.add_argument("--text-field", default="text")
    p.add_argument("--id-field", default=None)
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--max-record-bytes", type=int, default=10_000_000)
    p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.filtering.run import filter_files
    from biasaudit.report.markdown import fmt_rate

    result = filter_files(args.inputs, args.keep, args.rejected, policy=args.policy, summary=args.summary,
                          engine=args.engine, address=args.address, workers=args.workers, format=args.format,
                          text_field=args.text_field, id_field=args.id_field, batch_size=args.batch_size,
                          max_record_bytes=args.max_record_bytes, progress=False if args.quiet else None)
    if args.quiet:
        return 0
    c = result.counts
    print(f"read {c['read']:,} records: {c['kept']:,} kept, {c['rejected']:,} rejected "
          f"({c['dropped']:,} by the policy, {c['unreadable']:,} unreadable); {c['flagged']:,} flagged")
    groups = [g for g in result.summary["filtered_out"]["identity"]["groups"]
              if g["mentions"] and "/" not in g["group"] and g["dropped_vs_kept"] is not None]
    for g in sorted(groups, key=lambda g: -g["dropped_vs_kept"])[:5]:
        print(f"  {g['group']:<20} share of dropped {fmt_rate(g['dropped'])} vs kept {fmt_rate(g['kept'])}")
    print(f"wrote {result.keep}, {result.rejected}, {result.summary_path} (+ .md)")
    return 0
