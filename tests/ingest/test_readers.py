"""Every input format is read, and every bad input becomes a failure with a reason."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from index.records import Article
from index.settings import Settings
from ingest.readers import Failure, read_inputs
from tests.conftest import SEED, make_settings
from tests.fakes.news_site import SITE


def _read(
    paths: list[str], settings: Settings | None = None, source: str = ""
) -> tuple[list[Article], list[Failure]]:
    settings = settings or make_settings(Path("unused"))
    items = [i for unit in read_inputs(paths, settings, source) for i in unit.items]
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, Failure)],
    )


def test_text_file_first_line_is_title(tmp_path: Path) -> None:
    articles, failures = _read([str(SEED)], source="seed")
    assert not failures
    (article,) = articles
    assert article.title.startswith("Il s'agit de la première fois")
    assert "Matthew Whitaker" in article.text and article.source == "seed"


def test_markdown_and_latin1_text(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Titre en Markdown\n\nCorps de l'article.\n")
    (tmp_path / "latin.txt").write_bytes(
        "Élection à Créteil\nLes électeurs ont voté dimanche à Créteil ; "
        "le maire sortant a été réélu à une très large majorité.\n".encode("latin-1")
    )
    articles, failures = _read([str(tmp_path)])
    assert not failures
    by_title = {a.title: a for a in articles}
    assert "Titre en Markdown" in by_title
    assert "électeurs ont voté dimanche à Créteil" in by_title["Élection à Créteil"].text


def test_json_lines_keeps_fields_and_flat_extras(tmp_path: Path) -> None:
    record = {
        "id": "a1",
        "title": "T",
        "text": "Du texte.",
        "url": "https://x.example/a?utm_source=z",
        "source": "X",
        "published_at": "2017-05-07",
        "lang": "fr",
        "author": "Ana",
        "tags": ["a", "b"],
        "words": 3,
    }
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps(record) + "\n")
    (article,), failures = _read([str(path)])
    assert not failures
    assert article.id == "a1" and article.published_at == date(2017, 5, 7)
    assert article.url == "https://x.example/a"
    assert article.extra == {"author": "Ana", "words": 3}  # lists are not flat: dropped


def test_html_in_a_json_body_and_markdown_are_read_not_stored(tmp_path: Path) -> None:
    record = {
        "title": "Élection : <i>Jean Dupont</i> l&#8217;emporte",
        "text": "<p>Jean <i>Dupont</i> a gagné l&#8217;élection &amp; la mairie.</p>"
        "<p>Il succède à <a href='https://x.example/m'>Marie Martin</a>.<br>Fin.</p>"
        "<script>track()</script>",
    }
    (tmp_path / "cms.jsonl").write_text(json.dumps(record) + "\n")
    (tmp_path / "note.md").write_text(
        "# Le **Tour** de France\n\nUn *sprint* gagné par [Mark Cavendish](https://x.example/c)."
        "\n\n- 1<sup>re</sup> étape\n- `Rouen`\n"
    )
    (tmp_path / "maths.txt").write_text("Inégalités\nSi a < b et b > c, <rien> ne suit.\n")
    articles, failures = _read([str(tmp_path)])
    assert not failures
    by_title = {a.title: a.text for a in articles}
    assert by_title["Élection : Jean Dupont l’emporte"] == (
        "Jean Dupont a gagné l’élection & la mairie.\n\nIl succède à Marie Martin.\nFin."
    )
    assert by_title["Le Tour de France"] == (
        "Un sprint gagné par Mark Cavendish.\n\n- 1re étape\n\n- Rouen"
    )
    assert by_title["Inégalités"] == "Si a < b et b > c, <rien> ne suit."  # prose, not tags


def test_markup_reading_keeps_every_word(tmp_path: Path) -> None:
    (tmp_path / "cac.md").write_text(
        "- 5 % pour le CAC 40\n\n2024. Une année record, a<b et c>d.\n"
    )
    (tmp_path / "table.jsonl").write_text(
        json.dumps({"title": "Tableau", "text": "<table><tr><td>Lyon</td><td>3</td></tr></table>"})
        + "\n"
    )
    # Past 10 MB in one text node, lxml's default parser would drop it without a word.
    long_record = {"title": "Long", "text": "<p>Intro.</p><p>" + "mot " * 3_000_000 + "</p>"}
    (tmp_path / "long.jsonl").write_text(json.dumps(long_record) + "\n")
    articles, failures = _read([str(tmp_path)])
    assert not failures
    by_title = {a.title: a.text for a in articles}
    assert by_title["- 5 % pour le CAC 40"] == "2024. Une année record, a<b et c>d."
    assert by_title["Tableau"] == "Lyon\n\n3"
    assert len(by_title["Long"]) > 12_000_000


def test_json_array_and_identity_without_id(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text(
        json.dumps(
            [
                {"title": "Avec URL", "text": "Texte un.", "url": "HTTPS://Site.example/p/#frag"},
                {"title": "Sans URL", "text": "Texte deux.", "source": "S"},
            ]
        )
    )
    articles, _ = _read([str(path)])
    assert articles[0].id == "https://site.example/p"
    again, _ = _read([str(path)])
    assert articles[1].id.startswith("sha256:") and articles[1].id == again[1].id


def test_html_page_main_text_title_and_date() -> None:
    (article,), failures = _read([str(SITE / "article.html")])
    assert not failures
    assert article.title == "Grève à la SNCF : trafic perturbé jeudi"
    assert article.published_at == date(2017, 3, 9)
    assert article.url == "https://quotidien.example/2017/03/greve-sncf"
    assert "un TGV sur deux" in article.text
    assert "Newsletter" not in article.text and "mentions légales" not in article.text


def test_a_saved_page_with_no_site_named_is_local_like_a_text_file(tmp_path: Path) -> None:
    words = " ".join(["Le conseil municipal a voté le budget de la ville ce lundi soir."] * 4)
    (tmp_path / "page.html").write_text(
        f"<html><body><article><p>{words}</p></article></body></html>"
    )
    (article,), failures = _read([str(tmp_path / "page.html")])
    assert not failures and article.source == "local"


def test_rss_and_atom_files() -> None:
    articles, failures = _read([str(SITE / "feed.xml"), str(SITE / "atom.xml")])
    assert not failures
    titles = {a.title: a for a in articles}
    assert titles["Le festival de Cannes dévoile son affiche"].published_at is None
    assert "Pedro Almodóvar" in titles["Le festival de Cannes dévoile son affiche"].text
    assert "<p>" not in titles["Le festival de Cannes dévoile son affiche"].text
    macron = titles["Macron wins French presidential election"]
    assert macron.published_at == date(2017, 5, 8) and macron.source == "Daily Test News"


def test_urls_article_and_feed_from_local_server(site: str) -> None:
    articles, failures = _read([f"{site}/page", f"{site}/feed"])
    # Two teasers link to pages off this machine: failures, so that a watcher tries again; the
    # one whose summary says something is stored meanwhile.
    assert {f.origin.rsplit("/", 1)[1] for f in failures} == {"cannes", "breve"}
    assert all("the page of a feed teaser did not load" in f.reason for f in failures)
    assert any("Pedro Almodóvar" in a.text for a in articles)
    page = articles[0]
    assert page.title.startswith("Grève à la SNCF")
    # The feed's teaser entry is replaced by the article its link points to.
    strike = next(a for a in articles[1:] if a.title.startswith("Grève"))
    assert "un TGV sur deux" in strike.text and strike.published_at == date(2017, 3, 9)


def test_url_failures_timeout_size_cap_and_http_error(site: str) -> None:
    settings = make_settings(Path("unused"), fetch_timeout_s=1.0, fetch_max_mb=1.0)
    articles, failures = _read(
        [f"{site}/slow", f"{site}/huge", f"{site}/missing", "http://127.0.0.1:9/refused"], settings
    )
    assert not articles
    reasons = {f.origin.rsplit("/", 1)[1]: f.reason for f in failures}
    assert "timed out" in reasons["slow"]
    assert "larger than 1 MB" in reasons["huge"]
    assert "HTTP 404" in reasons["missing"]
    assert reasons["refused"]


def test_a_url_scheme_is_read_in_any_case_and_others_are_named(site: str) -> None:
    shouted = "HTTP://" + site.removeprefix("http://")
    articles, failures = _read([f"{shouted}/page", "ftp://127.0.0.1/x", "file:///etc/hosts"])
    assert [a.title for a in articles] == ["Grève à la SNCF : trafic perturbé jeudi"]
    assert {f.origin: f.reason for f in failures} == {
        "ftp://127.0.0.1/x": "unsupported URL scheme 'ftp': http:// and https:// are read",
        "file:///etc/hosts": "unsupported URL scheme 'file': http:// and https:// are read",
    }


def test_bad_inputs_are_failures_with_reasons_and_good_ones_survive(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    good = {"id": "ok", "title": "Bon", "text": "Un bon article."}
    (tmp_path / "mixed.jsonl").write_text(json.dumps(good) + "\n" + '{"id": "cut", "title": "Tr')
    (tmp_path / "nav.html").write_text("<html><body><nav>Accueil | Contact</nav></body></html>")
    (tmp_path / "huge.txt").write_text("x" * (2 * 1024 * 1024))
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")  # unreadable, even for root
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    settings = make_settings(Path("unused"), max_file_mb=1.0)
    articles, failures = _read(
        [
            str(tmp_path),
            str(tmp_path / "missing.txt"),
            str(tmp_path / "loop.txt"),
            str(tmp_path / "notes.pdf"),
        ],
        settings,
    )
    assert [a.id for a in articles] == ["ok"]
    reasons = {Path(f.origin.split(":")[0]).name: f.reason for f in failures}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "invalid JSON" in reasons["mixed.jsonl"]
    assert " at column " in reasons["mixed.jsonl"] and " at at " not in reasons["mixed.jsonl"]
    assert "no article text" in reasons["nav.html"]
    assert "cap" in reasons["huge.txt"]
    assert "cannot read" in reasons["loop.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert "unsupported file type '.pdf'" in reasons["notes.pdf"]


def test_text_files_take_their_date_from_front_matter_or_a_leading_date_line(
    tmp_path: Path,
) -> None:
    front = tmp_path / "note.md"
    front.write_text(
        "---\ntitle: Séisme\ndate: 2016-08-24\nsource: Notes\n---\nLa terre a tremblé."
    )
    line = tmp_path / "depeche.txt"
    line.write_text("Grève à la SNCF\n7 octobre 2016 – Les trains ne circulent pas.\n")
    english = tmp_path / "wire.txt"
    english.write_text("Strike\nPublished on October 7, 2016\nNo trains today.\n")
    deep = tmp_path / "undated.txt"
    deep.write_text("Souvenirs\nUn texte.\nIl parle du 7 octobre 2016, plus bas.\n")
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nLe texte reste lisible.\n")
    no_such_day = tmp_path / "day.md"  # YAML cannot read the date: still front matter
    no_such_day.write_text("---\ntitle: Laval\ndate: 2017-02-30\n---\nLe maire a parlé.\n")
    windows = tmp_path / "crlf.md"  # the same, saved on Windows
    windows.write_bytes(b"---\r\ntitle: [draft\r\ndate: 2017-02-30\r\n---\r\nCorps du texte.\r\n")
    given = (front, line, english, deep, broken, no_such_day, windows)
    articles, failures = _read([str(p) for p in given])
    assert not failures
    by_origin = {Path(a.origin).name: a for a in articles}
    note = by_origin["note.md"]
    assert (note.title, note.source, note.text) == ("Séisme", "Notes", "La terre a tremblé.")
    assert note.published_at == date(2016, 8, 24)
    assert by_origin["depeche.txt"].published_at == date(2016, 10, 7)
    assert by_origin["wire.txt"].published_at == date(2016, 10, 7)
    assert by_origin["undated.txt"].published_at is None  # a date deep in the text is the story's
    assert by_origin["broken.md"].published_at is None
    assert by_origin["broken.md"].text == "Le texte reste lisible."
    day = by_origin["day.md"]
    assert (day.title, day.text, day.published_at) == ("Laval", "Le maire a parlé.", None)
    crlf = by_origin["crlf.md"]
    assert (crlf.title, crlf.text.strip()) == ("[draft", "Corps du texte.")
