"""Per-chat memory: the last turns of each conversation, and the sources of the last answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.telegram.memory import FILE_NAME, ChatMemory
from index.records import Citation
from tests.conftest import make_passage

PASSAGES = [
    make_passage("L'OMS a déclaré la fin de l'épidémie d'Ebola en Guinée.", "ebola"),
    make_passage("Le virus a tué plus de 11 000 personnes.", "ebola", start=57, chunk_index=1),
    make_passage("Undated text.", "other", published_at=None, lang="en", url=""),
]
CITATIONS = tuple(
    Citation(n, p, p.text[:20], p.start, p.start + 20) for n, p in enumerate(PASSAGES, 1)
)


def test_history_is_bounded_per_chat(tmp_path: Path) -> None:
    memory = ChatMemory(tmp_path / FILE_NAME, max_turns=2)
    for n in range(4):
        memory.remember(1, f"question {n}", f"answer {n}", "fr", CITATIONS, "<b>x</b>")
    memory.remember(2, "other chat", "answer", "en", (), "x")
    assert [t.question for t in memory.history(1)] == ["question 2", "question 3"]
    assert [t.answer for t in memory.history(1)] == ["answer 2", "answer 3"]
    last = memory.last(1)
    assert last is not None and last.citations == CITATIONS  # dates and all, back from JSON
    assert last.citations[0].passage.published_at == date(2016, 1, 1)
    assert last.citations[2].passage.published_at is None
    assert memory.forget(1) == 2
    assert memory.history(1) == [] and memory.last(1) is None
    assert [t.question for t in memory.history(2)] == ["other chat"]
    memory.close()


def test_conversations_survive_reopening_the_file(tmp_path: Path) -> None:
    memory = ChatMemory(tmp_path / FILE_NAME, max_turns=6)
    memory.remember(7, "Qui ?", "Lui [1].", "fr", CITATIONS[:1], "<b>Lui</b>")
    memory.close()
    reopened = ChatMemory(tmp_path / FILE_NAME, max_turns=6)
    assert [(t.question, t.answer) for t in reopened.history(7)] == [("Qui ?", "Lui [1].")]
    last = reopened.last(7)
    assert last is not None and last.citations == CITATIONS[:1]
    reopened.close()


def test_messages_lead_back_to_their_exchange_while_it_is_remembered(tmp_path: Path) -> None:
    memory = ChatMemory(tmp_path / FILE_NAME, max_turns=2)
    ids = []
    for n in range(3):
        ids.append(memory.remember(1, f"question {n}", f"answer {n}", "fr", (), "x"))
        memory.link(1, ids[-1], [100 + n], (10 + n, f"question {n}"))
    assert memory.answered_by(1, 101) == ids[1] and memory.answered_by(1, 11) is None
    assert memory.asked_in(1, 12) == (ids[2], "question 2")
    assert memory.answered_by(1, 100) is None  # beyond the bound: forgotten with its exchange
    assert memory.answered_by(2, 101) is None  # another chat's message of the same id
    # A reply to the older answer follows the turns up to it, not the latest.
    assert [t.question for t in memory.history(1, until=ids[1])] == ["question 1"]
    memory.drop(1, ids[2])  # its question was edited
    assert memory.asked_in(1, 12) == (None, "")
    assert [t.question for t in memory.history(1)] == ["question 1"]
    memory.close()
