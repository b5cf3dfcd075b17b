"""Files of a debiasing report: PREFIX.json (the source of truth), PREFIX.md and PREFIX.png, rendered from it.

Formats and draws the numbers the report dict holds; computes nothing.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

_VECTOR_SUFFIXES = (".bin", ".txt", ".vec", ".w2v")
_TITLES = {"hard": "hard debiasing (Bolukbasi et al. 2016)",
           "inlp": "iterative nullspace projection, INLP (Ravfogel et al. 2020)"}


def report_prefix(out: str | Path) -> Path:
    """Where the report of vectors written to ``out`` goes: ``vectors.bin.gz`` -> ``vectors.report``."""
    out = Path(out)
    name = out.name
    for suffix in (".gz", ".bz2"):
        name = name.removesuffix(suffix)
    for suffix in _VECTOR_SUFFIXES:
        name = name.removesuffix(suffix)
    return out.with_name(name + ".report")


def _num(x: Any, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _weat_cell(side: dict) -> str:
    if "refused" in side:
        return "refused"
    n = side["n_permutations"]
    p = f"< {1 / n:.0e}" if n != "exact" and side["p_value"] == 0 else f"{side['p_value']:.3g}"
    return f"d = {side['effect_size']:.2f} (p {p})"


def summary_rows(report: dict) -> list[tuple[str, str, str]]:
    """(measure, before, after) rows: the table the CLI prints and the Markdown starts with."""
    rows = []
    db = report.get("direct_bias", {})
    if "before" in db:
        rows.append((f"DirectBias (c={db['c']:g}) over {db['words']} neutral professions",
                     _num(db["before"], 4), _num(db["after"], 4)))
    evr = report.get("direction", {}).get("explained_variance_ratio")
    if evr:
        rows.append(("variance of the definitional pairs on PC1", _num(evr["before"][0]), _num(evr["after"][0])))
    for t in report.get("weat", []):
        rows.append((f"{t['test']} ({t['targets']} / {t['attributes']})", _weat_cell(t["before"]),
                     _weat_cell(t["after"])))
    if report["method"] == "inlp":
        acc = report["inlp"]["test_accuracy"]
        rows.append((f"held-out accuracy of a fresh classifier (majority class {acc['majority_class']:.3f})",
                     _num(acc["before"]), _num(acc["after"])))
    return rows


def debias_markdown(report: dict, png_name: str | None) -> str:
    src, out = report["input"], report["output"]
    lines = [f"# Debiasing word vectors: {_TITLES[report['method']]}", "",
             (f"Input `{src['source']}` ({src['format']}, {src['loaded']:,} words, dim {src['dim']}, "
             f"sha256 `{src['sha256']}`); output `{out['path']}` ({out['format']}, {out['words']:,} words, "
             f"sha256 `{out['sha256']}`)."), ""]
    if src["duplicate_words_dropped"]:
        lines += [f"{src['duplicate_words_dropped']:,} repeated words of the input were dropped (first kept).", ""]
    lines += ["## Before and after", "", "| measure | before | after |", "|---|---|---|"]
    lines += [f"| {m} | {b} | {a} |" for m, b, a in summary_rows(report)]
    lines += [""] + [f"- {t['test']} refused {side}: {t[side]['refused']}" for t in report.get("weat", [])
                     for side in ("before", "after") if "refused" in t[side]]
    lines += ["", ("DirectBias and projections use the gender direction found before debiasing. A low DirectBias "
              "does not mean gender is gone: it stays recoverable from neighbours (Gonen & Goldberg 2019); "
              "WEAT rows show what remains."), ""]
    if png_name:
        lines += [f"![Gender direction and profession projections before and after]({png_name})", ""]
    lines += _method_lines(report) + _direction_lines(report)
    lines += ["## Reproducibility", "", "| list | entries | sha256 |", "|---|---|---|"]
    lines += [f"| {k} (`{v['path']}`) | {v['entries']} | `{v['sha256']}` |" for k, v in report["lists"].items()]
    repro = report["reproducibility"]
    lines += ["", "Versions: " + ", ".join(f"{k} {v}" for k, v in repro.items() if k != "settings") + ".", "",
              "Settings: " + ", ".join(f"{k}={v}" for k, v in repro["settings"].items()) + ".", ""]
    return "\n".join(lines)


def _method_lines(report: dict) -> list[str]:
    if report["method"] == "hard":
        h = report["hard"]
        pairs = ", ".join("/".join(p) for p in h["equalized_pairs"]) or "none"
        absent = ", ".join("/".join(p) for p in h["equalize_pairs_absent"]) or "none"
        return ["## What was done", "",
                (f"- Neutralized {h['neutralized']:,} words (every word not in the gender-specific list); "
                f"{h['gender_specific_in_vectors']:,} gender-specific words kept their gender component."),
                f"- Equalized {len(h['equalized_pairs'])} pairs: {pairs}.",
                f"- Equalize pairs with no case variant in the vectors: {absent}.",
                f"- Zero vectors (left as zero): {h['zero_vectors']}. All output vectors have unit length.", ""]
    i = report["inlp"]
    t = i["training_words"]
    lines = ["## What was done", "",
             (f"- Training words: {', '.join(f'{k} {v:,}' for k, v in t['per_class'].items())} (the most "
             f"{t['pair'][0]}-like and {t['pair'][1]}-like of {t['pool']:,} plain words by cosine with "
             f"{t['pair'][0]} - {t['pair'][1]}, neutral |cos| < {t['neutral_threshold']}); split "
             f"{i['split']['train']:,} train / {i['split']['dev']:,} dev / {i['split']['test']:,} test."),
             (f"- {len(i['iterations'])} iterations of a linear {i['classifier']} classifier; "
             f"{i['rank_removed']} of {report['output']['dim']} dimensions removed. Output vectors are P x "
             "(not re-normalised)."
             + (" **More than half of the dimensions are gone: consider fewer --iterations.**"
                if 2 * i["rank_removed"] > report["output"]["dim"] else "")), "",
             "| iteration | dev accuracy | dimensions removed | converged |", "|---|---|---|---|"]
    lines += [f"| {it['iteration']} | {it['dev_accuracy']:.3f} | {it['rank_removed']} | "
              f"{'yes' if it['converged'] else 'no'} |" for it in i["iterations"]]
    return lines + ["", f"Chance (majority class of dev): {i['split']['dev_majority_class']:.3f}.", ""]


def _direction_lines(report: dict) -> list[str]:
    d = report.get("direction", {})
    if "not_computed" in d:
        return ["## Gender direction", "", f"Not computed: {d['not_computed']}", ""]
    evr = d["explained_variance_ratio"]
    lines = ["## Gender direction", "",
             (f"First principal component of the {len(d['pairs_used'])} definitional pairs found "
             f"(missing: {', '.join('/'.join(p) for p in d['pairs_missing']) or 'none'}), oriented towards "
             f"{', '.join(d['oriented_towards'][:3])}, ...; |cos| between the directions before and after: "
             f"{_num(d['cosine_after_before'])}."), "",
             "| component | variance ratio before | after |", "|---|---|---|"]
    lines += [f"| PC{k + 1} | {b:.3f} | {a:.3f} |" for k, (b, a) in enumerate(zip(evr["before"], evr["after"]))]
    return lines + [""]


def debias_plot_png(report: dict) -> bytes | None:
    """Variance explained per component (before/after) and each neutral profession's projection before vs after."""
    if "explained_variance_ratio" not in report.get("direction", {}):
        return None
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np

    evr = report["direction"]["explained_variance_ratio"]
    proj = report.get("profession_projections")
    fig, axes = plt.subplots(1, 2 if proj else 1, figsize=(10 if proj else 5, 5), dpi=100, squeeze=False)
    ax = axes[0][0]
    k = np.arange(1, len(evr["before"]) + 1)
    ax.bar(k - 0.2, evr["before"], width=0.4, label="before", color="#4c72b0")
    ax.bar(k + 0.2, evr["after"], width=0.4, label="after", color="#dd8452")
    ax.set_xticks(k)
    ax.set_xlabel("principal component of the definitional pairs")
    ax.set_ylabel("share of variance")
    ax.legend(frameon=False)
    if proj:
        _projection_bars(axes[0][1], proj, report["direction"]["oriented_towards"][0], np)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})  # no timestamps: same report, same bytes
    plt.close(fig)
    return buf.getvalue()


def _projection_bars(ax, proj: dict, towards: str, np, per_side: int = 10) -> None:
    """The professions that lean most to either side before, with their projection before and after."""
    before, after = np.array(proj["before"]), np.array(proj["after"])
    order = np.argsort(before, kind="stable")
    picked = order if order.size <= 2 * per_side else np.concatenate([order[:per_side], order[-per_side:]])
    y = np.arange(picked.size)
    ax.barh(y + 0.2, before[picked], height=0.4, label="before", color="#4c72b0")
    ax.barh(y - 0.2, after[picked], height=0.4, label="after", color="#dd8452")
    ax.set_yticks(y)
    ax.set_yticklabels([proj["words"][i] for i in picked], fontsize=7)
    ax.axvline(0, color="#999999", linewidth=0.6)
    ax.set_xlabel(f"cos with the gender direction (+ = towards '{towards}')")
    ax.set_title(f"most gendered of {before.size} neutral professions, before and after", fontsize=9)
    ax.legend(frameon=False, fontsize=8)


def write_debias_report(report: dict, prefix: str | Path) -> dict[str, Path]:
    """PREFIX.json, PREFIX.md and (when there is a direction to draw) PREFIX.png, each written atomically."""
    from biasaudit.report.writers import atomic_writer, dumps_json, write_text

    prefix = Path(prefix)
    paths = {"json": prefix.with_name(prefix.name + ".json"), "md": prefix.with_name(prefix.name + ".md")}
    png = debias_plot_png(report)
    if png is not None:
        paths["png"] = prefix.with_name(prefix.name + ".png")
        with atomic_writer(paths["png"], binary=True) as fh:
            fh.write(png)
    with atomic_writer(paths["json"], binary=True) as fh:
        fh.write(dumps_json(report) + b"\n")
    write_text(paths["md"], debias_markdown(report, paths["png"].name if png is not None else None))
    return paths
