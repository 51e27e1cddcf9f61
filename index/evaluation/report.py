"""Write and compare evaluation reports: report.json, results.jsonl, report.md with plots."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.errors import UserError
from index.evaluation.runner import QuestionResult


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


FLIPS = ("hit@5", "contains_answer", "refused")  # per-question verdicts compared across runs


def read_report(path: Path) -> dict[str, Any]:
    """An earlier report.json, read before a run so that a wrong one costs no run."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"cannot read the report to compare with, {path}: {exc}") from None
    if not isinstance(found, dict) or not isinstance(found.get("metrics", {}), dict):
        raise UserError(f"{path} is not a report.json written by `newsqa eval`")
    return found


def compare(
    report: dict[str, Any],
    old: dict[str, Any],
    old_report_path: Path,
    results: list[QuestionResult],
) -> dict[str, Any]:
    """Old value, new value and delta of each metric; the questions whose verdicts flipped
    (hit@5, contains_answer, refused); the settings that differ between the two runs."""
    metrics = {}
    for name, value in report["metrics"].items():
        before = old.get("metrics", {}).get(name)
        if isinstance(value, int | float) and isinstance(before, int | float):
            metrics[name] = {"old": before, "new": value, "delta": round(value - before, 4)}
    old_rows: dict[str, dict[str, Any]] = {}
    old_results = old_report_path.with_name("results.jsonl")
    if old_results.exists():
        for line in old_results.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn line: that question is not compared
            if isinstance(row, dict):
                old_rows[str(row.get("id"))] = row
    flips: dict[str, dict[str, list[str]]] = {}
    for verdict in FLIPS:
        lost: list[str] = []
        gained: list[str] = []
        for r in results:
            before, now = old_rows.get(r.item.id, {}).get(verdict), r.as_json().get(verdict)
            if before is None or now is None or bool(before) == bool(now):
                continue
            (gained if now else lost).append(r.item.id)
        flips[verdict] = {"lost": lost, "gained": gained}
    return {
        "against": str(old_report_path),
        "metrics": metrics,
        "deltas": {name: m["delta"] for name, m in metrics.items()},
        "flips": flips,
        "settings": settings_diff(_section(old, "config"), report.get("config", {})),
    }


def _section(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = report.get(name)
    return found if isinstance(found, dict) else {}


def settings_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The configuration values that differ, by dotted name: {name: {"old": .., "new": ..}}.

    A section one report lacks altogether (written by an older newsqa) is not compared; when
    both hold the full `settings`, the curated sections that repeat them are left out."""
    shared = set(old) & set(new)
    if "settings" in shared:
        shared = {k for k in shared if k == "settings" or not isinstance(new[k], dict)}
        shared -= {"answer_k", "refusal_threshold", "chunk_tokens", "chunk_overlap_tokens"}
        shared -= {"embed_precision", "as_of", "llm_model"}
    flat_old = _flat({k: v for k, v in old.items() if k in shared})
    flat_new = _flat({k: v for k, v in new.items() if k in shared})
    return {
        name: {"old": flat_old.get(name), "new": flat_new.get(name)}
        for name in sorted(set(flat_old) | set(flat_new))
        if flat_old.get(name) != flat_new.get(name)
    }


def _flat(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def write_outputs(out: Path, report: dict[str, Any], results: list[QuestionResult]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for r in results:
            handle.write(json.dumps(r.as_json(), ensure_ascii=False) + "\n")
    _plot(out, report, results)
    (out / "report.md").write_text(markdown(report, results), encoding="utf-8")


def _plot(out: Path, report: dict[str, Any], results: list[QuestionResult]) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only; no display here
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    curve = report["metrics"]["hit_curve"]
    left.plot(range(1, len(curve) + 1), curve, marker="o")
    left.set(title="Article hit@k", xlabel="k", ylabel="share of questions", ylim=(0, 1.02))
    left.grid(alpha=0.3)
    from matplotlib.ticker import MaxNLocator

    latencies = [r.total_ms for r in results if r.error is None]
    right.hist(latencies, bins=min(30, max(1, len(latencies))), label="total (retrieval + answer)")
    total = report["latency_ms"]["total"]
    for name, style in (("p50", "--"), ("p95", ":")):
        right.axvline(
            total[name], color="black", linestyle=style, label=f"{name} {total[name]:.0f} ms"
        )
    right.yaxis.set_major_locator(MaxNLocator(integer=True))  # questions are whole
    right.set(title="Latency per question", xlabel="ms", ylabel="questions")
    right.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(out / "plots.png", dpi=110)
    plt.close(fig)


def markdown(report: dict[str, Any], results: list[QuestionResult] | None = None) -> str:
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
        lines += _compare_markdown(report["compare"])
    lines += _failures_markdown(results or [], report["config"].get("k", 10))
    lines += ["", "![hit@k and latency](plots.png)", ""]
    return "\n".join(lines)


def _compare_markdown(c: dict[str, Any]) -> list[str]:
    lines = ["", f"## Compared with {c['against']}", ""]
    lines += ["| metric | old | new | delta |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {m['old']:.3f} | {m['new']:.3f} | {m['delta']:+.3f} |"
        for name, m in c.get("metrics", {}).items()
    ]
    lines += ["", "Questions whose verdict flipped:", ""]
    for verdict, flip in c.get("flips", {}).items():
        lost, gained = ", ".join(flip["lost"]) or "none", ", ".join(flip["gained"]) or "none"
        lines.append(f"- {verdict}: now false for {lost}; now true for {gained}")
    changed = c.get("settings", {})
    lines += ["", "Settings that differ:" if changed else "Settings: the same.", ""]
    lines += [f"- `{name}`: {v['old']!r} → {v['new']!r}" for name, v in changed.items()]
    return lines


MAX_LISTED = 50  # rows per failure list in report.md; results.jsonl has them all


def _failures_markdown(results: list[QuestionResult], k: int) -> list[str]:
    """The questions that went wrong, by kind, each with what was expected and what came."""
    answered = [r for r in results if r.error is None]
    kinds: list[tuple[str, list[QuestionResult], Callable[[QuestionResult], str]]] = [
        (
            f"Gold article not in the top {k}",
            [r for r in answered if not r.item.unanswerable and r.hit_rank is None],
            lambda r: ", ".join(r.retrieved_ids[:3]) or "nothing",
        ),
        (
            "Answerable but refused",
            [r for r in answered if not r.item.unanswerable and r.refused],
            lambda r: _cell(r.answer or ""),
        ),
        (
            "Answered without the gold answer",
            [
                r
                for r in answered
                if not r.item.unanswerable
                and r.refused is False
                and r.answer_scores.get("contains_answer") == 0
            ],
            lambda r: _cell(r.answer or ""),
        ),
        (
            "Unanswerable but answered",
            [r for r in answered if r.item.unanswerable and r.refused is False],
            lambda r: _cell(r.answer or ""),
        ),
        ("Failed with an error", [r for r in results if r.error], lambda r: _cell(r.error or "")),
    ]
    lines: list[str] = []
    for title, rows, got in kinds:
        if not rows:
            continue
        lines += ["", f"## {title} ({len(rows)})", ""]
        lines += ["| id | question | expected | got |", "|---|---|---|---|"]
        for r in rows[:MAX_LISTED]:
            expected = " / ".join(r.item.answers[:2]) or ", ".join(r.item.evidence_ids) or "-"
            lines.append(
                f"| {_cell(r.item.id)} | {_cell(r.item.question)} | {_cell(expected)} | {got(r)} |"
            )
        if len(rows) > MAX_LISTED:
            lines.append(f"\n… and {len(rows) - MAX_LISTED} more in results.jsonl.")
    return lines


def _cell(text: str, limit: int = 160) -> str:
    """Text fit for a Markdown table cell: one line, pipes escaped, cut when long."""
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def terminal_table(report: dict[str, Any]) -> str:
    m, lat = report["metrics"], report["latency_ms"]
    compared = report.get("compare", {}).get("metrics", {})
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
        was = compared.get(name)
        delta = f"  (was {was['old']:.3f}, {was['delta']:+.3f})" if was else ""
        lines.append(f"{name:<{width}}  {shown:>12}{delta}")
    counts = report["counts"]
    lines.append(f"\n{counts['questions']} questions, {counts['failed']} failed")
    if "compare" in report:
        c = report["compare"]
        for verdict, flip in c["flips"].items():
            lines.append(
                f"{verdict} flipped to false: {', '.join(flip['lost']) or 'none'}; "
                f"to true: {', '.join(flip['gained']) or 'none'}"
            )
        changed = c["settings"]
        lines.append(
            "settings changed: "
            + (", ".join(f"{n} {v['old']!r} -> {v['new']!r}" for n, v in changed.items()) or "none")
        )
    return "\n".join(lines)
