"""A folder of hostile and unlucky inputs goes through one ingest: every good article is stored,
every bad input is listed with its reason, nothing raises, and a second run embeds nothing.
Then the same for updates with poisoned records, prune after failed reads, and torn caches."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.engine import NewsIndex
from index.records import Article, Chunk
from index.storage import ArticleWrite
from ingest.pipeline import Ingestor, IngestReport
from ingest.progress import Progress
from tests.conftest import sample_records, write_jsonl
from tests.fakes.encoder import BagOfWordsEncoder

GOOD_RECORDS = 12
WORD = "a" * 20_000  # no space to cut at, forty times the model window


def quiet() -> Progress:
    return Progress()


def ingest(index: NewsIndex, *inputs: Path, prune: bool = False) -> IngestReport:
    report = Ingestor(index.settings, index).run([str(p) for p in inputs], "", prune, quiet())
    index.sync_lexical()
    return report


def encoded(index: NewsIndex) -> list[str]:
    encoder = index.embedder.encoder
    assert isinstance(encoder, BagOfWordsEncoder)
    return encoder.encoded


def stored(index: NewsIndex) -> dict[str, list[dict[str, Any]]]:
    """Article id -> the metadata of its chunks, as Chroma holds them."""
    found = index.store.collection.get(include=["metadatas"])
    chunks: dict[str, list[dict[str, Any]]] = {}
    for meta in found["metadatas"] or []:
        chunks.setdefault(str(meta["article_id"]), []).append(dict(meta))
    return chunks


def record(id_: str, text: str, **fields: object) -> dict[str, object]:
    return {"id": id_, "title": f"Titre {id_}", "text": text, **fields}


@pytest.fixture()
def unlistable(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make a folder impossible to list (tests run as root, where chmod 000 does not stop reads)."""
    blocked: set[str] = set()
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if str(path) in blocked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return lambda folder: blocked.add(str(folder))


@pytest.fixture()
def bad_folder(tmp_path: Path, unlistable: Callable[[Path], None]) -> Iterator[Path]:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "locked").mkdir()
    write_jsonl(folder / "good.jsonl", sample_records(GOOD_RECORDS))
    poisoned = record(
        "poison", "Un article dont les champs portent des clés interdites par Chroma."
    ) | {"": "vide", "$where": "x", "#doc": 1, "chroma:document": "y", "rubrique": "monde"}
    write_jsonl(folder / "poison.jsonl", [poisoned])
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "surrogate.jsonl").write_text(
        '{"id": "surrogate", "title": "Titre \\ud800", "text": "Un texte avec \\ud800 isolé."}\n'
    )
    (folder / "utf16.txt").write_bytes(
        "Titre UTF-16\nUn article en UTF-16, élu.\n".encode("utf-16")
    )
    mixed = "Titre mêlé\nLe texte a été voté.\n".encode() + "Puis adopté à l'unanimité.\n".encode(
        "cp1252"
    )
    (folder / "mixed.txt").write_bytes(mixed)
    write_jsonl(folder / "types.jsonl", [record("types", "Un texte.", source={"name": "x"})])
    write_jsonl(
        folder / "listed.jsonl", [record("listed", "Un texte.", title=["Deux", "morceaux"])]
    )
    write_jsonl(folder / "twice.jsonl", [record("twice", "Premier."), record("twice", "Autre.")])
    (folder / "word.txt").write_text(f"Un très long mot\n{WORD}\n")
    (folder / "archive.gz").write_bytes(b"\x1f\x8b\x08\x00")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "sub" / "ok.md").write_text("Dans un sous-dossier\nUn article rangé plus bas.\n")
    (folder / "locked" / "secret.txt").write_text("Secret\nDans un dossier illisible.\n")
    unlistable(folder / "locked")
    yield folder


def test_the_bad_input_folder_ingests_in_one_run(bad_folder: Path, fake_index: NewsIndex) -> None:
    report = ingest(fake_index, bad_folder)

    reasons = {Path(f.origin.split(":")[0]).name: f.reason for f in report.failures}
    assert reasons == {
        "deep.json": "JSON nested too deeply to be a news record",
        "types.jsonl": "'source' is a JSON dict, not a string",
        "twice.jsonl": reasons["twice.jsonl"],
        "archive.gz": reasons["archive.gz"],
        "dangling.txt": "broken symbolic link",
        "loop.txt": reasons["loop.txt"],
        "pipe.txt": "not a regular file (a pipe, socket or device)",
        "locked": "cannot list this folder: Permission denied",
    }
    assert "came earlier in this run with another text" in reasons["twice.jsonl"]
    assert "decompress it first" in reasons["archive.gz"]
    assert "symbolic links" in reasons["loop.txt"]

    chunks = stored(fake_index)
    good_ids = {str(r["id"]) for r in sample_records(GOOD_RECORDS)}
    others = {"poison", "surrogate", "listed", "twice"}
    assert good_ids | others <= set(chunks)
    assert len(chunks) == GOOD_RECORDS + len(others) + 4  # utf16, mixed, word, sub/ok.md
    assert report.added == len(chunks) and report.failed == len(reasons)

    poison = chunks["poison"][0]
    assert poison["rubrique"] == "monde"  # the article's other fields survive
    assert not {"", "$where", "#doc", "chroma:document"} & set(poison)
    texts = {m["origin"]: m for ms in chunks.values() for m in ms}
    assert chunks["surrogate"][0]["title"] == "Titre \ufffd"
    assert chunks["listed"][0]["title"] == "Deux morceaux"
    assert texts[str(bad_folder / "utf16.txt")]["title"] == "Titre UTF-16"
    assert texts[str(bad_folder / "mixed.txt")]["title"] == "Titre mêlé"


def test_the_bad_input_folder_texts_and_a_second_run(
    bad_folder: Path, fake_index: NewsIndex
) -> None:
    ingest(fake_index, bad_folder)
    found = fake_index.store.collection.get(include=["documents", "metadatas"])
    by_origin: dict[str, list[str]] = {}
    for doc, meta in zip(found["documents"] or [], found["metadatas"] or [], strict=True):
        by_origin.setdefault(str(meta["origin"]), []).append(doc or "")
    assert by_origin[str(bad_folder / "mixed.txt")] == [
        "Le texte a été voté.\nPuis adopté à l'unanimité."
    ]
    word_chunks = by_origin[str(bad_folder / "word.txt")]
    assert "".join(sorted(word_chunks)).count("a") == len(WORD)  # every letter, in pieces
    budget = fake_index.settings.chunk_tokens
    assert max(fake_index.embedder.token_counts(word_chunks)) <= budget

    embedded = len(encoded(fake_index))
    again = ingest(fake_index, bad_folder)
    assert len(encoded(fake_index)) == embedded  # nothing embedded the second time
    assert again.added == again.updated == 0 and again.failed == 8


def test_an_update_with_a_poisoned_record_loses_nothing(
    tmp_path: Path, fake_index: NewsIndex
) -> None:
    records = sample_records(10)
    ingest(fake_index, write_jsonl(tmp_path / "news.jsonl", records))
    before = stored(fake_index)

    updated = [
        r | {"text": f"{r['text']}\n\nMise à jour : un paragraphe de plus."} for r in records
    ]
    updated[3] = updated[3] | {"$where": "boom", "": "vide", "chroma:document": "z"}
    report = ingest(fake_index, write_jsonl(tmp_path / "news.jsonl", updated))

    after = stored(fake_index)
    assert report.updated == 10 and report.failed == 0
    assert set(after) == set(before)
    for article_id, metas in after.items():
        assert {m["content_hash"] for m in metas} != {m["content_hash"] for m in before[article_id]}
        assert len({m["content_hash"] for m in metas}) == 1  # no chunk left of the old version
        assert len(metas) == metas[0]["n_chunks"]
    assert fake_index.lexical.count() == fake_index.store.count()


def test_metadata_chroma_refuses_never_reaches_a_delete(fake_index: NewsIndex) -> None:
    """The store's own check, behind the readers' sanitising: a refused write keeps the old."""
    article = Article(id="kept", title="Gardé", text="Première version du texte.", origin="x")
    vector = np.ones((1, fake_index.embedder.dimension), np.float32)
    chunk = Chunk("kept", 0, 0, len(article.text), article.text)
    first = fake_index.store.replace([ArticleWrite(article, [chunk], vector, "v1", "t1")])
    assert first.chunks == 1 and not first.failed

    poisoned = Article(
        id="kept", title="Gardé", text="Seconde version.", origin="x", extra={"$bad": "key"}
    )
    second = fake_index.store.replace(
        [ArticleWrite(poisoned, [Chunk("kept", 0, 0, 16, "Seconde version.")], vector, "v2", "t2")]
    )
    assert second.chunks == 0
    assert [(a.id, reason) for a, reason in second.failed] == [
        ("kept", "metadata key '$bad' is reserved by Chroma")
    ]
    (known,) = fake_index.store.stored_articles().values()
    assert known.content_hash == "v1" and known.complete


def test_prune_spares_what_could_not_be_read(
    tmp_path: Path, fake_index: NewsIndex, unlistable: Callable[[Path], None]
) -> None:
    folder = tmp_path / "inbox"
    (folder / "kept").mkdir(parents=True)
    (folder / "kept" / "a.txt").write_text("Dossier\nUn article dans un dossier.\n")
    (folder / "gone.txt").write_text("Supprimé\nCet article sera retiré des entrées.\n")
    lines = sample_records(3)
    write_jsonl(folder / "feed.jsonl", lines)
    ingest(fake_index, folder)
    assert len(stored(fake_index)) == 5

    (folder / "gone.txt").unlink()
    unlistable(folder / "kept")
    text = (folder / "feed.jsonl").read_text().splitlines()
    text[1] = text[1][:40]  # a line torn by a crash while the file was written
    (folder / "feed.jsonl").write_text("\n".join(text) + "\n")
    report = ingest(fake_index, folder, prune=True)

    assert report.pruned == 1  # only gone.txt, which really left the inputs
    assert len(stored(fake_index)) == 4
    reasons = [f.reason for f in report.failures]
    assert any("invalid JSON" in r for r in reasons) and any("cannot list" in r for r in reasons)


def test_a_torn_bm25_segment_is_rebuilt(tmp_path: Path, fake_index: NewsIndex) -> None:
    ingest(fake_index, write_jsonl(tmp_path / "news.jsonl", sample_records(8)))
    question = str(sample_records(8)[2]["title"])
    expected = fake_index.search(question, 3)[0].article_id
    hits = fake_index.lexical.search(question, "fr", 5)
    (segment,) = fake_index.lexical.segment_dir.iterdir()
    (segment / "meta.json").write_text("")

    reopened = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder)
    assert reopened.search(question, 3)[0].article_id == expected
    assert reopened.lexical.search(question, "fr", 5) == hits
    assert json.loads((segment / "meta.json").read_text())["format"] == 1  # saved again


def test_explicit_paths_that_cannot_be_read_are_failures(
    tmp_path: Path, fake_index: NewsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    hidden = tmp_path / "closed" / "a.txt"
    real_stat = Path.stat

    def stat(self: Path, **kwargs: Any) -> os.stat_result:
        if self == hidden or hidden in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    good = write_jsonl(tmp_path / "good.jsonl", sample_records(2))
    report = ingest(fake_index, fifo, hidden, good)
    assert [(f.origin, f.reason) for f in report.failures] == [
        (str(fifo), "not a regular file (a pipe, socket or device)"),
        (str(hidden), "cannot read: Permission denied"),
    ]
    assert report.added == 2


def test_an_over_long_json_line_is_skipped_without_holding_it(
    tmp_path: Path, fake_index: NewsIndex
) -> None:
    import tracemalloc

    settings = fake_index.settings.model_copy(update={"max_file_mb": 1.0})
    path = tmp_path / "big.jsonl"
    good = sample_records(2)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(good[0]) + "\n")
        handle.write('{"id": "huge", "text": "' + "x" * 40_000_000 + '"}\n')
        handle.write(json.dumps(good[1]) + "\n")
    tracemalloc.start()
    report = Ingestor(settings, fake_index).run([str(path)], progress=quiet())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(f.origin, f.reason) for f in report.failures] == [
        (f"{path}:2", "line over the size cap (NEWSQA_MAX_FILE_MB)")
    ]
    assert report.added == 2
    assert peak < 10 * 1024 * 1024  # the 40 MB line never sat in memory


def test_inputs_found_by_a_review_are_failures_not_crashes(
    tmp_path: Path, fake_index: NewsIndex
) -> None:
    (tmp_path / "odd.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        "<title>Un &#55296; titre</title><description>Texte &#xDC00; ici.</description>"
        "</item></channel></rss>"
    )
    (tmp_path / "number.jsonl").write_text('{"id": "n", "text": "x", "n": ' + "9" * 5000 + "}\n")
    (tmp_path / "number.json").write_text('{"id": "m", "text": "x", "n": ' + "9" * 5000 + "}")
    utf16 = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample_records(3))
    (tmp_path / "utf16.jsonl").write_bytes(utf16.encode("utf-16"))
    report = ingest(fake_index, tmp_path)
    failed = {Path(f.origin.split(":")[0]).name for f in report.failures}
    assert {"number.jsonl", "number.json"} <= failed
    assert "utf16.jsonl" not in failed
    assert {str(r["id"]) for r in sample_records(3)} <= set(stored(fake_index))


def test_prune_recognises_a_failed_input_however_its_path_is_spelled(
    tmp_path: Path, fake_index: NewsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "x.jsonl", sample_records(3))
    ingest(fake_index, Path("./x.jsonl"))
    lines = (tmp_path / "x.jsonl").read_text().splitlines()
    lines[1] = lines[1][:30]
    (tmp_path / "x.jsonl").write_text("\n".join(lines) + "\n")
    report = Ingestor(fake_index.settings, fake_index).run(["./x.jsonl"], "", True, quiet())
    assert report.pruned == 0 and len(stored(fake_index)) == 3


def test_an_empty_bm25_array_file_is_rebuilt(tmp_path: Path, fake_index: NewsIndex) -> None:
    ingest(fake_index, write_jsonl(tmp_path / "news.jsonl", sample_records(8)))
    question = str(sample_records(8)[2]["title"])
    expected = fake_index.search(question, 3)[0].article_id
    for array in fake_index.lexical.segment_dir.glob("*/*.npy"):
        array.write_bytes(b"")  # what a power cut can leave
    reopened = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder)
    assert reopened.search(question, 3)[0].article_id == expected


def test_inputs_found_by_a_later_attack_are_stored_clean(
    tmp_path: Path, fake_index: NewsIndex, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [
        record("esc", "Un texte ordinaire.", title="Titre \x1b]0;PWNED\x07 piégé\x00"),
        record("lang", "Le conseil municipal a voté le budget de la ville.", lang=123),
        record("day", "Un autre texte.", published_at="05/07/2017"),
        record("ahead", "Un texte daté de loin.", published_at="2099-01-01"),
    ]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    write_jsonl(inputs / "news.jsonl", rows)
    (inputs / os.fsdecode(b"caf\xe9.txt")).write_text("Au café\nLe patron a servi.\n")
    with caplog.at_level("WARNING"):
        report = ingest(fake_index, inputs)
    assert report.failures == []
    chunks = stored(fake_index)
    assert chunks["esc"][0]["title"] == "Titre ]0;PWNED piégé"  # no escape, bell or NUL left
    assert chunks["lang"][0]["lang"] == "fr"  # detected: 123 is no language
    assert chunks["day"][0]["published_at"] == ""  # undated, and said so below
    cafe = next(c[0] for c in chunks.values() if c[0]["title"] == "Au café")
    assert cafe["origin"].endswith("café.txt")  # the Latin-1 name read, then stored
    said = caplog.text
    assert "news.jsonl (id day): date '05/07/2017' not understood: stored undated" in said
    assert "dated 2099-01-01, after today: no question sees it before then" in said
