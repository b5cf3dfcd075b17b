"""``biasaudit debias``: hard debiasing (Bolukbasi et al. 2016) or INLP (Ravfogel et al. 2020) of a word-vector
file; writes the vectors in the input's format and a before/after report (JSON, Markdown, PNG) next to them.

Parses arguments and calls biasaudit.transforms.debias; no arithmetic here.
"""
from __future__ import annotations

from pathlib import Path

from biasaudit.associations.embeddings import FORMATS
from biasaudit.associations.embeddings_writer import WRITABLE_FORMATS
from biasaudit.transforms.debias import METHODS, DebiasSettings
from biasaudit.transforms.inlp import CLASSIFIERS

_DEFAULTS = DebiasSettings()


def add_parser(sub) -> None:
    p = sub.add_parser("debias", help="debias word vectors (hard debiasing or INLP) and measure before/after")
    p.add_argument("--embeddings", required=True, metavar="IN",
                   help="word2vec .bin/.txt, GloVe .txt, fastText .vec (optionally .gz/.bz2) or a spaCy folder")
    p.add_argument("--method", required=True, choices=METHODS, help="hard (Bolukbasi et al. 2016) or inlp")
    p.add_argument("--out", required=True, metavar="OUT", help="debiased vectors, in the input's format")
    p.add_argument("--format", default="auto", choices=FORMATS, help="input format (default: auto-detect)")
    p.add_argument("--out-format", choices=WRITABLE_FORMATS, help="output format (default: the input's)")
    p.add_argument("--report", metavar="PREFIX",
                   help="write PREFIX.json, PREFIX.md, PREFIX.png (default: OUT without extension + .report)")
    p.add_argument("--seed", type=int, default=0, help="seed of INLP's word sampling and split, and of WEAT")
    lists = p.add_argument_group("word lists (default: Bolukbasi et al.'s, shipped in lexicons/debias/)")
    lists.add_argument("--definitional", metavar="FILE", help="pairs that define the gender direction")
    lists.add_argument("--equalize", metavar="FILE", help="pairs to equalize (hard)")
    lists.add_argument("--gender-specific", metavar="FILE", help="words never neutralized (hard)")
    lists.add_argument("--professions", metavar="FILE", help="words DirectBias is measured over")
    hard = p.add_argument_group("hard debiasing")
    hard.add_argument("--components", type=int, default=_DEFAULTS.n_components,
                      help="principal components of the definitional pairs to report (default 10)")
    inlp = p.add_argument_group("INLP")
    inlp.add_argument("--iterations", type=int, default=_DEFAULTS.iterations, help="classifiers to train (35)")
    inlp.add_argument("--classifier", choices=CLASSIFIERS, default=_DEFAULTS.classifier,
                      help="linear classifier: svm (LinearSVC, the paper's) or logistic")
    inlp.add_argument("--pair", nargs=2, default=list(_DEFAULTS.inlp_pair), metavar=("FIRST", "SECOND"),
                      help="direction words that pick the training words (default: he she)")
    inlp.add_argument("--per-class", type=int, default=_DEFAULTS.n_per_class,
                      help="training words per class (default 7500)")
    inlp.add_argument("--neutral-threshold", type=float, default=_DEFAULTS.neutral_threshold,
                      help="|cos| below which a word may be a neutral example (default 0.03)")
    inlp.add_argument("--max-vocab", type=int, default=_DEFAULTS.max_vocab,
                      help="consider only the first N plain words of the file (default 150000)")
    measure = p.add_argument_group("measurement")
    measure.add_argument("--weat-test", nargs="*", default=list(_DEFAULTS.weat_tests), metavar="NAME",
                         help="WEAT tests before/after (default: weat6 weat7 weat8; none: give the flag alone)")
    measure.add_argument("--weat-lowercase", action="store_true", help="lower-case the WEAT words (uncased vectors)")
    measure.add_argument("--permutations", type=int, default=_DEFAULTS.permutations,
                         help="Monte-Carlo re-partitions of WEAT p-values when exact is too large (100000)")
    measure.add_argument("--direct-bias-c", type=float, default=_DEFAULTS.direct_bias_c,
                         help="exponent c of DirectBias (default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _prefix(args) -> Path:
    from biasaudit.transforms.debias_report import report_prefix

    if not args.report:
        return report_prefix(args.out)
    report = Path(args.report)
    return report.with_suffix("") if report.suffix.lower() in (".json", ".md") else report


def run(args) -> int:
    from biasaudit.transforms.debias import debias_file
    from biasaudit.transforms.debias_lists import load_debias_lists
    from biasaudit.transforms.debias_report import summary_rows, write_debias_report

    settings = DebiasSettings(method=args.method, seed=args.seed, n_components=args.components,
                              iterations=args.iterations, classifier=args.classifier, inlp_pair=tuple(args.pair),
                              n_per_class=args.per_class, neutral_threshold=args.neutral_threshold,
                              max_vocab=args.max_vocab, weat_tests=tuple(args.weat_test),
                              weat_lowercase=args.weat_lowercase, permutations=args.permutations,
                              direct_bias_c=args.direct_bias_c)
    lists = load_debias_lists(definitional=args.definitional, equalize=args.equalize,
                              gender_specific=args.gender_specific, professions=args.professions)
    prefix = _prefix(args)
    report = debias_file(args.embeddings, args.out, settings, format=args.format, out_format=args.out_format,
                         lists=lists, progress=not args.quiet)
    paths = write_debias_report(report, prefix)
    src, out = report["input"], report["output"]
    print(f"{src['source']} ({src['format']}, {src['loaded']} words, dim {src['dim']}) -> {out['path']} "
          f"({out['format']}, {args.method})")
    rows = summary_rows(report)
    width = max(len(m) for m, _, _ in rows) if rows else 10
    print(f"{'measure':<{width}}  {'before':>22}  {'after':>22}")
    for measure_name, before, after in rows:
        print(f"{measure_name:<{width}}  {before:>22}  {after:>22}")
    print("report: " + ", ".join(str(p) for p in paths.values()))
    return 0
