"""The ``datasheet`` template: "Datasheets for Datasets" (Gebru et al. 2021), section by section.

The seven sections and their questions (abridged) are the paper's. Composition, its questions about offensive
content, subpopulations and sensitive data, and the question on uses that the composition may make unfair, are
answered from the scan; every other question is left to the data owner, marked as unanswered.
"""
from __future__ import annotations

from typing import Any

from biasaudit.cards import measured as m
from biasaudit.cards.measured import CardContext, prompt


def _questions(*questions: str) -> list[str]:
    return [line for q in questions for line in prompt(q)]


def render(ctx: CardContext, fields: dict[str, Any]) -> list[str]:
    """The datasheet body below the front matter."""
    return [
        f"# Datasheet for {fields['pretty_name']}", "",
        ("Questions from \"Datasheets for Datasets\" (Gebru et al., 2021). biasaudit answered those it can "
        "measure; the rest are marked for the data owner."), "",
        *m.summary(ctx),
        "## Motivation", "",
        *_questions("For what purpose was the data set created? Was there a specific task or gap in mind?",
                    "Who created it, and on behalf of which entity?",
                    "Who funded its creation?"),
        "## Composition", "",
        "**What do the instances represent, and how many are there?**", "",
        *m.structure(ctx),
        *_questions("What does each instance consist of (raw text, conversation turns, metadata)? Is there a "
                    "label or target?",
                    "Is the data set a sample of a larger set? If so, how was it drawn and is it representative?",
                    "Is any information missing from instances, and why?",
                    "Are there recommended splits, known errors, sources of noise or redundancies?",
                    "Is it self-contained, or does it link to external resources?",
                    "Does it contain confidential data (e.g. protected by privilege or confidentiality)?"),
        "**Does the data set contain data that might be offensive, insulting, threatening or cause anxiety?**", "",
        *m.bias(ctx),
        ("**Does it identify subpopulations, and does it contain data that might be considered sensitive "
        "(race or ethnicity, religion, sexual orientation, disability, ...)?**"), "",
        *m.sensitive(ctx),
        *_questions("Is it possible to identify individuals, directly or indirectly?"),
        "## Collection Process", "",
        *_questions("How was the data acquired (observed, reported by people, derived)? With what mechanisms or "
                    "procedures, and how were they validated?",
                    "If sampled, what was the sampling strategy?",
                    "Who was involved in collecting it, and how were they compensated?",
                    "Over what time frame was it collected?",
                    "Were ethical review processes conducted?",
                    "Were the people concerned notified, and did they consent? Can they revoke consent?",
                    "Has an analysis of the potential impact on data subjects been conducted?"),
        "## Preprocessing/cleaning/labeling", "",
        *_questions("Was any preprocessing, cleaning or labelling done (tokenisation, removal of instances, "
                    "filtering by a classifier)? Was the raw data kept?",
                    "Is the software used for it available?"),
        "## Uses", "",
        *_questions("Has the data set been used for any tasks already? Is there a list of those uses?",
                    "What other tasks could it be used for?"),
        ("**Is there anything about the composition that might impact future uses, for example unfair treatment "
        "of individuals or groups?** The measured rates, identity-group rates and records to review are under "
        "Composition above."), "",
        *_questions("What would the data owner add about risks of use, and how can users mitigate them?",
                    "Are there tasks for which the data set should not be used?"),
        "## Distribution", "",
        *m.declared(ctx, fields),
        *_questions("Will the data set be distributed to third parties? How (archive, API, Hub) and when?",
                    "Under which license or terms of use? Do third parties impose restrictions on it?",
                    "Do export controls or other regulatory restrictions apply?"),
        "## Maintenance", "",
        *_questions("Who supports, hosts and maintains the data set, and how can they be contacted?",
                    "Will it be updated (errors corrected, instances added or deleted)? How will users learn of it?",
                    "Are there limits on how long data about people is retained?",
                    "Will older versions stay available? Can others contribute, and how?"),
        "## Audit provenance", "",
        *m.provenance(ctx),
    ]
