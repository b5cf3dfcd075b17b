"""The YAML front matter of a data card: the fields the Hugging Face Hub reads, plus a ``bias_audit`` block.

Hub fields follow the dataset card spec (huggingface/hub-docs ``datasetcard.md``): ``pretty_name``, ``license``,
``language``, ``size_categories``, ``task_categories``, ``tags``. A scan cannot know a data set's license, task
or (for sure) language, so those come from the caller; when absent they get honest placeholders that the Hub
accepts (license ``unknown``, task ``other``, language ``en`` because biasaudit's analyzers read English only)
and are listed under ``bias_audit.unconfirmed_metadata`` so nobody mistakes them for facts.
The ``bias_audit`` block copies the report's raw numbers (no rounding), so tools can read them back exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from biasaudit.errors import UsageError

#: The Hub's size buckets (number of examples), smallest first, with their exclusive upper bounds.
SIZE_CATEGORIES = (("n<1K", 10**3), ("1K<n<10K", 10**4), ("10K<n<100K", 10**5), ("100K<n<1M", 10**6),
                   ("1M<n<10M", 10**7), ("10M<n<100M", 10**8), ("100M<n<1B", 10**9), ("1B<n<10B", 10**10),
                   ("10B<n<100B", 10**11), ("100B<n<1T", 10**12), ("n>1T", None))
SIZE_OTHER = "other"
#: Hub task categories (pipeline types of huggingface.js ``tasks/src/pipelines.ts``) that fit text data.
TASK_CATEGORIES = ("text-classification", "token-classification", "table-question-answering", "question-answering",
                   "zero-shot-classification", "translation", "summarization", "feature-extraction",
                   "text-generation", "text2text-generation", "fill-mask", "sentence-similarity", "text-ranking",
                   "text-retrieval", "table-to-text", "multiple-choice", "text-to-speech", "text-to-image",
                   "other")
PLACEHOLDERS = {"license": "unknown", "language": ["en"], "task_categories": ["other"]}
DEFAULT_TAGS = ("bias-audit", "biasaudit")
_LICENSE = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
_LANGUAGE = re.compile(r"^([a-z]{2,3}|code|multilingual)$")
_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class CardOptions:
    """What the data owner tells the card that a scan cannot know, and what the card may show.

    ``None`` for license/language/task_categories means "not given": a placeholder is written and flagged.
    ``include_examples`` quotes (masked) record texts; by default records appear by id only.
    """

    pretty_name: str | None = None
    license: str | None = None
    language: tuple[str, ...] | None = None
    task_categories: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()
    size_category: str | None = None
    include_examples: bool = False
    max_examples: int = 10
    figures: bool = True

    def validate(self) -> None:
        """UsageError on a value the Hub would reject, naming the option and what it expects."""
        if self.license is not None and not _LICENSE.match(self.license):
            raise UsageError(f"--license {self.license!r}: expected a Hub license id such as mit, cc-by-4.0, "
                             "apache-2.0, other or unknown (lower case)")
        for lang in self.language or ():
            if not _LANGUAGE.match(lang):
                raise UsageError(f"--language {lang!r}: expected an ISO 639-1/2/3 code such as en or deu")
        for task in self.task_categories or ():
            if task not in TASK_CATEGORIES:
                raise UsageError(f"--task-category {task!r}: expected one of {', '.join(TASK_CATEGORIES)}")
        for tag in self.tags:
            if not _TAG.match(tag):
                raise UsageError(f"--tag {tag!r}: letters, digits, '.', '_' and '-' only")
        valid_sizes = [name for name, _ in SIZE_CATEGORIES] + [SIZE_OTHER]
        if self.size_category is not None and self.size_category not in valid_sizes:
            raise UsageError(f"--size-category {self.size_category!r}: expected one of {', '.join(valid_sizes)}")
        if self.max_examples < 1:
            raise UsageError("--max-examples must be at least 1")


def size_category(n: int) -> str:
    """The Hub bucket holding ``n`` examples."""
    for name, upper in SIZE_CATEGORIES:
        if upper is None or n < upper:
            return name
    raise AssertionError("unreachable")


def dataset_size(report: dict[str, Any]) -> int | None:
    """Records in the scanned inputs, when every input was read to the end (else unknown: --limit stopped it).

    Under ``--sample`` every record is read and counted, so this is the data set's size, not the sample's.
    """
    inputs = report["inputs"]
    if not inputs or any(i.get("sha256") is None for i in inputs):
        return None
    return sum(int(i.get("records") or 0) + int(i.get("rejected") or 0) for i in inputs)


def input_name(path: str) -> str:
    """An input as a card names it: the file name only (local directories are nobody else's business)."""
    return PurePath(str(path)).name or str(path)


def unconfirmed(options: CardOptions) -> list[str]:
    return [key for key in PLACEHOLDERS if getattr(options, key) is None]


def hub_fields(report: dict[str, Any], options: CardOptions, default_name: str) -> dict[str, Any]:
    """The Hub metadata fields, placeholders included (see the module docstring)."""
    size = dataset_size(report)
    return {
        "pretty_name": options.pretty_name or default_name,
        "license": options.license or PLACEHOLDERS["license"],
        "language": list(options.language or PLACEHOLDERS["language"]),
        "size_categories": [options.size_category or (size_category(size) if size is not None else SIZE_OTHER)],
        "task_categories": list(options.task_categories or PLACEHOLDERS["task_categories"]),
        "tags": list(dict.fromkeys([*DEFAULT_TAGS, *options.tags])),
    }
