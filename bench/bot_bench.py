"""The Telegram bot under load: many chats against the fake Bot API, next to the bare answerer.

    .venv/bin/python bench/bot_bench.py [--data-dir DIR] [--chats 50] [--questions 5]

Ingests data/frwikinews/corpus.jsonl into DIR if needed (reusing an existing index). Then:
1. the answerer alone answers each question once, in turn (the baseline: what the bot wraps);
2. the real bot (python-telegram-bot Application, long polling) runs against the fake Bot API
   server of the test suite on 127.0.0.1; `--chats` users each ask `--questions` questions,
   one after the other, all chats at once, and each reply's latency is measured from the moment
   the question is queued for getUpdates to the moment the bot's sendMessage arrives.
Prints p50 / p95 / max of both, and replies per second against the baseline's answers per second.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import QA, bundled_index, percentiles  # noqa: E402
from bot.telegram import build_application  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.evaluation import load_qa  # noqa: E402
from tests.fakes.botapi import TOKEN, FakeBotApi, RunningBot, message  # noqa: E402


def run_chat(api: FakeBotApi, user: dict[str, Any], questions: list[str], out: list[float]) -> None:
    """One user asking in turn, waiting for each reply before the next question."""
    for n, question in enumerate(questions, 1):
        started = time.monotonic()
        api.push(message(question, user=user))
        api.wait_for(count=n, chat_id=user["id"], timeout=1800)
        out.append((time.monotonic() - started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5, help="per chat")
    args = parser.parse_args()
    print(cpu_line())

    settings, index = bundled_index(args.data_dir)
    pool = [item.question for item in load_qa(QA)[0] if not item.unanswerable]
    asked = [
        [pool[(c * args.questions + q) % len(pool)] for q in range(args.questions)]
        for c in range(args.chats)
    ]
    distinct = sorted({q for chat in asked for q in chat})
    answerer = Answerer.from_settings(settings, index)
    answerer.answer(distinct[0])  # warm: model, BM25 matrix, Chroma caches

    bare: list[float] = []
    started = time.perf_counter()
    for question in distinct:
        t0 = time.perf_counter()
        answerer.answer(question)
        bare.append((time.perf_counter() - t0) * 1000)
    bare_rate = len(distinct) / (time.perf_counter() - started)

    latencies: list[float] = []
    with FakeBotApi(TOKEN) as api:
        bot_settings = settings.model_copy(
            update={
                "telegram_token": SecretStr(TOKEN),
                "telegram_base_url": api.base_url,
                "telegram_questions_per_minute": 0,  # the bench measures load, not the limit
                "data_dir": args.data_dir / "bench-bot",
            }
        )
        application = build_application(bot_settings, index, answerer)
        with RunningBot(application):
            users = [
                {"id": 900000 + c, "is_bot": False, "first_name": f"u{c}", "language_code": "fr"}
                for c in range(args.chats)
            ]
            threads = [
                threading.Thread(target=run_chat, args=(api, user, questions, latencies))
                for user, questions in zip(users, asked, strict=True)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started

    replies = args.chats * args.questions
    print(f"{index.store.count()} chunks, precision {settings.embed_precision}")
    print(f"answerer alone, {len(distinct)} distinct questions: {percentiles(bare)}")
    print(f"  {bare_rate:.2f} answers/s (one at a time)")
    print(f"bot, {args.chats} chats x {args.questions} questions: {percentiles(latencies)}")
    print(f"  {replies / wall:.2f} replies/s ({replies} replies in {wall:.0f} s)")


if __name__ == "__main__":
    main()
