"""`newsqa eval` end to end, on a two-article corpus whose metrics are known by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.bot.cli.conftest import Newsqa
from tests.conftest import SAMPLE_CORPUS, SEED, run_cli, write_jsonl

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"
NOBEL_QUESTION = "Qui a reçu le prix Nobel de la paix 2016 ?"
NOBEL_ID = "frwikinews-2016-10-07-001"


def _corpus(tmp_path: Path) -> Path:
    seed_text = SEED.read_text(encoding="utf-8")
    nobel = next(
        json.loads(line) for line in SAMPLE_CORPUS.read_text().splitlines() if NOBEL_ID in line
    )
    seed = {
        "id": "seed",
        "title": "Réunion du groupe de contact sur l'Ukraine",
        "text": seed_text,
        "source": "test",
    }
    return write_jsonl(tmp_path / "corpus.jsonl", [seed, nobel])


def _qa(tmp_path: Path, seed_gold: str = "seed") -> Path:
    whitaker = SEED.read_text(encoding="utf-8").index("Matthew Whitaker")
    lines = [
        json.dumps(
            {
                "id": "q1",
                "question": SEED_QUESTION,
                "answer": "Matthew Whitaker",
                "evidence_ids": [seed_gold],
                "answer_spans": [[whitaker, whitaker + len("Matthew Whitaker")]],
            }
        ),
        # Gold is the other article: it can only come second of two.
        json.dumps(
            {
                "id": "q2",
                "question": NOBEL_QUESTION,
                "answers": ["Santos"],
                "evidence_ids": ["seed"],
            }
        ),
        json.dumps(
            {
                "id": "q3",
                "question": NOBEL_QUESTION,
                "answers": ["Santos"],
                "evidence_ids": ["not-in-corpus"],
            }
        ),
        json.dumps(
            {
                "id": "q4",
                "question": "Who won the 2030 World Cup?",
                "answers": [],
                "unanswerable": True,
            }
        ),
        '{"id": "q5", "question": "truncated',
        json.dumps({"id": "q6", "answers": ["x"], "evidence_ids": ["seed"]}),
    ]
    path = tmp_path / f"qa-{seed_gold}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def markdown_rows(markdown: str) -> dict[str, str]:
    """The two-column rows of a Markdown table: first cell -> second, spacing aside."""
    cells = (
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in markdown.splitlines()
        if line.lstrip().startswith("|")
    )
    return {row[0]: row[1] for row in cells if len(row) >= 2}


@pytest.mark.model
def test_eval_metrics_reports_and_compare(tmp_path: Path) -> None:
    # The sentence backend's answers, which the checks below were written for.
    corpus = _corpus(tmp_path)
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data"), "NEWSQA_ANSWER_BACKEND": "extractive"}
    first = run_cli(
        "eval",
        str(_qa(tmp_path)),
        "--corpus",
        str(corpus),
        "--out",
        str(tmp_path / "run1"),
        env=env,
    )
    assert first.returncode == 0, first.stderr
    assert "qa-seed.jsonl:5: invalid JSON" in first.stderr
    assert "qa-seed.jsonl:6: no 'question'" in first.stderr
    report = json.loads((tmp_path / "run1" / "report.json").read_text())
    m = report["metrics"]
    # q1 rank 1, q2 rank 2, q3 never: averaged over the three answerable questions.
    assert m["hit@1"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["hit@3"] == m["hit@5"] == m["hit@10"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["mrr@10"] == pytest.approx(0.5, abs=1e-4)
    assert m["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3)) / 3, abs=1e-4)
    assert m["passage_hit@10"] == 1.0  # q1's answer span is inside a retrieved chunk
    assert report["counts"] == {
        "questions": 4,
        "answerable": 3,
        "unanswerable": 1,
        "with_answer_spans": 1,
        "failed": 0,
    }
    assert report["latency_ms"]["retrieval"]["p95"] > 0
    assert report["config"]["embed_model"].startswith("intfloat/multilingual-e5-small")
    assert len(report["corpus_hash"]) == 64 and report["seconds"] > 0
    rows = [json.loads(x) for x in (tmp_path / "run1" / "results.jsonl").read_text().splitlines()]
    assert [r["hit_rank"] for r in rows] == [1, 2, None, None]
    assert rows[0]["retrieved_ids"] == ["seed", NOBEL_ID]
    # Answers: q1 is answered from the seed, with a citation of it.
    assert "Matthew Whitaker" in rows[0]["answer"] and rows[0]["contains_answer"] == 1.0
    assert rows[0]["citations"][0]["article_id"] == "seed"
    assert rows[0]["citation_precision"] == 1.0
    answerable = rows[:3]
    assert m["contains_answer"] == pytest.approx(
        sum(r["contains_answer"] for r in answerable) / 3, abs=1e-4
    )
    assert m["refusal_rate"] == pytest.approx(sum(r["refused"] for r in answerable) / 3, abs=1e-4)
    assert m["refusal_accuracy"] == float(rows[3]["refused"])
    assert report["latency_ms"]["answer"]["p50"] > 0
    assert report["config"]["answerer"] == "extractive"
    assert (tmp_path / "run1" / "plots.png").stat().st_size > 10_000
    written = (tmp_path / "run1" / "report.md").read_text()
    assert markdown_rows(written)["hit@5"] == "0.667"
    # The failures are named, each with its question, what was expected and what came back.
    assert "## Gold article not in the top 10 (1)" in written
    miss = next(line for line in written.splitlines() if line.startswith("| q3 |"))
    assert rows[2]["question"] in miss
    # q4 is unanswerable: listed exactly when it was answered.
    assert ("## Unanswerable but answered (1)" in written) == (rows[3]["refused"] is False)

    # Second run: same corpus (reused, nothing embedded), q1's gold moved away: a flip; and
    # a stricter refusal threshold, a setting the comparison must name.
    second = run_cli(
        "eval",
        str(_qa(tmp_path, seed_gold="elsewhere")),
        "--corpus",
        str(corpus),
        "--out",
        str(tmp_path / "run2"),
        "--compare",
        str(tmp_path / "run1" / "report.json"),
        env=env | {"NEWSQA_REFUSAL_THRESHOLD": "2.0"},
    )
    assert second.returncode == 0, second.stderr
    assert "0 added, 0 updated, 2 unchanged" in second.stderr
    compared = json.loads((tmp_path / "run2" / "report.json").read_text())["compare"]
    assert compared["flips"]["hit@5"] == {"lost": ["q1"], "gained": []}
    hit1 = compared["metrics"]["hit@1"]
    assert (hit1["old"], hit1["new"]) == (pytest.approx(1 / 3, abs=1e-3), 0.0)
    assert hit1["delta"] == pytest.approx(-1 / 3, abs=1e-3)
    # Named once, under the full settings both reports hold.
    assert compared["settings"] == {"settings.refusal_threshold": {"old": 0.94, "new": 2.0}}
    # Nothing clears the threshold now: every answer became a refusal, each named.
    answered_before = {r["id"] for r in rows if r["refused"] is False}
    newly_refused = compared["flips"]["refused"]["gained"]
    assert newly_refused and set(newly_refused) == answered_before
    assert "hit@5 flipped to false: q1; to true: none" in second.stdout
    assert "settings changed: settings.refusal_threshold 0.94 -> 2.0" in second.stdout
    compared_md = (tmp_path / "run2" / "report.md").read_text()
    assert "| hit@1 | 0.333 | 0.000 | -0.333 |" in compared_md


def test_eval_user_mistakes_are_one_line(tmp_path: Path, newsqa: Newsqa) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "d")}
    missing = newsqa("eval", str(tmp_path / "nope.jsonl"), env=env)
    assert missing.returncode == 2
    assert missing.stderr == f"error: no QA file at {tmp_path / 'nope.jsonl'}\n"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("not json\n")
    result = newsqa("eval", str(empty), env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"error: no usable questions in {empty}"


def test_eval_checks_its_outputs_before_the_run(tmp_path: Path, newsqa: Newsqa) -> None:
    # Each of these used to be found after every question had been asked, as a traceback.
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "d")}
    qa = _qa(tmp_path)
    torn, listed, a_file = tmp_path / "torn.json", tmp_path / "list.json", tmp_path / "afile"
    torn.write_text('{"metrics": {"hit@1"')
    listed.write_text("[1, 2]")
    a_file.write_text("")
    for args, said in [
        (["--compare", str(torn)], f"error: cannot read the report to compare with, {torn}: "),
        (["--compare", str(listed)], f"error: {listed} is not a report.json written by"),
        (["--out", str(a_file)], f"error: --out {a_file}: cannot make the report folder there"),
    ]:
        result = newsqa("eval", str(qa), *args, env=env)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines()[-1].startswith(said), result.stderr
        assert "Traceback" not in result.stderr


def test_eval_says_why_its_corpus_gave_nothing(tmp_path: Path, newsqa: Newsqa) -> None:
    bad = tmp_path / "corpus.jsonl"
    bad.write_text('{"id": "a", "title": "sans texte"}\n')
    result = newsqa(
        "eval",
        str(_qa(tmp_path)),
        "--corpus",
        str(bad),
        env={"NEWSQA_DATA_DIR": str(tmp_path / "d")},
    )
    assert result.returncode == 2
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"error: nothing from --corpus {bad} could be stored (")
    assert "no 'text'" in last


def test_a_qa_line_with_one_id_not_in_a_list_is_read_and_an_inverted_span_is_skipped(
    tmp_path: Path,
) -> None:
    from index.evaluation import load_qa

    rows: list[dict[str, object]] = [
        {"id": "one", "question": "Qui ?", "answer": "Lui", "evidence_ids": "a1"},
        {"id": "flip", "question": "Quoi ?", "answer": "Ça", "evidence_ids": ["a1"],
         "answer_spans": [[5, 2]]},
    ]  # fmt: skip
    items, bad = load_qa(write_jsonl(tmp_path / "qa.jsonl", rows))
    assert [(i.id, i.evidence_ids, i.answers) for i in items] == [("one", ["a1"], ["Lui"])]
    assert [(b.line, b.reason) for b in bad] == [
        (2, "an answer span ends before it starts: [(5, 2)]")
    ]
