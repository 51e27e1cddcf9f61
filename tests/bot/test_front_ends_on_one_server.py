"""Several front ends on one Chroma server, each its own process as in a deployment: two
Telegram bots and a `newsqa chat` loop keep answering while `newsqa watch` writes what a feed
publishes, none of them fails, and each new article is answered from by all three once the
round that brought it has ended, without a restart.

Real processes with the real model, a real `chroma run` and loopback servers for Telegram and
the feed. Each process has its own data folder (its own word index), as front ends on separate
machines would. The sentence backend answers: what is tested is the sharing, not the reader.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.conftest import MODEL_CACHE, sample_records
from tests.fakes.botapi import TOKEN, FakeBotApi, message
from tests.fakes.live_feed import live_feed

# Corpus articles the feed publishes one after another, each with a question it answers.
STORIES = {
    1: "Qu'a annoncé l'OMS au sujet d'Ebola ?",
    6: "Combien de tonnes de marijuana les autorités turques ont-elles saisies ?",
    8: "Qu'est-ce qui perturbe les courses de chiens de traîneau en Alaska ?",
    10: "Qu'a annoncé la Corée du Nord au sujet de son missile ?",
}
REFUSAL = "Je ne sais pas"
FAILED = "une erreur est survenue"


class Process:
    """A `newsqa` command running in the background, its output collected as it comes."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        newsqa = Path(sys.executable).parent / "newsqa"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
        full_env |= {"NEWSQA_CACHE_DIR": str(MODEL_CACHE), "PYTHONUNBUFFERED": "1"} | env
        self.proc = subprocess.Popen(
            [str(newsqa), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=full_env,
        )
        self._output: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read(1):
            with self._lock:
                self._output.append(chunk)

    @property
    def output(self) -> str:
        with self._lock:
            return "".join(self._output)

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=30)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def wait_until(condition: Callable[[], object], what: str, timeout: float = 300.0) -> None:
    """The timeout is a ceiling for a loaded CI machine, not a speed target."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


@contextmanager
def running(name: str, args: list[str], env: dict[str, str]) -> Iterator[Process]:
    process = Process(name, args, env)
    try:
        yield process
    finally:
        process.stop()


def story(n: int) -> tuple[str, str, str]:
    record = sample_records(1, start=n)[0]
    return str(record["title"]), str(record["published_at"]), str(record["text"])


@pytest.mark.model
def test_two_bots_and_a_chat_answer_while_a_watcher_writes_to_one_server(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    host, port = chroma_server
    shared = {
        "NEWSQA_CHROMA_HOST": host,
        "NEWSQA_CHROMA_PORT": str(port),
        "NEWSQA_COLLECTION": "front-ends",
        "NEWSQA_ANSWER_BACKEND": "extractive",
    }
    numbers = list(STORIES)
    with ExitStack() as stack:
        feed = stack.enter_context(live_feed())
        apis = [stack.enter_context(FakeBotApi(TOKEN)) for _ in range(2)]
        feed.add(*story(numbers[0]))
        watcher = stack.enter_context(
            running(
                "watch",
                ["watch", feed.url, "--every", "1s"],
                shared | {"NEWSQA_DATA_DIR": str(tmp_path / "watch")},
            )
        )

        def rounds_with_new() -> int:
            return watcher.output.count("watch round: 1 new")

        def wait_for_rounds(count: int) -> None:
            wait_until(lambda: rounds_with_new() >= count, f"no round {count}:\n{watcher.output}")

        wait_for_rounds(1)
        bots = [
            stack.enter_context(
                running(
                    f"bot{i}",
                    ["bot"],
                    shared
                    | {
                        "NEWSQA_DATA_DIR": str(tmp_path / f"bot{i}"),
                        "NEWSQA_TELEGRAM_TOKEN": TOKEN,
                        "NEWSQA_TELEGRAM_BASE_URL": api.base_url,
                    },
                )
            )
            for i, api in enumerate(apis)
        ]
        chat = stack.enter_context(
            running("chat", ["chat"], shared | {"NEWSQA_DATA_DIR": str(tmp_path / "chat")})
        )
        asked: list[tuple[int, str]] = []  # each question's chat, and the title it needs

        def ask_everyone(n: int) -> None:
            # A chat of its own for each question, and a fresh conversation in `chat`, so that
            # no question is read as a follow-up of the one before.
            chat_id = 5000 + len(asked)
            user = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
            for api in apis:
                api.push(message(STORIES[n], user=user))
            chat.type("/reset")
            chat.type(STORIES[n])
            asked.append((chat_id, story(n)[0]))

        def check_answers() -> None:
            """Every front end answered every question so far from the article it is about."""
            for api, bot in zip(apis, bots, strict=True):
                for chat_id, title in asked:
                    answer = api.wait_for(chat_id=chat_id, timeout=300)[0].shown
                    assert title in answer and REFUSAL not in answer, (bot.name, answer)
                    assert FAILED not in answer
            # Each answer in `chat` ends with a blank line before the next prompt.
            wait_until(
                lambda: chat.output.count("\n\n> ") >= len(asked),
                f"chat did not answer:\n{chat.output}",
            )
            printed = chat.output.split("\n\n> ")
            for (_, title), answer in zip(asked, printed, strict=False):
                assert title in answer and REFUSAL not in answer, answer

        for done, n in enumerate(numbers[1:], start=1):
            feed.add(*story(n))
            # Asked while the watcher fetches and embeds the next article.
            ask_everyone(numbers[done - 1])
            wait_for_rounds(done + 1)
            check_answers()
            ask_everyone(n)  # right after the round that brought it
            check_answers()

        for process in (watcher, *bots, chat):
            assert process.proc.poll() is None, f"{process.name} stopped:\n{process.output}"
            assert "Traceback" not in process.output, f"{process.name}:\n{process.output}"
        assert "0 failed" in watcher.output and " failed: " not in watcher.output
