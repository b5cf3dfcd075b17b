"""``biasaudit card``: write a data card (Hugging Face card or datasheet) from a scan directory.

Parses options and calls ``biasaudit.cards.write_card``; prints where the card and its figures went.
"""
from __future__ import annotations

from biasaudit.cards.metadata import SIZE_CATEGORIES, SIZE_OTHER, TASK_CATEGORIES


def add_parser(sub) -> None:
    p = sub.add_parser("card", help="write a data card (Hugging Face card or datasheet) from a scan",
                       description="Render the scan in SCAN_DIR (the --out DIR of 'biasaudit scan') as a data card "
                                   "with its measured bias numbers; the questions only the data owner can answer "
                                   "are left as marked prompts. Figures go to <card name>_figures/ beside it.")
    p.add_argument("scan_dir", metavar="SCAN_DIR", help="directory holding report.json (and records.parquet)")
    p.add_argument("--out", required=True, help="card file to write, e.g. data_cards/NAME.md or README.md")
    p.add_argument("--template", default="hf", choices=("hf", "datasheet"),
                   help="hf: Hugging Face data set card layout; datasheet: Gebru et al. (2021) sections")
    p.add_argument("--name", default=None, help="pretty_name (default: the input file's name)")
    p.add_argument("--license", default=None,
                   help="Hub license id, e.g. cc-by-4.0 (default: 'unknown', flagged as a placeholder)")
    p.add_argument("--language", action="append", default=None,
                   help="ISO 639 code, repeatable (default: 'en', flagged as assumed)")
    p.add_argument("--task-category", action="append", default=None, choices=TASK_CATEGORIES,
                   metavar="TASK", help="Hub task category, repeatable, e.g. text-generation "
                                        "(default: 'other', flagged as a placeholder)")
    p.add_argument("--tag", action="append", default=[], help="extra Hub tag, repeatable")
    p.add_argument("--size-category", default=None, choices=[n for n, _ in SIZE_CATEGORIES] + [SIZE_OTHER],
                   metavar="SIZE", help="override the size bucket computed from the scan's input counts")
    p.add_argument("--include-examples", action="store_true",
                   help="quote the text of the listed records (slurs and profanities masked); by default "
                        "records appear by id only")
    p.add_argument("--max-examples", type=int, default=10, help="records listed per label (default 10)")
    p.add_argument("--no-figures", action="store_true", help="write no PNG figures")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.cards import CardOptions, figures_dir, write_card

    options = CardOptions(pretty_name=args.name, license=args.license,
                          language=tuple(args.language) if args.language else None,
                          task_categories=tuple(args.task_category) if args.task_category else None,
                          tags=tuple(args.tag), size_category=args.size_category,
                          include_examples=args.include_examples, max_examples=args.max_examples,
                          figures=not args.no_figures)
    card = write_card(args.scan_dir, args.out, template=args.template, options=options)
    figures = f" and {len(card.figures)} figures in {figures_dir(args.out)}/" if card.figures else ""
    print(f"wrote {args.out}{figures}")
    placeholders = card.front_matter["bias_audit"]["unconfirmed_metadata"]
    if placeholders:
        print(f"placeholders to confirm: {', '.join(placeholders)} (see --license, --language, --task-category)")
    return 0
