"""The parts of a data card filled from the scan: Markdown blocks both templates (hf, datasheet) arrange.

Every number is a report.json value formatted as report.md formats it (``fmt``, ``fmt_rate``); records appear by
id only, unless the card was asked to quote examples (then masked and escaped). Each block sits between
``MEASURED_START``/``MEASURED_END`` comments so readers (and tests) can tell measured text from prompts.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from biasaudit.cards import facts
from biasaudit.cards.figures import Figure, link
from biasaudit.cards.metadata import CardOptions, input_name, unconfirmed
from biasaudit.cards.scan_outputs import ScanOutputs
from biasaudit.report.markdown import fmt, fmt_rate, md_text
from biasaudit.text.masking import mask_text

MEASURED_START = "<!-- biasaudit:measured -->"
MEASURED_END = "<!-- /biasaudit:measured -->"
PROMPT = "[More Information Needed]"


@dataclass(frozen=True)
class CardContext:
    outputs: ScanOutputs
    options: CardOptions
    figures: dict[str, Figure]
    card_path: Path

    @property
    def report(self) -> dict[str, Any]:
        return self.outputs.report

    def figure(self, key: str) -> list[str]:
        fig = self.figures.get(key)
        return [link(self.card_path, fig), ""] if fig else []


def measured(lines: list[str]) -> list[str]:
    return [MEASURED_START, "", *lines, MEASURED_END, ""]


def prompt(question: str) -> list[str]:
    """A question for the data owner, visibly marked as unanswered (the Hub template's own marker)."""
    return [f"> **{PROMPT}** {question}", ""]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(r) + " |" for r in rows), ""]


def code(value: Any) -> str:
    """An id or file name as inline code (inert in Markdown), or escaped text if it holds a backtick."""
    text = " ".join(str(value).split())
    return f"`{text}`" if "`" not in text else md_text(text, 80)


def declared(ctx: CardContext, fields: dict[str, Any]) -> list[str]:
    """License and language as the metadata states them, placeholders called what they are."""
    missing = set(unconfirmed(ctx.options))
    lang = ", ".join(fields["language"])
    if "language" in missing:
        lang += " (assumed, because biasaudit's analyzers read English only; not confirmed by the data owner)"
    lic = fields["license"]
    if "license" in missing:
        lic += " (placeholder: the data owner has not stated a license)"
    return [f"- **Language(s):** {md_text(lang, 200)}", f"- **License:** {md_text(lic, 200)}", ""]


def summary(ctx: CardContext) -> list[str]:
    r, c = ctx.report, ctx.report["counts"]
    names = ", ".join(code(input_name(i['path'])) for i in r["inputs"]) or "its input"
    sample = facts.sampling(r)["sample"]
    lines = [(f"biasaudit {r['reproducibility']['biasaudit']} scanned {names}: {fmt(c['read'])} records read"
             f"{' (a seeded sample)' if sample else ''}, {fmt(c['scored'])} scored, {fmt(c['rejected'])} rejected "
             "as unreadable.")]
    headline = [f"{lab} {fmt_rate(rate)}" for col, labs in r["labels"].items() for lab, rate in labs.items()
                if lab != "neither"]
    if headline:
        lines[0] += " Classifier rates (95% interval): " + "; ".join(headline) + "."
    return measured([*lines, ""])


def structure(ctx: CardContext) -> list[str]:
    r = ctx.report
    lines = table(["input", "format", "records", "rejected", "sha256"],
                  [[code(input_name(i['path'])), str(i.get("format")), fmt(i.get("records")),
                    fmt(i.get("rejected")), f"`{(i.get('sha256') or 'not read to the end')[:16]}`"]
                   for i in r["inputs"]])
    s = facts.sampling(r)
    if s["sample"]:
        lines += [f"The audit scored a seeded uniform sample of {fmt(s['sample'])} records (seed {s['seed']}).",
                  ""]
    if s["limit"]:
        lines += [f"The audit read only the first {fmt(s['limit'])} records; the data set's size is unknown to it.",
                  ""]
    reasons = r["counts"]["rejected_by_reason"]
    if reasons:
        lines += ["Unreadable records (not scored, listed in the scan's rejected.jsonl): "
                  + ", ".join(f"{md_text(k, 80)} {fmt(v)}" for k, v in reasons.items()) + ".", ""]
    for dim in ("role", "turn_position"):
        groups = facts.breakdown_groups(r, dim)
        if len(groups) > 1:
            lines += table([dim.replace("_", " "), "records"], [[md_text(k, 40), fmt(g["n"])]
                                                                  for k, g in groups.items()])
    speakers = facts.distinct_values(r, "speaker")
    if speakers:
        n, pooled = speakers
        lines += [f"Distinct speakers: {'more than ' if pooled else ''}{fmt(n)} (names are not shown in this card).",
                  ""]
    return measured(lines)


def sensitive(ctx: CardContext) -> list[str]:
    section = facts.self_audit(ctx.report)
    lines = [("biasaudit looks for words that name social groups (its identity lexicon: age, disability, gender, "
             "nationality, race or ethnicity, religion, sexual orientation). It does not detect names, contact "
             "details, health or financial information: that needs a separate review."), ""]
    if section is None:
        lines += [("This scan did not run the hate classifier's self-audit, so identity-group mentions were not "
                  "counted (run `biasaudit scan` with the `hate` analyzer)."), ""]
    else:
        n_records = section["group_rates"]["n_records"]
        rows = [[f["family"].replace("_", " "), fmt(f["n"]),
                 ", ".join(f"{sub} ({fmt(k)})" for sub, k in f["subgroups"].items()) or "-"]
                for f in facts.identity_mentions(section)]
        lines += [f"Records (of {fmt(n_records)}) that mention each group family, by subgroup:", ""]
        lines += table(["family", "records mentioning", "subgroups mentioned (records)"], rows)
        lines += [f"Records mentioning no listed group: {fmt(section['group_rates']['no_group']['n'])}.", ""]
    speakers = facts.distinct_values(ctx.report, "speaker")
    if speakers:
        lines += [(f"The data names its speakers ({'more than ' if speakers[1] else ''}{fmt(speakers[0])} distinct "
                  "values): check whether they identify real people."), ""]
    return measured(lines)


def _rates(ctx: CardContext) -> list[str]:
    r = ctx.report
    rows = [[f"{col} = {lab}", fmt_rate(rate), fmt(rate["count"]), fmt(rate["n"])]
            for col, labs in r["labels"].items() for lab, rate in labs.items()]
    rows += [[col, fmt_rate(rate), fmt(rate["count"]), fmt(rate["n"])] for col, rate in r["flags"].items()]
    if not rows:
        return []
    return ["### Measured rates", "", *table(["what", "rate [95% interval]", "count", "of"], rows),
            *ctx.figure("rates")]


def _scores(ctx: CardContext) -> list[str]:
    names = facts.headline_scores(ctx.report)
    if not names:
        return []
    rows = []
    for name in names:
        s = ctx.report["scores"][name]
        q = s.get("quantiles") or {}
        rows.append([name, fmt(s["n"]), fmt(s["mean"]), fmt(s["std"]), fmt(q.get("p05")), fmt(q.get("p50")),
                     fmt(q.get("p95"))])
    lines = ["### Scores", "", *table(["score", "n", "mean", "std", "p05", "median", "p95"], rows)]
    for name in names:
        lines += ctx.figure(f"score_{name}")
    ext = [[name, ", ".join(code(i) for i in facts.extreme_ids(ctx.report, name, "highest")) or "-",
            ", ".join(code(i) for i in facts.extreme_ids(ctx.report, name, "lowest")) or "-"]
           for name in names]
    lines += ["Records at the extremes of each score (ids only):", "",
              *table(["score", "highest", "lowest"], ext)]
    return lines


def _breakdowns(ctx: CardContext) -> list[str]:
    r = ctx.report
    label_cols = [(col, lab) for col, labs in r["labels"].items() for lab in labs if lab != "neither"]
    if not label_cols:
        return []
    lines = []
    for dim in ("source", "role", "turn_position"):
        groups = facts.breakdown_groups(r, dim)
        if len(groups) < 2:
            continue
        rows = [[md_text(k, 60), fmt(g["n"])] + [fmt_rate(g["labels"][col][lab]) for col, lab in label_cols]
                for k, g in groups.items()]
        lines += [f"By {dim.replace('_', ' ')}:", "",
                  *table([dim.replace("_", " "), "records"] + [f"{lab} rate" for _, lab in label_cols], rows)]
    return lines


def _identity(ctx: CardContext) -> list[str]:
    section = facts.self_audit(ctx.report)
    if section is None:
        return []
    g, s = section["group_rates"], section["summary"]
    lines = ["### Most affected identity groups", "",
             ("How often the hate classifier flags records that mention each identity group, against the whole "
             "corpus. A high rate can mean the records about a group are more hostile, or that the classifier "
             "reacts to the group's name (a known failure mode of classifiers trained on this kind of data): "
             "the template test below separates the two."), ""]
    for flag in facts.FLAGS:
        rows = [[f"`{r['group']}`", fmt(r["n"]), fmt(r["count"]), fmt_rate(r),
                 "yes" if r["above_corpus"] else "no"] for r in facts.most_affected(section, flag)]
        lines += [(f"Flagged {flag} (whole corpus: {fmt_rate(g['corpus'][flag])}); subgroups by the low end of "
                  "their interval:"), ""]
        lines += (table(["identity group", "records mentioning", f"flagged {flag}", "rate [95% interval]",
                         "interval above the corpus rate"], rows) if rows
                  else [f"No record that mentions a listed identity group was flagged {flag}.", ""])
        lines += ctx.figure(f"identity_{flag}")
    spread = s.get("max_template_p_hate_spread")
    if spread:
        fam = section["counterfactual_templates"]["families"][spread["family"]]
        lines += [(f"Template test (neutral sentences in which only the identity word changes): the mean `p_hate` "
                  f"varies most within {spread['family'].replace('_', ' ')}, by {fmt(spread['value'])} (highest "
                  f"for {code(fam['p_hate_max_term'])}, lowest for {code(fam['p_hate_min_term'])})."), ""]
    cf = section["counterfactual_records"]
    if cf["n_sampled"]:
        lines += [(f"Swapping the identity word in {fmt(cf['n_sampled'])} flagged records changed the label of "
                  f"{fmt_rate(cf['label_flips'])} of them."), ""]
    return lines


def _associations(ctx: CardContext) -> list[str]:
    tests = facts.association_tests(ctx.report)
    if not tests:
        return []
    rows = []
    for t in tests:
        if t.get("status") != "ok":
            continue
        boot = t.get("bootstrap") or {}
        rows.append([t["test"], f"{md_text(t['target1'])} vs {md_text(t['target2'])}",
                     f"{md_text(t['attribute1'])} vs {md_text(t['attribute2'])}", fmt(t["effect_size"], 2),
                     f"[{fmt(boot.get('ci_low'), 2)}, {fmt(boot.get('ci_high'), 2)}]",
                     f"{t['p_value']:.3g}"])
    skipped = [t["test"] for t in tests if t.get("status") != "ok"]
    lines = ["### Associations the corpus teaches (WEAT on word vectors learnt from it)", ""]
    lines += (table(["test", "targets", "attributes", "effect size", "95% interval", "p-value"], rows) if rows
              else ["No test had enough of its words in this corpus.", ""])
    if skipped:
        lines += ["Skipped for lack of words: " + ", ".join(skipped) + ".", ""]
    return lines


def _review(ctx: CardContext) -> list[str]:
    labels = ctx.report["labels"].get("hate_label", {})
    if not labels:
        return []
    lines = ["### Records to review", ""]
    if ctx.outputs.records is None:
        return lines + ["records.parquet was not found beside report.json, so no record ids are listed.", ""]
    quoted = []
    for label, prob in facts.REVIEW:
        chosen = facts.review_records(ctx.outputs, label, prob, ctx.options.max_examples)
        count = labels.get(label, {}).get("count", 0)
        if chosen is None or chosen.empty:
            lines += [f"Labelled {label}: {fmt(count)} records.", ""]
            continue
        lines += [f"Labelled {label}: {fmt(count)} records; the most confident (highest `{prob}`) first: "
                  + ", ".join(code(i) for i in chosen["id"]) + ".", ""]
        if ctx.options.include_examples:
            quoted += [[code(i), label, md_text(mask_text(str(t)), 300)]
                       for i, t in zip(chosen["id"], chosen["text"])]
    if quoted:
        lines += ["Their text, as asked (`--include-examples`), with listed slurs and profanities masked:", "",
                  *table(["id", "label", "text"], quoted)]
    return lines


def bias(ctx: CardContext) -> list[str]:
    lines = [*_rates(ctx), *_scores(ctx), *_breakdowns(ctx), *_identity(ctx), *_associations(ctx), *_review(ctx)]
    lines += [("Every figure above is an automatic measurement with the error of the analyzer that made it "
              "(listed under *Audit provenance*); the shipped models and word lists have cards in biasaudit's "
              "`data_cards/` that describe their known failure modes."), ""]
    return measured(lines)


def provenance(ctx: CardContext) -> list[str]:
    r = ctx.report
    repro = r["reproducibility"]
    rows = [[f"`{a['name']}:{a['variant']}`", a["version"],
             "<br>".join(f"{md_text(k, 80)} `{v[:16]}`" for k, v in a["resources"].items()) or "-"]
            for a in repro["analyzers"]]
    lines = [(f"Measured with biasaudit {repro['biasaudit']} (Python {repro['python']}); the report's sha256 is "
             f"`{ctx.outputs.report_sha256}`."), "", *table(["analyzer", "version", "resources (sha256)"], rows)]
    lex = facts.lexicon_hashes(r)
    if lex:
        lines += ["Word lists: " + "; ".join(f"{md_text(k, 80)} `{v[:16]}`" for k, v in lex.items()) + ".", ""]
    missing = unconfirmed(ctx.options)
    if missing:
        lines += ["Not confirmed by the data owner (placeholders in the metadata): " + ", ".join(missing) + ".",
                  ""]
    lines += [("Every number in this card is copied from the scan's report.json; the YAML block `bias_audit` holds "
              "them unrounded."), ""]
    return measured(lines)
