"""Speed of the counterfactual swapper (records/s, one core) on chat-length text, rules and spaCy backends,
end-to-end ``augment()`` speed, and the accuracy of both backends on the sentences of tests/test_cda_sentences.py.

Writes bench/results/augment.json. Run: ``python bench/bench_augment.py [--n 20000]``. The texts are the
utterances of the bundled example dialogue corpus, repeated to ``--n`` records.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import tempfile
import time
from pathlib import Path

from biasaudit.io import example_path, iter_records
from biasaudit.text.spacy_pos import spacy_tagger_name
from biasaudit.transforms.augment import augment
from biasaudit.transforms.cda_lexicon import CDALexicon
from biasaudit.transforms.swap import Swapper

ROOT = Path(__file__).resolve().parents[1]


def cases() -> list[tuple[str, str]]:
    spec = importlib.util.spec_from_file_location("cda_sentences", ROOT / "tests" / "test_cda_sentences.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.GENDER_CASES


def rate(swapper: Swapper, texts: list[str], batch: int = 512, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            chunk = texts[i:i + batch]
            swapper.swap_many(chunk, [{"gender": 1}] * len(chunk))
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def accuracy(swapper: Swapper, sentences: list[tuple[str, str]]) -> dict:
    got = [r.text for r in swapper.swap_many([s for s, _ in sentences], [{"gender": 1}] * len(sentences))]
    wrong = [{"original": s, "expected": e, "got": g} for g, (s, e) in zip(got, sentences) if g != e]
    return {"correct": len(sentences) - len(wrong), "n": len(sentences),
            "accuracy": round(1 - len(wrong) / len(sentences), 4), "wrong": wrong}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20000, help="records per pass (default 20000)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "augment.json"))
    args = ap.parse_args()
    base = [r.text for r in iter_records([str(example_path())], dialogue=True)]
    texts = (base * (args.n // len(base) + 1))[: args.n]
    sentences = cases()
    attrs = CDALexicon.load().select(["gender"])
    results, acc = {}, {}
    backends = ["rules"] + (["spacy"] if spacy_tagger_name() else [])
    for pos in backends:
        swapper = Swapper(attrs, pos=pos)
        swapper.swap_many(texts[:200], [{"gender": 1}] * 200)  # warm caches and the pipeline
        n = len(texts) if pos == "rules" else min(len(texts), 5000)
        rps = rate(swapper, texts[:n], repeats=3 if pos == "rules" else 1)
        results[pos] = {"records_per_s": round(rps), "records": n, **swapper.info()}
        acc[pos] = accuracy(swapper, sentences)
        print(f"swapper pos={pos:<6} {rps:>9,.0f} records/s   accuracy {acc[pos]['correct']}/{acc[pos]['n']}")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        start = time.perf_counter()
        meta = augment(src, Path(tmp) / "out.jsonl", progress=False).meta
        elapsed = time.perf_counter() - start
    results["augment_end_to_end_rules"] = {"records_per_s": round(len(texts) / elapsed), "records": len(texts),
                                           "copies_added": meta["counts"]["copies_added"]}
    print(f"augment() end to end  {len(texts) / elapsed:>9,.0f} records/s")
    mean_chars = sum(map(len, texts)) / len(texts)
    out = {"texts": "utterances of the bundled example corpus, repeated", "mean_chars": round(mean_chars, 1),
           "python": platform.python_version(), "machine": platform.machine(),
           "note": "one process, one core, shared machine: best of runs", "results": results,
           "sentence_accuracy": acc}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
