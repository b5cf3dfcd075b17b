"""Interrupted scans: outputs stay whole, OUT/.partial says it is partial, --resume gives the uninterrupted result.

Real interruptions: a scan in a subprocess killed (SIGKILL, SIGINT, SIGTERM) after its first batches are saved.
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from pyarrow import ipc

from biasaudit import scanner
from biasaudit.cli import main
from biasaudit.scan_state import CHECKPOINT_BATCHES, PART_SUFFIX, PARTIAL_DIR, STATE_FILE

ANALYZERS = "sentiment,linguistic_bias"
WORDS = ["the", "service", "was", "slow", "lovely", "terrible", "good", "bad", "people", "always", "never", "obviously", "claim", "train", "leaves", "noon", "awful", "great"]


def write_corpus(path, n):
    """n lines: mostly records, every 97th malformed, every 89th blank (rejects and blanks must survive too)."""
    rng = random.Random(0)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            if i % 97 == 50:
                fh.write('{"text": "broken\n')
            elif i % 89 == 10:
                fh.write("\n")
            else:
                fh.write(json.dumps({"text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 15)))})
                         + "\n")
    return path


def scan_args(corpus, out, batch=50):
    return ["scan", str(corpus), "--analyzers", ANALYZERS, "--out", str(out), "--batch-size", str(batch),
            "--quiet"]


def assert_same_outputs(out, reference, rejected=True):
    assert (out / "report.json").read_bytes() == (reference / "report.json").read_bytes()
    assert (out / "rejected.jsonl").exists() == rejected
    if rejected:
        assert (out / "rejected.jsonl").read_bytes() == (reference / "rejected.jsonl").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "records.parquet"),
                                  pd.read_parquet(reference / "records.parquet"))
    assert not (out / PARTIAL_DIR).exists()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("c") / "corpus.jsonl", 4000)


def uninterrupted_scan(corpus, out):
    """The reference outputs: ``corpus`` scanned in one go into ``out``."""
    assert main(scan_args(corpus, out)) == 0
    return out


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    return uninterrupted_scan(corpus, tmp_path_factory.mktemp("ref"))


@pytest.fixture(scope="module")
def long_corpus(tmp_path_factory):
    """Long enough that a signal sent once part 3 is saved always lands well before the scan could finish (about
    36 more parts), even when the machine is loaded and the test's polling loop runs late."""
    return write_corpus(tmp_path_factory.mktemp("long") / "corpus.jsonl", 16_000)


@pytest.fixture(scope="module")
def long_reference(long_corpus, tmp_path_factory):
    return uninterrupted_scan(long_corpus, tmp_path_factory.mktemp("long_ref"))


def interrupt_in_process(monkeypatch, after_batches):
    """Make the next scan raise KeyboardInterrupt (as Ctrl-C does) when scoring batch ``after_batches + 1``."""
    real, calls = scanner.run_batch, []

    def run_batch(built, texts):
        calls.append(1)
        if len(calls) > after_batches:
            raise KeyboardInterrupt
        return real(built, texts)

    monkeypatch.setattr(scanner, "run_batch", run_batch)


def test_ctrl_c_keeps_previous_outputs_and_resume_matches(corpus, reference, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(scan_args(corpus, out)) == 0  # a previous complete scan
    before = {name: (out / name).read_bytes() for name in ("report.json", "records.parquet", "rejected.jsonl")}
    interrupt_in_process(monkeypatch, after_batches=2 * CHECKPOINT_BATCHES + 3)  # 2 checkpoints, 3 batches lost
    assert main(scan_args(corpus, out)) == 130
    assert "continue with --resume" in capsys.readouterr().err
    assert {name: (out / name).read_bytes() for name in before} == before  # untouched
    state = json.loads((out / PARTIAL_DIR / STATE_FILE).read_text())
    assert state["status"] == "partial" and state["checkpoint"]["parts"] == 2
    assert state["checkpoint"]["consumed"] > 2 * CHECKPOINT_BATCHES * 50  # records and the rejects among them
    assert sorted(p.name for p in (out / PARTIAL_DIR).glob("part-*")) == [f"part-{i:06d}{PART_SUFFIX}" for i in range(2)]
    parts = sorted((out / PARTIAL_DIR).glob("part-*"))
    assert [ipc.open_file(str(p)).num_record_batches for p in parts] == [CHECKPOINT_BATCHES] * 2  # one per batch
    assert not [p for p in out.iterdir() if p.name.endswith(".partial") and p.is_file()]  # no half-written temporary files
    monkeypatch.undo()
    assert main(scan_args(corpus, out) + ["--resume"]) == 0
    assert_same_outputs(out, reference)


@pytest.mark.parametrize("change,needle", [
    (["--batch-size", "40"], "batch_size: 50 -> 40"),
    (["--analyzers", "sentiment"], "the analyzers differ"),
    (["--seed", "3"], "seed: 0 -> 3"),
])
def test_resume_refuses_other_settings(change, needle, corpus, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    interrupt_in_process(monkeypatch, after_batches=1)
    assert main(scan_args(corpus, out)) == 130
    monkeypatch.undo()
    args = scan_args(corpus, out) + ["--resume"]
    for i in range(0, len(change), 2):
        if change[i] in args:
            args[args.index(change[i]) + 1] = change[i + 1]
        else:
            args += change[i:i + 2]
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and "cannot resume" in err and err.count("\n") == 1


def test_resume_refuses_a_changed_input_and_nothing_to_resume(tmp_path, monkeypatch, capsys):
    corpus = write_corpus(tmp_path / "c.jsonl", 300)
    out = tmp_path / "out"
    assert main(scan_args(corpus, out) + ["--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err
    interrupt_in_process(monkeypatch, after_batches=1)
    assert main(scan_args(corpus, out)) == 130
    monkeypatch.undo()
    with open(corpus, "a", encoding="utf-8") as fh:
        fh.write('{"text": "one more"}\n')
    capsys.readouterr()
    assert main(scan_args(corpus, out) + ["--resume"]) == 2
    err = capsys.readouterr().err
    assert f"input {corpus} changed" in err and "Traceback" not in err
    assert main(scan_args(corpus, out)) == 0  # starting over discards the stale partial state
    assert not (out / PARTIAL_DIR).exists()


def test_resume_after_the_last_batch(corpus, reference, tmp_path, monkeypatch):
    """Interrupted while writing the report, after every batch was saved: resume only assembles."""
    out = tmp_path / "out"
    monkeypatch.setattr(scanner, "write_report_files", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    assert main(scan_args(corpus, out)) == 130
    monkeypatch.undo()
    assert not (out / "report.json").exists()
    assert main(scan_args(corpus, out) + ["--resume"]) == 0
    assert_same_outputs(out, reference)


def _kill_after_parts(args, out, sig, parts=3):
    """Start ``biasaudit`` in a subprocess, send ``sig`` once ``parts`` batches are saved; return exit code."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.Popen([sys.executable, "-m", "biasaudit", *args], stderr=subprocess.PIPE, env=env)
    marker = out / PARTIAL_DIR / f"part-{parts:06d}{PART_SUFFIX}"  # exists only after state.json counts ``parts``
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the scan finished before it could be interrupted; make the corpus larger"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_killed_scan_resumes_to_the_uninterrupted_result(sig, long_corpus, long_reference, tmp_path):
    out = tmp_path / "out"
    code, err = _kill_after_parts(scan_args(long_corpus, out), out, sig)
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 130 and "interrupted" in err and "Traceback" not in err
    assert not (out / "report.json").exists()
    state = json.loads((out / PARTIAL_DIR / STATE_FILE).read_text())
    assert state["status"] == "partial" and state["checkpoint"]["parts"] >= 3
    assert main(scan_args(long_corpus, out) + ["--resume"]) == 0
    assert_same_outputs(out, long_reference)


@pytest.mark.slow
def test_resume_with_worker_processes(tmp_path, monkeypatch):
    """With workers, batches are read ahead of scoring: the checkpoint must still be the one of the saved part."""
    corpus = write_corpus(tmp_path / "c.jsonl", 1200)
    args = lambda out: scan_args(corpus, out, batch=20) + ["--workers", "2"]
    reference, out = tmp_path / "ref", tmp_path / "out"
    assert main(args(reference)) == 0
    real_write, written = scanner.PartialScan.write_part, []

    def write_part(self, index, batches):
        if len(written) == 4:
            raise KeyboardInterrupt
        written.append(index)
        return real_write(self, index, batches)

    monkeypatch.setattr(scanner.PartialScan, "write_part", write_part)
    assert main(args(out)) == 130
    monkeypatch.undo()
    assert json.loads((out / PARTIAL_DIR / STATE_FILE).read_text())["checkpoint"]["parts"] == 4
    assert main(args(out) + ["--resume"]) == 0
    assert_same_outputs(out, reference)


@pytest.mark.slow
def test_resume_dialogues_with_every_default_analyzer(tmp_path, monkeypatch):
    """Labels, speaker/role/turn breakdowns and the hate self-audit section survive the replay of saved parts."""
    args = lambda out: ["scan", "--example", "--out", str(out), "--batch-size", "7", "--quiet"]
    reference, out = tmp_path / "ref", tmp_path / "out"
    assert main(args(reference)) == 0
    interrupt_in_process(monkeypatch, after_batches=CHECKPOINT_BATCHES + 3)
    assert main(args(out)) == 130
    assert json.loads((out / PARTIAL_DIR / STATE_FILE).read_text())["checkpoint"]["parts"] == 1
    monkeypatch.undo()
    assert main(args(out) + ["--resume"]) == 0
    assert_same_outputs(out, reference, rejected=False)
