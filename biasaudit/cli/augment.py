"""``biasaudit augment``: counterfactual data augmentation of a corpus (swapped copies, or substitution).

Parses options, calls ``biasaudit.transforms.augment.augment``, prints the counts.
"""
from __future__ import annotations

import sys

from biasaudit.io.readers import FORMATS


def add_input_options(p) -> None:
    """Options shared by the commands that read a corpus and swap attribute words (augment, counterfactual)."""
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="corpus file(s); '-' reads stdin")
    p.add_argument("--example", action="store_true", help="use the bundled example dialogue corpus")
    p.add_argument("--attributes", default="gender",
                   help="comma-separated attributes of the CDA lexicon (default: gender; shipped: gender, "
                        "religion, race_ethnicity, age, nationality)")
    p.add_argument("--lexicon", default=None, metavar="PATH",
                   help="your own CDA lexicon folder or file (format: lexicons/cda/README.md)")
    p.add_argument("--pos", default="auto", choices=("rules", "spacy", "auto"),
                   help="how her/his are disambiguated: auto (default: spaCy when an English pipeline is installed, "
                        "else rules), rules (Pattern tagger + word lists, faster), spacy (require the pipeline)")
    p.add_argument("--format", default="auto", choices=FORMATS)
    p.add_argument("--text-field", default="text", help="field holding the text; dotted paths allowed")
    p.add_argument("--id-field", default=None, help="field holding the record id (default: file:line)")
    p.add_argument("--dialogue", action="store_true",
                   help="JSONL with one conversation per line; a conversation is one document")
    p.add_argument("--on-error", default="skip", choices=("skip", "fail"),
                   help="skip: count bad records and write them to the rejected file; fail: stop at the first")
    p.add_argument("--max-record-bytes", type=int, default=10_000_000,
                   help="reject records longer than this many bytes")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def input_settings(args) -> tuple[list[str], dict]:
    """(inputs, keyword options) from the shared options; UsageError without any input."""
    from biasaudit.errors import UsageError

    inputs, dialogue = list(args.inputs), args.dialogue
    if args.example:
        from biasaudit.io import example_path

        inputs.append(str(example_path()))
        dialogue = True
    if not inputs:
        raise UsageError(f"{args.command} needs at least one INPUT (or --example)")
    attributes = tuple(a.strip() for a in args.attributes.split(",") if a.strip())
    return inputs, {"attributes": attributes, "pos": args.pos, "format": args.format,
                    "text_field": args.text_field, "id_field": args.id_field, "dialogue": dialogue,
                    "on_error": args.on_error, "max_record_bytes": args.max_record_bytes}


def add_parser(sub) -> None:
    p = sub.add_parser("augment", help="counterfactual data augmentation (swap gendered words, names, ...)",
                       description="Write INPUT with attribute words swapped for their counterparts (he <-> "
                                   "she, James <-> Mary, ...) to --out as JSON lines: 'augment' keeps every "
                                   "record and adds swapped copies, 'replace' swaps each document with "
                                   "probability 0.5 (seeded).")
    add_input_options(p)
    p.add_argument("--mode", default="augment", choices=("augment", "replace"))
    p.add_argument("--seed", type=int, default=0, help="seed of the replace mode's draws (default 0)")
    p.add_argument("--out", required=True, metavar="OUT.jsonl",
                   help="output file; OUT.meta.json and OUT.rejected.jsonl are written beside it")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.transforms.augment import augment, sidecar_paths

    inputs, options = input_settings(args)
    result = augment(inputs, args.out, lexicon=args.lexicon, progress=False if args.quiet else None,
                     mode=args.mode, seed=args.seed, **options)
    if not args.quiet:
        c = result.counts
        meta, rejected = sidecar_paths(args.out)
        print(f"read {c['read']:,} records: {c['records_in']:,} kept, {c['rejected']:,} rejected; "
              f"mode {args.mode}: {c['copies_added']:,} copies added, {c['records_changed']:,} records changed, "
              f"{c['records_out']:,} written")
        print("swaps: " + ", ".join(f"{k} {v:,}" for k, v in c["swaps"].items()))
        print(f"wrote {args.out}, {meta}" + (f", {rejected}" if c["rejected"] else ""))
    if result.counts["rejected"]:
        print(f"biasaudit: {result.counts['rejected']:,} bad record(s) skipped (see the rejected file)",
              file=sys.stderr)
    return 0
