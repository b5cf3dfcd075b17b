"""``biasaudit train hate``: retrain the hate classifier reproducibly and write its cross-validated evaluation.

Parses arguments and calls ``biasaudit.train.hate_eval``; prints a short summary, nothing else.
"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="retrain a shipped model (hate) on labelled data, with a CV evaluation")
    p.add_argument("what", choices=["hate"], help="which model to train")
    p.add_argument("--data", required=True, help="CSV with a text column and a label column (0/1/2 or names)")
    p.add_argument("--out", required=True, help="folder to write model.json, weights.npz, evaluation.json/.md")
    p.add_argument("--variant", default="default", choices=["default", "davidson2017"])
    p.add_argument("--seed", type=int, default=0, help="seed of the CV folds and solvers (default 0)")
    p.add_argument("--text-column", default="tweet")
    p.add_argument("--label-column", default="class")
    p.add_argument("--folds", type=int, default=5, help="stratified CV folds for the evaluation (default 5)")
    p.add_argument("--no-identity-augmentation", action="store_true",
                   help="default variant: do not add the neutral identity-term sentences of "
                        "lexicons/identity_augmentation as 'neither' (Dixon et al. 2018)")
    p.add_argument("--no-pos", action="store_true",
                   help="davidson2017: train without POS features even when spaCy's English tagger is installed")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.errors import UsageError
    from biasaudit.train.hate_eval import train_and_evaluate

    if args.folds < 2:
        raise UsageError("--folds must be at least 2")
    _, ev = train_and_evaluate(args.data, args.out, variant=args.variant, seed=args.seed,
                               text_column=args.text_column, label_column=args.label_column, folds=args.folds,
                               use_pos=not args.no_pos, identity_augmentation=not args.no_identity_augmentation)
    cv = ev["cross_validation"]
    print(f"trained hate:{args.variant} on {ev['n']} rows -> {args.out}")
    print(f"{args.folds}-fold CV: hate F1 {cv['per_class']['hate']['f1']:.3f}, weighted F1 "
          f"{cv['weighted']['f1']:.3f}, macro F1 {cv['macro_f1']:.3f} (POS: {cv['pos']})")
    return 0
