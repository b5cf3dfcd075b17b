"""``biasaudit generate``: responses of a local model to dialogue contexts from a corpus, as JSONL.

Parses options and calls ``biasaudit.generation.generate.generate``; prints where the outputs went.
"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("generate", help="generate responses of a local model to dialogue contexts",
                       description="Load a local transformers causal-LM or seq2seq folder (safetensors only, no "
                                   "remote code, never downloaded) and write one response per context to --out "
                                   "(JSONL with context_id, prompt, response, reference turn and decoding "
                                   "settings) plus OUT.meta.json. From dialogue input, each turn after the first "
                                   "is a context: its preceding turns are the prompt.")
    p.add_argument("--model", required=True, help="local model folder")
    p.add_argument("--contexts", nargs="*", default=[], metavar="FILE", help="corpus file(s) to take contexts from")
    p.add_argument("--example", action="store_true", help="take contexts from the bundled example dialogues")
    p.add_argument("--out", required=True, help="output JSONL (e.g. outputs.jsonl)")
    p.add_argument("--format", default="auto",
                   choices=("auto", "jsonl", "csv", "tsv", "parquet", "txt", "hf", "convokit", "transcript",
                            "ubuntu", "outputs"))
    p.add_argument("--text-field", default="text")
    p.add_argument("--id-field", default=None)
    p.add_argument("--dialogue", action="store_true", help="JSONL with one conversation per line")
    p.add_argument("--context-turns", type=int, default=3, help="preceding turns in each prompt (default 3)")
    p.add_argument("--decoding", choices=("beam", "sample"), default="beam")
    p.add_argument("--num-beams", type=int, default=5, help="beam width (1: greedy); default 5")
    p.add_argument("--temperature", type=float, default=1.0, help="sampling temperature")
    p.add_argument("--top-k", type=int, default=0, help="sample from the k most likely tokens (0: all)")
    p.add_argument("--top-p", type=float, default=1.0, help="nucleus sampling mass (1: all)")
    p.add_argument("--max-new-tokens", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--limit", type=int, default=None, help="stop after N contexts")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=run)


def run(args) -> int:
    from biasaudit.errors import UsageError
    from biasaudit.generation.generate import generate

    contexts, dialogue = list(args.contexts), args.dialogue
    if args.example:
        from biasaudit.io import example_path

        contexts.append(str(example_path()))
        dialogue = True
    if not contexts:
        raise UsageError("generate needs --contexts FILE (or --example)")
    meta = generate(args.model, contexts, args.out, format=args.format, text_field=args.text_field,
                    id_field=args.id_field, dialogue=dialogue, limit=args.limit,
                    progress=False if args.quiet else None, decoding=args.decoding, num_beams=args.num_beams,
                    temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                    max_new_tokens=args.max_new_tokens, seed=args.seed, batch_size=args.batch_size,
                    device=args.device, context_turns=args.context_turns, threads=args.threads)
    if not args.quiet:
        c = meta["counts"]
        print(f"generated {c['contexts']:,} responses ({meta['model']['kind']} model, {args.decoding}), "
              f"{c['rejected']:,} input records rejected")
        print(f"wrote {args.out} and {args.out}.meta.json"
              + (f", {args.out}.rejected.jsonl" if c["rejected"] else ""))
    return 0
