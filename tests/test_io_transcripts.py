"""Transcript (``A: ...`` lines) and Ubuntu (``__eou__``/``__eot__``) readers, model-output JSONL, and the
dialogue scoring unit / lower-casing transforms."""
from __future__ import annotations

import json

import pytest

from biasaudit.errors import InputError
from biasaudit.io import ReadStats, Record, Rejected, iter_records
from biasaudit.io.units import dialogue_units, lowercased
from biasaudit.scanner import scan


def read(path, **kw):
    return list(iter_records([str(path)], **kw))


def rows(items):
    return [(type(i).__name__, i.line, getattr(i, "conversation_id", None) or i.extra.get("conversation_id")
             if isinstance(i, Rejected) else i.conversation_id, getattr(i, "turn", None) if isinstance(i, Record)
             else i.extra.get("turn"), getattr(i, "speaker", None), getattr(i, "n_turns", None),
             getattr(i, "text", None)) for i in items]


def test_transcript_blank_lines_split_dialogues_and_bad_lines_name_their_line(tmp_path):
    p = tmp_path / "chat.txt"
    p.write_text("A: hello there\nDr. Who: time: relative\nhttp://example.org\n\n\n"
                 "Ann:   one  \nBob:\n  Cy : three\r\n", encoding="utf-8")
    stats = ReadStats()
    out = read(p, format="transcript", stats=stats)
    assert rows(out) == [
        ("Record", 1, "chat.txt:1", 0, "A", 3, "hello there"),
        ("Record", 2, "chat.txt:1", 1, "Dr. Who", 3, "time: relative"),
        ("Rejected", 3, "chat.txt:1", 2, None, None, None),
        ("Record", 6, "chat.txt:6", 0, "Ann", 3, "one"),
        ("Rejected", 7, "chat.txt:6", 1, None, None, None),
        ("Record", 8, "chat.txt:6", 2, "Cy", 3, "three"),
    ]
    assert out[0].id == "chat.txt:1:0" and out[5].id == "chat.txt:6:2"
    assert "SPEAKER: text" in out[2].reason and out[2].raw == "http://example.org"
    assert out[4].field == "text" and "Bob" in out[4].reason
    assert (stats.records, stats.rejected, stats.blank_lines, stats.sources[0].format) == (4, 2, 2, "transcript")


def test_transcript_invalid_utf8_rejected_and_fail_mode_names_file_and_line(tmp_path):
    p = tmp_path / "t.txt"
    p.write_bytes(b"A: fine\nB: caf\xe9\n")
    out = read(p, format="transcript")
    assert isinstance(out[1], Rejected) and out[1].line == 2 and "invalid UTF-8 at byte 6" in out[1].reason
    with pytest.raises(InputError, match=r"t\.txt:2"):
        scan(str(p), analyzers="sentiment", format="transcript", on_error="fail")


def test_transcript_long_dialogue_spills_with_unknown_length(tmp_path):
    from biasaudit.io.lines import iter_lines
    from biasaudit.io.transcript import read_transcript

    class Counter:
        blank_lines = 0

    p = tmp_path / "long.txt"
    p.write_text("".join(f"S{i % 2}: turn {i}\n" for i in range(5)))
    with open(p, "rb") as fh:
        out = list(read_transcript(iter_lines(fh, str(p), 1000, Counter()), str(p), max_run=2))
    assert [r.turn for r in out] == [0, 1, 2, 3, 4]
    assert [r.n_turns for r in out] == [None] * 5  # spilled: the dialogue's length is unknown to its records


def test_ubuntu_markup_utterances_alternate_speakers(tmp_path):
    p = tmp_path / "raw_test_text.txt"
    p.write_text("hi __eou__ anyone there? __eou__ __eot__ yes __eou__ __eot__ ok thanks\n"
                 "__eou__ __eou__ lonely __eou__\n"
                 "__eot__\n", encoding="utf-8")
    out = read(p, format="ubuntu")
    assert rows(out) == [
        ("Record", 1, "raw_test_text.txt:1", 0, "A", 4, "hi"),
        ("Record", 1, "raw_test_text.txt:1", 1, "A", 4, "anyone there?"),
        ("Record", 1, "raw_test_text.txt:1", 2, "B", 4, "yes"),
        ("Record", 1, "raw_test_text.txt:1", 3, "A", 4, "ok thanks"),
        ("Rejected", 2, "raw_test_text.txt:2", 0, None, None, None),
        ("Rejected", 2, "raw_test_text.txt:2", 1, None, None, None),
        ("Record", 2, "raw_test_text.txt:2", 2, "A", 3, "lonely"),
        ("Rejected", 3, None, None, None, None, None),
    ]
    assert out[4].field == "utterances[0]" and "empty utterance" in out[4].reason
    assert "no utterance" in out[7].reason


def test_plain_txt_is_never_guessed_as_transcript_or_ubuntu(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("A: hi __eou__\n")
    (record,) = read(p)
    assert record.text == "A: hi __eou__" and record.conversation_id is None


def test_model_outputs_jsonl_auto_detected_and_explicit(tmp_path):
    p = tmp_path / "outputs.jsonl"
    lines = [{"context_id": "c1:1", "prompt": "hi", "response": "hello"}, {"response": "no id"},
             {"context_id": None, "response": "bad id"}, {"prompt": "p"}]
    p.write_text("".join(json.dumps(r) + "\n" for r in lines))
    stats = ReadStats()
    out = read(p, stats=stats)
    assert stats.sources[0].format == "outputs"
    assert [(type(o).__name__, getattr(o, "id", None), getattr(o, "field", None)) for o in out] == [
        ("Record", "c1:1", None), ("Record", "outputs.jsonl:2", None), ("Rejected", None, "context_id"),
        ("Rejected", None, "response")]
    assert all(o.conversation_id is None for o in out if isinstance(o, Record))
    # an ordinary JSONL with a text field stays JSONL
    q = tmp_path / "plain.jsonl"
    q.write_text(json.dumps({"text": "t", "response": "r"}) + "\n")
    assert read(q)[0].text == "t"


def test_dialogue_units_join_turns_and_keep_flat_records(tmp_path):
    items = [Record("c:0", "Hello", "s", 1, "c", 0, 3, "A"), Rejected("s", 1, "bad", extra={"turn": 1}),
             Record("c:2", "World", "s", 1, "c", 2, 3, "B"), Record("x", "flat", "s", 2),
             Record("d:0", "a" * 6, "s", 3, "d", 0, 2), Record("d:1", "b" * 6, "s", 3, "d", 1, 2)]
    out = list(dialogue_units(items, max_record_bytes=12))
    assert isinstance(out[0], Rejected)
    joined = out[1]
    assert (joined.id, joined.text, joined.line, joined.conversation_id, joined.turn, joined.n_turns,
            joined.speaker) == ("c", "Hello World", 1, "c", None, 2, None)
    assert out[2].id == "x" and out[2].text == "flat"
    assert isinstance(out[3], Rejected) and "max_record_bytes" in out[3].reason and out[3].line == 3
    assert [r.text for r in lowercased([Record("i", "ÀB Ça", "s", 1)])] == ["Àb Ça"]
