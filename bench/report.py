"""Turn bench/results.json into BENCHMARKS.md tables and throughput/memory plots."""
from __future__ import annotations

from pathlib import Path

GOAL_NOTE = {
    "scan": "goal: ≥ vaderSentiment alone",
    "default analyzers": "goal: ≥ vaderSentiment alone",
}


def _ratio(a: dict, b: dict) -> str:
    if "skipped" in a or "skipped" in b:
        return "–"
    return f"{a['records_per_s'] / b['records_per_s']:.2f}"


def _table(rows: dict) -> list[str]:
    floor, vader = rows["floor"], rows["vaderSentiment"]
    lines = ["| step | records/s | MB/s | peak RSS (MB) | load (s) | × floor | × vaderSentiment | note |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in rows.items():
        if "skipped" in r:
            lines.append(f"| {name} | – | – | – | – | – | – | skipped: {r['skipped'][:80]} |")
            continue
        lines.append(f"| {name} | {r['records_per_s']:,.0f} | {r['mb_per_s']:.2f} | {r['peak_rss_mb']:.0f} | "
                     f"{r['load_seconds']:.2f} | {_ratio(r, floor)} | {_ratio(r, vader)} | "
                     f"{GOAL_NOTE.get(name, '')} |")
    return lines


def _goals(results: dict) -> list[str]:
    """Issue 11's goals, met or not, computed from the measurements (never written by hand)."""
    lines = ["## Goals", "", "| goal | measured | met |", "|---|---|---|"]
    for mix, data in results["mixes"].items():
        rows = data["components"]
        if "skipped" in rows["vaderSentiment"]:
            continue
        vader = rows["vaderSentiment"]["records_per_s"]
        for name in ("default analyzers", "scan"):
            r = rows[name]
            if "skipped" not in r:
                ratio = r["records_per_s"] / vader
                label = f"scan of {r['records']:,} records" if name == "scan" else name
                lines.append(f"| {mix}: {label} ≥ vaderSentiment alone | {r['records_per_s']:,.0f} vs {vader:,.0f} "
                             f"records/s ({ratio:.2f}×) | {'yes' if ratio >= 1 else 'no'} |")
        scans = [r for r in data["scan_by_size"] if "skipped" not in r]
        for r in scans:  # a scan has a fixed cost (loading models, the self-audit, the report): the ratio rises with corpus size
            if r["size"] == rows["scan"].get("records"):
                continue  # the same scan as the component row above (the tweets: all of them both times)
            ratio = r["records_per_s"] / vader
            lines.append(f"| {mix}: scan of {r['size']:,} records ≥ vaderSentiment alone | "
                         f"{r['records_per_s']:,.0f} vs {vader:,.0f} records/s ({ratio:.2f}×) | "
                         f"{'yes' if ratio >= 1 else 'no'} |")
        if len(scans) > 1:
            small, big = scans[0], scans[-1]
            growth = big["peak_rss_mb"] / small["peak_rss_mb"]
            lines.append(f"| {mix}: peak memory flat from {small['size']:,} to {big['size']:,} records | "
                         f"{small['peak_rss_mb']:.0f} → {big['peak_rss_mb']:.0f} MB ({growth:.2f}×) | "
                         f"{'yes' if growth <= 1.1 else 'no'} |")
    return [*lines, ""]


def write_markdown(results: dict, path: Path) -> None:
    out = ["# Benchmarks", "",
           (f"Measured {results['when']} on {results['cpu']}, Python {results['python']}, one core per "
           "measurement (each in a fresh process). Regenerate with `python bench/run.py` (writes "
           "bench/results.json, this file and bench/plots/). Corpora are seeded synthetic JSONL (bench/corpus.py): "
           "`chat` = one 4–30-word line per record, `doc` = 50–300-word paragraphs, both from a closed vocabulary of "
           "~10k words; `tweets` = real text, the 19,826 training tweets of Davidson et al. (2017) read from shared/ "
           "(mentions, URLs, HTML entities, slang: an open vocabulary, so the word caches keep learning). Components "
           f"and peers run on the first {results['component_records']:,} records of the synthetic mixes and on every "
           "tweet (`--quick`: on as many tweets); throughput excludes model loading "
           "(`load`), the scan row is end to end (read, score, aggregate, write records and reports) and reads a file "
           "of exactly the records it scans (a scan fingerprints its whole input). biasaudit's "
           "modules are read from bytecode, as after `pip install` (the bench byte-compiles the package first; the "
           "peers' installed modules have theirs). The rows the goals compare (default analyzers, scans up to 100,000 "
           "records, vaderSentiment) are the median of 3 runs: one run varies by up to ~20% on this machine."), ""]
    if results.get("note"):
        out += [f"**Conditions:** {results['note']}", ""]
    out += _goals(results)
    for mix, data in results["mixes"].items():
        out += [f"## {mix} mix", ""] + _table(data["components"]) + [""]
        vader = data["components"]["vaderSentiment"]
        out += [("Full default scan by corpus size (memory must stay flat; × vaderSentiment against its rate on the "
                "component records):"), "",
                "| records | records/s | MB/s | peak RSS (MB) | × vaderSentiment |", "|---:|---:|---:|---:|---:|"]
        for r in data["scan_by_size"]:
            if "skipped" not in r:
                out.append(f"| {r['size']:,} | {r['records_per_s']:,.0f} | {r['mb_per_s']:.2f} | "
                           f"{r['peak_rss_mb']:.0f} | {_ratio(r, vader)} |")
        out.append("")
    out += ["![throughput](bench/plots/throughput.png)", "", "![memory](bench/plots/memory.png)", ""]
    path.write_text("\n".join(out))


def plot(results: dict, folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    mixes = list(results["mixes"])
    fig, axes = plt.subplots(1, len(mixes), figsize=(6 * len(mixes), 4), squeeze=False)
    for ax, mix in zip(axes[0], mixes):
        rows = {k: v for k, v in results["mixes"][mix]["components"].items() if "skipped" not in v}
        names = list(rows)
        ax.barh(names, [rows[n]["records_per_s"] for n in names], color="#4c72b0")
        ax.set_xscale("log")
        ax.invert_yaxis()
        ax.set_title(f"{mix}: records/s, one core (log scale)")
    fig.tight_layout()
    fig.savefig(folder / "throughput.png", dpi=110)
    plt.close(fig)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for mix in mixes:
        rows = [r for r in results["mixes"][mix]["scan_by_size"] if "skipped" not in r]
        sizes = [r["size"] for r in rows]
        left.plot(sizes, [r["records_per_s"] for r in rows], marker="o", label=mix)
        right.plot(sizes, [r["peak_rss_mb"] for r in rows], marker="o", label=mix)
    for ax, title in ((left, "full scan records/s"), (right, "full scan peak RSS (MB)")):
        ax.set_xscale("log")
        ax.set_xlabel("records in corpus")
        ax.set_title(title)
        ax.legend()
    right.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(folder / "memory.png", dpi=110)
    plt.close(fig)
