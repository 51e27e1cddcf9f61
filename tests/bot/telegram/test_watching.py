"""The bot keeps its archive current while it serves (NEWSQA_WATCH_SOURCES): an article that
reaches the feed after the bot started is answered from without a restart, and /help says how
fresh the archive is.

The real `run_bot` against the fake Bot API and a loopback feed; the fake encoder stands for
the model (what is tested is the polling and the index catching up, not the answer's wording).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.telegram import run_bot
from index.engine import NewsIndex
from ingest.watch import WatchState
from tests.conftest import make_settings, sample_records
from tests.fakes.botapi import TOKEN, FakeBotApi, message
from tests.fakes.live_feed import live_feed


def test_an_article_arriving_after_start_is_answered_and_help_says_how_fresh(
    botapi: FakeBotApi, fake_index: NewsIndex, tmp_path: Path, main_loop: None
) -> None:
    early, late = sample_records(1, start=0)[0], sample_records(1, start=7)[0]
    with live_feed() as feed:
        feed.add(str(early["title"]), str(early["published_at"]), str(early["text"]))
        settings = make_settings(
            fake_index.settings.data_dir,
            telegram_token=TOKEN,
            telegram_base_url=botapi.base_url,
            answer_backend="extractive",
            watch_sources=[feed.url],
            watch_interval=0.5,
        )

        def rounds_done() -> int:
            return len(feed.answers)

        def wait_until(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
            deadline = time.monotonic() + timeout
            while not condition():
                assert time.monotonic() < deadline, what
                time.sleep(0.1)

        def converse() -> None:
            try:
                wait_until(lambda: WatchState.load(settings).last_round, "no first round")
                botapi.push(message("/help"))
                botapi.wait_for(count=1)
                feed.add(str(late["title"]), str(late["published_at"]), str(late["text"]))
                seen = rounds_done()
                wait_until(lambda: rounds_done() > seen + 1, "no round after the new item")
                botapi.push(message(str(late["title"])))
                botapi.wait_for(count=2, timeout=60)
            finally:
                os.kill(os.getpid(), signal.SIGINT)

        threading.Thread(target=converse, daemon=True).start()
        run_bot(settings, fake_index)

    help_text, answer = (call.text for call in botapi.sent()[:2])
    assert "Tenu à jour (1 source suivie), dernière relève le" in help_text
    assert "Article le plus récent" in help_text
    # Answered (not refused with the closest articles listed) from the article that came later.
    assert "Je ne sais pas" not in answer
    assert str(late["title"]) in answer
