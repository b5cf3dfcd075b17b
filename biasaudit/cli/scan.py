"""``biasaudit scan``: score corpus files and write records.parquet plus report.json/.md/.html.

Parses options, calls ``biasaudit.scan``, prints a short summary; exit 1 when a --fail-on gate fires.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from biasaudit.io.readers import FORMATS
from biasaudit.report.markdown import fmt, fmt_rate


def add_parser(sub) -> None:
    p = sub.add_parser("scan", help="score a corpus and write a report",
                       description="Score every record of INPUT (files, or - for stdin) with the selected "
                                   "analyzers; write records.parquet and report.json/.md/.html to --out.")
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="corpus file(s); '-' reads stdin")
    p.add_argument("--example", action="store_true",
                   help="scan the bundled example dialogue corpus (implies --dialogue)")
    p.add_argument("--format", default="auto", choices=FORMATS)
    p.add_argument("--text-field", default="text", help="field holding the text; dotted paths allowed "
                                                          "(message.text)")
    p.add_argument("--id-field", default=None, help="field holding the record id (default: file:line)")
    p.add_argument("--dialogue", action="store_true",
                   help="JSONL with one conversation per line ({'id', 'turns': [{'speaker', 'text'}]})")
    p.add_argument("--analyzers", default=None,
                   help="comma-separated specs, e.g. 'sentiment,linguistic_bias:henderson2018' "
                        "(default: all installed; see 'biasaudit analyzers')")
    p.add_argument("--preset", default=None, choices=("henderson2018",),
                   help="a named study: henderson2018 = Henderson et al. (2018): VADER, the bias score in their "
                        "compat variant beside the corrected one, hate:davidson2017, lower-cased text, whole "
                        "dialogues as units, and a Table-1 section")
    p.add_argument("--unit", default=None, choices=("utterance", "dialogue"),
                   help="score each turn (utterance) or each conversation as one text (dialogue); default "
                        "utterance, or the preset's")
    p.add_argument("--lowercase", default=None, action=argparse.BooleanOptionalAction,
                   help="lower-case texts before scoring (default off, or the preset's)")
    p.add_argument("--option", action="append", default=[], metavar="ANALYZER.KEY=VALUE",
                   help="an analyzer option, e.g. linguistic_bias.extras=true or hate.model_path=DIR "
                        "(repeatable; VALUE is read as YAML: true, 3, 0.5, text); ANALYZER may name a variant, "
                        "linguistic_bias:henderson2018.suffix=compat")
    p.add_argument("--out", default=None, help="output directory (default: print the summary only)")
    p.add_argument("--limit", type=int, default=None, help="stop after N input records")
    p.add_argument("--sample", type=int, default=None, help="score a seeded uniform sample of N records")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--workers", type=int, default=1, help="scoring processes: this one and N-1 helpers (Ray actors with --engine ray)")
    p.add_argument("--engine", default="local", choices=("local", "ray"),
                   help="local: this machine's processes; ray: Ray Data actors (pip install 'biasaudit[ray]'), "
                        "same records and report")
    p.add_argument("--address", default=None, help="Ray cluster address for --engine ray (e.g. auto); "
                                                   "default: start a local Ray with --workers CPUs")
    p.add_argument("--on-error", default="skip", choices=("skip", "fail"),
                   help="skip: count bad records and write them to rejected.jsonl; fail: stop at the first")
    p.add_argument("--max-record-bytes", type=int, default=10_000_000,
                   help="reject records longer than this many bytes")
    p.add_argument("--fail-on", action="append", default=[], metavar="EXPR",
                   help="exit 1 when EXPR holds, e.g. 'hate_rate>0.01' or 'bias_score_mean>=1' (repeatable)")
    p.add_argument("--associations", action="store_true",
                   help="also train word vectors on the corpus and run the WEAT tests on them "
                        "(options: --option associations.KEY=VALUE)")
    p.add_argument("--policy", default=None, metavar="POLICY",
                   help="filter policy YAML, 'default' or 'none': adds a 'who gets filtered out' section (identity "
                        "groups among kept vs dropped records, score quantiles, threshold sweep), running the "
                        "policy's analyzers if needed; default: the shipped policy when hate runs")
    p.add_argument("--show-offensive", action="store_true",
                   help="show slurs and profanities unmasked in report.md/report.html (masked by default)")
    p.add_argument("--resume", action="store_true",
                   help="continue the interrupted scan in --out DIR (DIR/.partial) from its last completed batch; "
                        "the options and inputs must be the same")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.errors import UsageError
    from biasaudit.scanner import scan

    inputs = list(args.inputs)
    dialogue = args.dialogue
    if args.example:
        from biasaudit.io import example_path

        inputs.append(str(example_path()))
        dialogue = True
    if not inputs:
        raise UsageError("scan needs at least one INPUT (or --example)")
    try:
        with _sigterm_as_interrupt():
            result = scan(inputs, analyzers=args.analyzers, out=args.out,
                          analyzer_options=parse_options(args.option), progress=None if not args.quiet else False,
                          resume=args.resume, policy=args.policy, format=args.format, text_field=args.text_field,
                          id_field=args.id_field, dialogue=dialogue, limit=args.limit, sample=args.sample,
                          seed=args.seed, batch_size=args.batch_size, workers=args.workers,
                          engine=args.engine, address=args.address,
                          on_error=args.on_error, max_record_bytes=args.max_record_bytes,
                          show_offensive=args.show_offensive, associations=args.associations,
                          fail_on=args.fail_on, preset=args.preset, unit=args.unit, lowercase=args.lowercase)
    except KeyboardInterrupt:
        where = f"; the batches done are kept in {args.out}/.partial, continue with --resume" if args.out else ""
        print(f"biasaudit: interrupted{where}", file=sys.stderr)
        return 130
    if not args.quiet:
        print_summary(result.report, args.out)
    failed = result.gates_failed
    for g in failed:
        print(f"biasaudit: gate failed: {g['expr']} (value {fmt(g['value'])})", file=sys.stderr)
    return 1 if failed else 0


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """``kill`` (SIGTERM) stops a scan like Ctrl-C: temporary files removed, the partial state kept."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def parse_options(items: list[str]) -> dict[str, dict]:
    """``["hate.model_path=m", "linguistic_bias.extras=true"]`` -> ``{"hate": {"model_path": "m"}, ...}``."""
    import yaml

    from biasaudit.errors import UsageError

    options: dict[str, dict] = {}
    for item in items:
        key, sep, value = item.partition("=")
        analyzer, dot, name = key.strip().partition(".")
        if not (sep and dot and analyzer and name):
            raise UsageError(f"bad --option {item!r}: expected ANALYZER.KEY=VALUE, "
                             "e.g. linguistic_bias.extras=true")
        try:
            parsed = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            parsed = value
        options.setdefault(analyzer, {})[name] = parsed if isinstance(parsed, (str, int, float, bool)) else value
    return options


def print_summary(report: dict, out: str | None) -> None:
    c = report["counts"]
    print(f"read {c['read']:,} records: {c['scored']:,} scored, {c['rejected']:,} rejected")
    for col, labels in report["labels"].items():
        for lab, r in labels.items():
            print(f"  {col} = {lab:<12} {fmt_rate(r)}")
    for col, r in report["flags"].items():
        print(f"  {col:<24} {fmt_rate(r)}")
    detail = 0
    for name, s in report["scores"].items():
        if not report["columns"][name].get("headline", True):
            detail += 1
            continue
        print(f"  {name:<24} mean {fmt(s['mean'])}  std {fmt(s['std'])}  (n={s['n']:,})")
    if detail:
        print(f"  ({detail} detail columns, e.g. model features, in report.json)")
    filtered = report["sections"].get("filtered_out")
    if filtered:
        print(f"  policy {filtered['policy']['source']} ({' or '.join(filtered['policy']['rules'])}) flags "
              f"{fmt_rate(filtered['dropped'])}; who gets filtered out: see the report")
    if out:
        print(f"wrote {out}/report.html, report.md, report.json, records.parquet"
              + (", rejected.jsonl" if c["rejected"] else ""))
