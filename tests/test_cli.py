"""The biasaudit command: exit codes (0 ok, 1 gate failed, 2 usage/input error), messages, outputs."""
import json
import os
import subprocess
import sys

import pytest

from biasaudit.cli import main


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "What a lovely day."}\n{"text": "This is terrible and awful."}\n'
                    '{"text": "The train leaves at noon."}\n', encoding="utf-8")
    return path


def test_scan_writes_outputs_and_summary(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["scan", str(corpus), "--analyzers", "sentiment", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["scan", str(corpus), "--analyzers", "sentiment", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "read 3 records: 3 scored, 0 rejected" in printed and "vader_compound" in printed
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["scored"] == 3


def test_gate_failure_exits_1(corpus, capsys):
    assert main(["scan", str(corpus), "--analyzers", "sentiment", "--quiet",
                 "--fail-on", "vader_compound_max>0.5"]) == 1
    assert "gate failed: vader_compound_max>0.5" in capsys.readouterr().err
    assert main(["scan", str(corpus), "--analyzers", "sentiment", "--quiet",
                 "--fail-on", "vader_compound_max>0.99"]) == 0


@pytest.mark.parametrize("args,needle", [
    (["scan", "does/not/exist.jsonl"], "does/not/exist.jsonl"),
    (["scan", "{corpus}", "--analyzers", "nope"], "unknown analyzer 'nope'"),
    (["scan", "{corpus}", "--fail-on", "hate_rate >> 1"], "bad --fail-on expression"),
    (["scan", "{corpus}", "--analyzers", "sentiment", "--batch-size", "0"], "batch_size must be at least 1"),
    (["scan"], "needs at least one INPUT"),
])
def test_user_errors_exit_2_with_one_line(args, needle, corpus, capsys):
    args = [a.replace("{corpus}", str(corpus)) for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and err.count("\n") == 1


def test_on_error_fail_names_file_line_and_field(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"body": "no text here"}\n', encoding="utf-8")
    assert main(["scan", str(path), "--analyzers", "sentiment", "--on-error", "fail", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2" in err and "'text'" in err and "Traceback" not in err


def test_console_script_on_bundled_example(tmp_path):
    """The README's first command, minus the install: the console script scans the bundled example."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-m", "biasaudit.cli", "scan", "--example", "--analyzers", "sentiment",
                           "--out", str(tmp_path / "ex")], capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "ex" / "report.json").read_text())
    assert report["counts"]["scored"] > 100 and report["counts"]["rejected"] == 0
    assert {"speaker", "role", "turn_position"} <= set(report["breakdowns"])


def test_analyzer_options_from_the_command_line(corpus, tmp_path, capsys):
    from biasaudit.cli.scan import parse_options

    assert parse_options(["linguistic_bias.extras=true", "hate.model_path=/m", "x.k=0.5", "x.s=a=b"]) == \
        {"linguistic_bias": {"extras": True}, "hate": {"model_path": "/m"}, "x": {"k": 0.5, "s": "a=b"}}
    assert main(["scan", str(corpus), "--analyzers", "linguistic_bias", "--option", "linguistic_bias.extras=true",
                 "--out", str(tmp_path / "o"), "--quiet"]) == 0
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert "bias_implicative_rto" in report["scores"]
    assert main(["scan", str(corpus), "--analyzers", "sentiment", "--option", "sentiment.colour=red"]) == 2
    assert "unknown options: colour" in capsys.readouterr().err
    assert main(["scan", str(corpus), "--option", "novalue"]) == 2
