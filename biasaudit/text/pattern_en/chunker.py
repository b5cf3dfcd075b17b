"""Pattern 2.6's regex phrase chunker for English (B-/I-/O chunk tags), needed only by ``mood``.

Same rules and same odd matches inside tag strings as Pattern; must not be used to change any part-of-speech tag.
"""
from __future__ import annotations

import re

_NN = r"NN|NNS|NNP|NNPS|NNPS?\-[A-Z]{3,4}|PR|PRP|PRP\$"
_VB = r"VB|VBD|VBG|VBN|VBP|VBZ"
_JJ = r"JJ|JJR|JJS"
_RB = r"(?<!W)RB|RBR|RBS"


def _compile(rule: str) -> re.Pattern:
    for short, full in (("NN", _NN), ("VB", _VB), ("JJ", _JJ), ("RB", _RB)):
        rule = rule.replace(short, full)
    return re.compile(rule.replace(" ", ""))


# Germanic order; ADJP is tried second, before VP, so RB prefers a following ADJP (as in Pattern).
_CHUNKS = [(tag, _compile(rule)) for tag, rule in (
    ("NP", r"((NN)/)* ((DT|CD|CC)/)* ((RB|JJ)/)* (((JJ)/(CC|,)/)*(JJ)/)* ((NN)/)+"),
    ("ADJP", r"((RB|JJ)/)* ((JJ)/,/)* ((JJ)/(CC)/)* ((JJ)/)+"),
    ("VP", r"(((MD|TO|RB)/)* ((VB)/)+ ((RP)/)*)+"),
    ("VP", r"((MD)/)"),
    ("PP", r"((IN|PP)/)+"),
    ("ADVP", r"((RB)/)+"),
)]


def find_chunks(tagged: list[list[str]]) -> list[str]:
    """Chunk tag ("B-NP", "I-VP", "O", ...) of each [word, tag] token."""
    chunk: list[str | None] = [None] * len(tagged)
    tags = "".join(tag + "/" for _, tag in tagged)
    for name, rule in _CHUNKS:
        for m in rule.finditer(tags):
            j = tags.count("/", 0, m.start())
            n = m.group(0).count("/")
            for k in range(j, j + n):
                if chunk[k] is not None:
                    continue
                if k == j and tagged[k][1] in ("CC", "CJ", ","):
                    j += 1  # a conjunction or comma cannot start a chunk
                elif k == j:
                    chunk[k] = "B-" + name
                else:
                    chunk[k] = "I-" + name
    out = [c or "O" for c in chunk]
    for i, (_, tag) in enumerate(tagged):
        if tag.startswith("RB") and out[i] == "B-NP":
            if i < len(out) - 1 and not tagged[i + 1][1].startswith("JJ"):
                out[i] = "B-ADVP"
                out[i + 1] = "B-NP"
            if i < len(out) - 1 and tagged[i + 1][1] in ("CC", "CJ", ","):
                out[i + 1] = "O"
            if i < len(out) - 2 and out[i + 1] == "O":
                out[i + 2] = "B-NP"
    return out
