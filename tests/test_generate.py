"""``biasaudit generate`` with tiny randomly initialised models built here (word-level tokenizer, GPT-2 and T5
configs, safetensors): contexts from dialogues and flat files, determinism under a seed, greedy decoding equal to
a hand-written argmax loop, the meta sidecar, safe loading, and the CLI."""
from __future__ import annotations

import hashlib
import json

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from biasaudit.cli import main
from biasaudit.errors import InputError
from biasaudit.examples.tiny_model import build_tiny_model
from biasaudit.generation.generate import generate

pytestmark = pytest.mark.transformers

DIALOGUES = [
    {"id": "a", "turns": [{"text": "How was the match yesterday?"}, {"text": "We lost, the referee was awful."},
                          {"text": "That is a shame."}, {"text": "Next week will be better."}]},
    {"id": "b", "turns": [{"text": "Can you help me with my homework?"}, {"text": "Sure, which subject?"}]},
    {"id": "c", "turns": [{"text": "Only one turn here."}]},
]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    corpus = root / "dialogues.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in DIALOGUES), encoding="utf-8")
    return {"causal": build_tiny_model(root / "gpt2", kind="causal", corpus=corpus, seed=0),
            "seq2seq": build_tiny_model(root / "t5", kind="seq2seq", corpus=corpus, seed=0), "corpus": corpus}


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(models, tmp_path, name="out.jsonl", kind="causal", **kw):
    kw.setdefault("threads", 1)
    kw.setdefault("max_new_tokens", 6)
    out = tmp_path / name
    meta = generate(models[kind], str(models["corpus"]), out, dialogue=True, progress=False, **kw)
    return out, meta


def test_dialogue_contexts_point_back_to_their_turn(models, tmp_path):
    out, meta = run(models, tmp_path, context_turns=2, decoding="beam", num_beams=2)
    rows = lines(out)
    assert [r["context_id"] for r in rows] == ["a:1", "a:2", "a:3", "b:1"]  # every turn after the first
    assert rows[2]["prompt"] == "We lost, the referee was awful.\nThat is a shame.\n"  # the last 2 turns
    assert rows[2]["reference"] == "Next week will be better."
    assert (rows[2]["conversation_id"], rows[2]["turn"], rows[2]["line"]) == ("a", 3, 1)
    assert rows[0]["decoding"] == {"decoding": "beam", "num_beams": 2, "max_new_tokens": 6, "seed": 0}
    assert all(isinstance(r["response"], str) for r in rows)
    assert meta["counts"]["contexts"] == 4 and meta["counts"]["rejected"] == 0
    weights = models["causal"] / "model.safetensors"
    assert meta["model"]["weights_sha256"]["model.safetensors"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert meta["inputs"][0]["sha256"] == hashlib.sha256(models["corpus"].read_bytes()).hexdigest()
    assert json.loads((tmp_path / "out.jsonl.meta.json").read_text()) == meta


def test_sampling_is_deterministic_under_a_seed(models, tmp_path):
    first, _ = run(models, tmp_path, "s1.jsonl", decoding="sample", seed=7, batch_size=2, max_new_tokens=12)
    second, _ = run(models, tmp_path, "s2.jsonl", decoding="sample", seed=7, batch_size=2, max_new_tokens=12)
    other, _ = run(models, tmp_path, "s3.jsonl", decoding="sample", seed=8, batch_size=2, max_new_tokens=12)
    assert first.read_bytes() == second.read_bytes()
    assert [r["response"] for r in lines(first)] != [r["response"] for r in lines(other)]
    assert lines(first)[0]["decoding"] == {"decoding": "sample", "temperature": 1.0, "top_k": 0, "top_p": 1.0,
                                           "max_new_tokens": 12, "seed": 7}


def test_greedy_equals_a_hand_written_argmax_loop(models, tmp_path):
    out, _ = run(models, tmp_path, decoding="beam", num_beams=1, max_new_tokens=5, context_turns=1)
    row = lines(out)[0]
    tok = transformers.AutoTokenizer.from_pretrained(models["causal"])
    model = transformers.AutoModelForCausalLM.from_pretrained(models["causal"]).eval()
    ids = tok(row["prompt"], return_tensors="pt")["input_ids"]
    new = []
    with torch.inference_mode():
        for _ in range(5):
            nxt = int(model(ids).logits[0, -1].argmax())
            if nxt == tok.eos_token_id:
                break
            new.append(nxt)
            ids = torch.cat([ids, torch.tensor([[nxt]])], dim=1)
    assert row["response"] == tok.decode(new, skip_special_tokens=True).strip()


def test_seq2seq_model_and_flat_contexts(models, tmp_path):
    flat = tmp_path / "flat.txt"
    flat.write_text("hello there\nhow are you\n")
    out = tmp_path / "t5.jsonl"
    meta = generate(models["seq2seq"], str(flat), out, decoding="sample", seed=1, max_new_tokens=4, threads=1,
                    progress=False)
    rows = lines(out)
    assert meta["model"]["kind"] == "seq2seq"
    assert [(r["context_id"], r["prompt"], r["reference"]) for r in rows] == [
        ("flat.txt:1", "hello there", None), ("flat.txt:2", "how are you", None)]


def test_limit_rejects_and_pickled_weights_refused(models, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n" + json.dumps(DIALOGUES[0]) + "\n")
    out = tmp_path / "o.jsonl"
    meta = generate(models["causal"], str(bad), out, dialogue=True, limit=2, max_new_tokens=3, threads=1,
                    progress=False)
    assert meta["counts"]["contexts"] == 2 and len(lines(out)) == 2
    assert meta["counts"]["rejected"] == 1
    assert json.loads((tmp_path / "o.jsonl.rejected.jsonl").read_text())["line"] == 1
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    for f in models["causal"].iterdir():
        if f.suffix != ".safetensors":
            (pickled / f.name).write_bytes(f.read_bytes())
    (pickled / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(InputError, match="pickle-based, refused"):
        generate(pickled, str(bad), tmp_path / "x.jsonl", dialogue=True)
    assert not (tmp_path / "x.jsonl").exists()


def test_cli_generate_then_scan_outputs(models, tmp_path, capsys):
    out = tmp_path / "cli.jsonl"
    code = main(["generate", "--model", str(models["causal"]), "--contexts", str(models["corpus"]), "--dialogue",
                 "--out", str(out), "--decoding", "sample", "--max-new-tokens", "4", "--threads", "1", "--quiet"])
    assert code == 0 and len(lines(out)) == 4
    assert main(["scan", str(out), "--analyzers", "sentiment", "--out", str(tmp_path / "scan"), "--quiet"]) == 0
    import pandas as pd

    records = pd.read_parquet(tmp_path / "scan" / "records.parquet")
    assert records["id"].tolist() == ["a:1", "a:2", "a:3", "b:1"]
    assert records["text"].tolist() == [r["response"] for r in lines(out)]
    capsys.readouterr()
    assert main(["generate", "--model", str(models["causal"]), "--out", str(tmp_path / "y.jsonl")]) == 2
    assert "--contexts" in capsys.readouterr().err
