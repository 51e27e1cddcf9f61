"""A relative period read as its date, with the real embedder, reader and an embedded Chroma:
asked on 28 October 2017 which region voted its independence "hier", the reader finds the
Catalan vote, whose article says "le 27 octobre 2017", not the Israeli independence day that
"hier" left closer to the question's other words."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from index.answer import Answerer
from index.engine import NewsIndex
from index.reading.runtime import Reader
from ingest.pipeline import Ingestor
from tests.conftest import SAMPLE_CORPUS, write_jsonl

STORIES = {
    "frwikinews-2017-05-02-001",  # UNESCO vote, "jour de l'indépendance israélienne"
    "frwikinews-2017-09-28-001",  # the Iraqi Kurdistan referendum
    "frwikinews-2017-10-27-001",  # the Catalan parliament declares independence
}


def test_yesterday_is_read_as_the_day_it_stands_for(
    fresh_index: NewsIndex, reader: Reader, tmp_path: Path
) -> None:
    with SAMPLE_CORPUS.open(encoding="utf-8") as lines:
        records = [r for r in map(json.loads, lines) if r["id"] in STORIES]
    corpus = write_jsonl(tmp_path / "independence.jsonl", records)
    assert Ingestor(fresh_index.settings, fresh_index).run([str(corpus)]).added == 3
    fresh_index.sync_lexical()
    answerer = Answerer(fresh_index.settings, fresh_index, reader=reader)
    answer = answerer.answer(
        "Quelle région a voté son indépendance hier ?", as_of=date(2017, 10, 28)
    )
    assert answer.span == "Catalogne"
    assert answer.citations[0].passage.article_id == "frwikinews-2017-10-27-001"
