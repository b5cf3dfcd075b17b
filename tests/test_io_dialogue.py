"""Dialogue JSONL (turns / utterances / messages), ConvoKit utterances.jsonl, and the bundled example corpus."""
from __future__ import annotations

import json

import pytest

from biasaudit.errors import UsageError
from biasaudit.io import ReadStats, Record, Rejected, example_path, iter_records


def write_jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return str(path)


def read(path, **kw):
    return list(iter_records([str(path)], **kw))


def test_conversations_flattened_with_turn_speaker_role(tmp_path):
    p = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "c1", "turns": [{"speaker": "Ann", "role": "user", "text": "hi"},
                               {"speaker": "Bot", "role": "assistant", "text": "hello"}]},
        {"id": 7, "turns": [{"speaker": "Bob", "text": "a"}, {"speaker": "Cy", "text": ""},
                            {"speaker": "Bob", "text": "c"}]}])
    out = read(p, dialogue=True)
    assert [(r.id, r.conversation_id, r.turn, r.n_turns, r.speaker, r.role, r.line) for r in out] == [
        ("c1:0", "c1", 0, 2, "Ann", "user", 1), ("c1:1", "c1", 1, 2, "Bot", "assistant", 1),
        ("7:0", "7", 0, 3, "Bob", None, 2), ("7:1", "7", 1, 3, "Cy", None, 2), ("7:2", "7", 2, 3, "Bob", None, 2)]


def test_chat_messages_with_content_and_text_parts(tmp_path):
    p = write_jsonl(tmp_path / "chat.jsonl", [
        {"messages": [{"role": "user", "content": "q"},
                      {"role": "assistant", "content": [{"type": "text", "text": "a1"},
                                                        {"type": "text", "text": "a2"}]}]}])
    out = read(p, dialogue=True)
    assert [(r.id, r.text, r.role, r.speaker) for r in out] == [
        ("chat.jsonl:1:0", "q", "user", None), ("chat.jsonl:1:1", "a1\na2", "assistant", None)]


def test_utterances_key_custom_text_field_and_id_field(tmp_path):
    p = write_jsonl(tmp_path / "u.jsonl", [{"dialog_id": "x", "utterances": [{"speaker": 1, "utt": "yo"}]},
                                           {"utterances": [{"utt": "no id"}]}])
    out = read(p, dialogue=True, text_field="utt", id_field="dialog_id")
    assert (out[0].id, out[0].speaker, out[0].text) == ("x:0", "1", "yo")
    assert isinstance(out[1], Rejected) and out[1].field == "dialog_id" and out[1].line == 2


def test_bad_conversations_and_turns_are_rejected_siblings_kept(tmp_path):
    p = write_jsonl(tmp_path / "bad.jsonl", [
        {"id": "a", "turns": [{"text": "ok"}, {"text": 3}, "not a turn", {"speaker": "x"}, {"text": "end"}]},
        '{"id": "b", "turns": [',
        {"id": "c"},
        {"id": "d", "turns": []},
        {"id": "e", "turns": "text"}])
    stats = ReadStats()
    out = read(p, dialogue=True, stats=stats)
    assert [(type(o).__name__, o.line, getattr(o, "field", None)) for o in out] == [
        ("Record", 1, None), ("Rejected", 1, "turns[1].text"), ("Rejected", 1, "turns[2]"),
        ("Rejected", 1, "turns[3].text"), ("Record", 1, None),
        ("Rejected", 2, None), ("Rejected", 3, "turns"), ("Rejected", 4, "turns"), ("Rejected", 5, "turns")]
    assert out[4].turn == 4 and out[4].n_turns == 5
    assert out[1].extra == {"conversation_id": "a", "turn": 1}
    assert (stats.records, stats.rejected, stats.sources[0].format) == (2, 7, "dialogue")


def convokit_rows():
    rows = []
    for conv, n in (("c1", 3), ("c2", 2)):
        for t in range(n):
            rows.append({"id": f"{conv}u{t}", "conversation_id": conv, "speaker": f"s{t % 2}",
                         "text": f"{conv} turn {t}", "reply_to": None if t == 0 else f"{conv}u{t - 1}",
                         "timestamp": t, "meta": {}})
    return rows


def test_convokit_by_name_groups_runs(tmp_path):
    rows = convokit_rows()
    rows.insert(2, '{"broken')
    rows[4] = dict(rows[4], text=None)  # c2's first utterance: rejected, but still a turn
    p = write_jsonl(tmp_path / "utterances.jsonl", rows)
    stats = ReadStats()
    out = read(p, stats=stats)
    assert stats.sources[0].format == "convokit"
    assert [(type(o).__name__, o.line) for o in out] == [("Record", i) if i not in (3, 5) else ("Rejected", i)
                                                         for i in range(1, 7)]
    recs = [o for o in out if isinstance(o, Record)]
    assert [(r.id, r.conversation_id, r.turn, r.n_turns, r.speaker) for r in recs] == [
        ("c1u0", "c1", 0, 3, "s0"), ("c1u1", "c1", 1, 3, "s1"), ("c1u2", "c1", 2, 3, "s0"),
        ("c2u1", "c2", 1, 2, "s1")]


def test_convokit_detected_by_fields_with_dialogue_and_by_directory(tmp_path):
    p = write_jsonl(tmp_path / "corpus.jsonl", convokit_rows())
    assert read(p, dialogue=True)[0].n_turns == 3
    (tmp_path / "corpus_dir").mkdir()
    write_jsonl(tmp_path / "corpus_dir" / "utterances.jsonl", convokit_rows())
    assert [r.conversation_id for r in read(tmp_path / "corpus_dir")] == ["c1"] * 3 + ["c2"] * 2


def test_convokit_long_run_spills_without_n_turns(tmp_path):
    from biasaudit.io.convokit import read_convokit

    lines = [(i + 1, json.dumps({"id": i, "conversation_id": "big", "text": "t"}).encode()) for i in range(7)]
    out = list(read_convokit(lines, "s", max_run=3))
    assert [r.turn for r in out] == list(range(7)) and {r.n_turns for r in out} == {None}


def test_dialogue_with_csv_is_usage_error(tmp_path):
    with pytest.raises(UsageError):
        read(tmp_path / "x.csv", dialogue=True, format="csv")


def test_example_corpus_reads_cleanly():
    path = example_path()
    assert path.name == "dialogues.jsonl" and path.is_file()
    stats = ReadStats()
    out = read(path, dialogue=True, stats=stats)
    assert stats.rejected == 0 and 35 <= len({r.conversation_id for r in out}) <= 45
    assert all(4 <= r.n_turns <= 8 for r in out)
    assert {"user", "assistant"} <= {r.role for r in out}
    assert sum(r.speaker not in ("user", "assistant") for r in out) > 50
    with pytest.raises(UsageError):
        example_path("nope")
