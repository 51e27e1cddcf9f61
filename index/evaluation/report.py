"""Write and compare evaluation reports: report.json, results.jsonl, report.md with plots."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from index.evaluation.runner import QuestionResult

FLIP_METRIC = "hit@5"  # a question "flips" when its hit@5 changes between two runs


def git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).parent,
        )
        return done.stdout.strip() if done.returncode == 0 else ""
    except OSError:
        return ""


def compare(
    report: dict[str, Any], old_report_path: Path, results: list[QuestionResult]
) -> dict[str, Any]:
    """Per-metric deltas and the questions whose hit@5 changed, against an older run."""
    old = json.loads(old_report_path.read_text(encoding="utf-8"))
    deltas = {}
    for name, value in report["metrics"].items():
        before = old.get("metrics", {}).get(name)
        if isinstance(value, int | float) and isinstance(before, int | float):
            deltas[name] = round(value - before, 4)
    old_hits: dict[str, float] = {}
    old_results = old_report_path.with_name("results.jsonl")
    if old_results.exists():
        for line in old_results.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if FLIP_METRIC in row:
                old_hits[row["id"]] = row[FLIP_METRIC]
    lost, gained = [], []
    for r in results:
        if r.item.id in old_hits and FLIP_METRIC in r.scores:
            if old_hits[r.item.id] and not r.scores[FLIP_METRIC]:
                lost.append(r.item.id)
            elif not old_hits[r.item.id] and r.scores[FLIP_METRIC]:
                gained.append(r.item.id)
    return {
        "against": str(old_report_path),
        "deltas": deltas,
        "hit_to_miss": lost,
        "miss_to_hit": gained,
    }


def write_outputs(out: Path, report: dict[str, Any], results: list[QuestionResult]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for r in results:
            handle.write(json.dumps(r.as_json(), ensure_ascii=False) + "\n")
    _plot(out, report, results)
    (out / "report.md").write_text(markdown(report), encoding="utf-8")


def _plot(out: Path, report: dict[str, Any], results: list[QuestionResult]) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only; no display here
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    curve = report["metrics"]["hit_curve"]
    left.plot(range(1, len(curve) + 1), curve, marker="o")
    left.set(title="Article hit@k", xlabel="k", ylabel="share of questions", ylim=(0, 1.02))
    left.grid(alpha=0.3)
    latencies = [r.total_ms for r in results if r.error is None]
    right.hist(latencies, bins=30)
    right.set(title="Latency per question", xlabel="ms", ylabel="questions")
    fig.tight_layout()
    fig.savefig(out / "plots.png", dpi=110)
    plt.close(fig)


def markdown(report: dict[str, Any]) -> str:
    m, lat, counts = report["metrics"], report["latency_ms"], report["counts"]
    lines = [
        f"# Evaluation: {report['qa_file']}",
        "",
        f"{counts['questions']} questions ({counts['answerable']} answerable, "
        f"{counts['unanswerable']} unanswerable, {counts['failed']} failed); "
        f"model {report['config']['embed_model']} "
        f"({report['config'].get('embed_precision', 'fp32')}); "
        f"commit {report['git_commit'] or 'unknown'}.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    lines += [
        f"| {name} | {value:.3f} |" for name, value in m.items() if isinstance(value, int | float)
    ]
    lines += ["", "| latency (ms) | p50 | p95 | max |", "|---|---|---|---|"]
    lines += [
        f"| {stage} | {v['p50']:.1f} | {v['p95']:.1f} | {v['max']:.1f} |"
        for stage, v in lat.items()
    ]
    if report.get("by_type"):
        lines += ["", "| question type | n | hit@5 | mrr |", "|---|---|---|---|"]
        for kind, v in report["by_type"].items():
            mrr = next(val for key, val in v.items() if key.startswith("mrr"))
            lines.append(f"| {kind} | {v['n']} | {v['hit@5']:.3f} | {mrr:.3f} |")
    if "compare" in report:
        c = report["compare"]
        lines += ["", f"## Compared with {c['against']}", "", "| metric | delta |", "|---|---|"]
        lines += [f"| {name} | {delta:+.4f} |" for name, delta in c["deltas"].items()]
        lines += [
            "",
            f"hit@5 lost: {', '.join(c['hit_to_miss']) or 'none'}",
            f"hit@5 gained: {', '.join(c['miss_to_hit']) or 'none'}",
        ]
    lines += ["", "![hit@k and latency](plots.png)", ""]
    return "\n".join(lines)


def terminal_table(report: dict[str, Any]) -> str:
    m, lat = report["metrics"], report["latency_ms"]
    deltas = report.get("compare", {}).get("deltas", {})
    rows: list[tuple[str, float | str]] = [
        (name, value) for name, value in m.items() if isinstance(value, int | float)
    ]
    rows += [
        (f"{stage} p50/p95 ms", f"{v['p50']:.0f} / {v['p95']:.0f}") for stage, v in lat.items()
    ]
    width = max(len(name) for name, _ in rows)
    lines = []
    for name, value in rows:
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        delta = f"  ({deltas[name]:+.3f})" if name in deltas else ""
        lines.append(f"{name:<{width}}  {shown:>12}{delta}")
    counts = report["counts"]
    lines.append(f"\n{counts['questions']} questions, {counts['failed']} failed")
    if "compare" in report:
        c = report["compare"]
        lines.append(
            f"hit@5 lost: {', '.join(c['hit_to_miss']) or 'none'}; "
            f"gained: {', '.join(c['miss_to_hit']) or 'none'}"
        )
    return "\n".join(lines)
