"""The ``hf`` template: a Hugging Face data set card (the Hub's own section layout) with the audit filled in.

Sections follow huggingface_hub's dataset card template; the questions left to the data owner are those of
"Datasheets for Datasets" (Gebru et al. 2021) that fit each section. "Dataset Structure", "Personal and
Sensitive Information" and "Bias, Risks, and Limitations" are filled from the scan.
"""
from __future__ import annotations

from typing import Any

from biasaudit.cards import measured as m
from biasaudit.cards.measured import CardContext, prompt


def render(ctx: CardContext, fields: dict[str, Any]) -> list[str]:
    """The card body below the front matter; ``fields`` are the Hub metadata fields written above it."""
    return [
        f"# Dataset Card for {fields['pretty_name']}", "",
        *m.summary(ctx),
        *prompt("Summarise the data set in two or three sentences: what it holds and what it is for."),
        "## Dataset Details", "", "### Dataset Description", "",
        *prompt("Describe the data set: who curated it, who funded it, who shares it."),
        *m.declared(ctx, fields),
        "### Dataset Sources", "",
        *prompt("Repository, paper and demo links."),
        "## Uses", "", "### Direct Use", "",
        *prompt("What tasks is the data set meant for? Has it been used already, and where are those uses listed?"),
        "### Out-of-Scope Use", "",
        *prompt("What should it not be used for? Read the measured bias below before answering."),
        "## Dataset Structure", "",
        *m.structure(ctx),
        *prompt("Describe the fields of a record, how records relate (e.g. turns of a conversation) and any "
                "recommended splits."),
        "## Dataset Creation", "", "### Curation Rationale", "",
        *prompt("Why was the data set created? Was there a specific gap to fill?"),
        "### Source Data", "", "#### Data Collection and Processing", "",
        *prompt("How was the data collected (sampling strategy, time frame, filtering, normalisation, tools)?"),
        "#### Who are the source data producers?", "",
        *prompt("Who wrote the text? Were they told, did they consent, and how were they paid?"),
        "### Annotations", "",
        *prompt("Were labels added? By whom, with what guidelines and what agreement between annotators?"),
        "### Personal and Sensitive Information", "",
        *m.sensitive(ctx),
        *prompt("Does the data identify people, directly or indirectly? Was it anonymised, and how?"),
        "## Bias, Risks, and Limitations", "",
        *m.bias(ctx),
        *prompt("What else is known about who is over- or under-represented, and about risks of use?"),
        "### Recommendations", "",
        ("Read the identity-group rates together with the template test, review the listed records before "
        "filtering by classifier label, and re-run the audit after any change to the data."), "",
        *prompt("Recommendations from the data owner."),
        "## Audit provenance", "",
        *m.provenance(ctx),
        "## Citation", "",
        *prompt("BibTeX and APA citation of the data set."),
        "## Dataset Card Authors", "",
        *prompt("Who wrote this card (biasaudit filled the measured parts)."),
        "## Dataset Card Contact", "",
        *prompt("How to reach the data set's maintainers."),
    ]
