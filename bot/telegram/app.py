"""Telegram front end: each private message is a question, answered with cited articles.

Run it with `newsqa bot` after setting NEWSQA_TELEGRAM_TOKEN (see .env.example). It long-polls
by default, or serves a webhook when NEWSQA_TELEGRAM_WEBHOOK_URL is set. In groups it answers
only when mentioned, replied to, or given a command.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import logging
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram.formatting import COMMANDS
from bot.telegram.handlers import (
    STATE,
    BotState,
    about,
    ask,
    ask_again,
    check_access,
    not_text,
    on_error,
    reset,
    show_quotes,
    sources,
    start,
    unknown_command,
)
from bot.telegram.logs import bot_logging
from bot.telegram.memory import ChatMemory
from index.errors import UserError
from index.settings import Settings

if TYPE_CHECKING:
    from index.answer import Answerer
    from index.engine import NewsIndex

logger = logging.getLogger(__name__)

# What @BotFather hands out: the bot id, a colon, then about 35 URL-safe characters.
TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
JOIN_WATCH_S = 30.0  # how long a stopping bot waits for a watch round under way
UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]  # all the bot handles
# The application as this bot builds it: PTB's default context, bot data and job queue types.
App = Application[
    ExtBot[Any],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]
# Why a webhook server may fail to bind: the user's address or port, not a bug.
_CANNOT_LISTEN = {errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES}


def _state_of(application: App) -> BotState:
    return cast(BotState, application.bot_data[STATE])


async def _publish_commands(application: App) -> None:
    """Show the commands in Telegram's menu, in French, English, and English for the rest."""
    for lang, code in (("fr", "fr"), ("en", "en"), ("en", None)):
        commands = [BotCommand(name, about) for name, about in COMMANDS[lang].items()]
        await application.bot.set_my_commands(commands, language_code=code)


async def _close_memory(application: App) -> None:
    """Close the conversation file once the bot has stopped."""
    _state_of(application).memory.close()


def build_application(settings: Settings, index: NewsIndex, answerer: Answerer) -> App:
    """The bot, wired: handlers, access control, rate limiter, HTML defaults."""
    token = check_token(settings)
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(AIORateLimiter(max_retries=1))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # Answering runs in threads, so one slow question does not hold up other chats.
        .concurrent_updates(True)
        .post_init(_publish_commands)
        .post_shutdown(_close_memory)
    )
    if settings.telegram_base_url:
        api, files = _api_urls(settings.telegram_base_url)
        builder = builder.base_url(api).base_file_url(files)
    application = builder.build()
    application.bot_data[STATE] = BotState(
        settings, index, answerer, ChatMemory.from_settings(settings)
    )
    if not settings.telegram_allowed_users and not settings.telegram_allowed_chats:
        logger.warning(
            "the bot answers everyone: set NEWSQA_TELEGRAM_ALLOWED_USERS or "
            "NEWSQA_TELEGRAM_ALLOWED_CHATS to restrict it"
        )
    application.add_handler(TypeHandler(Update, check_access), group=-1)
    application.add_handler(CommandHandler(["start", "help"], start))
    application.add_handler(CommandHandler("about", about))
    application.add_handler(CommandHandler("reset", reset))
    application.add_handler(CommandHandler("sources", sources))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, ask
        )
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.EDITED_MESSAGE & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND,
            ask_again,
        )
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.CAPTION, not_text)
    )
    application.add_handler(CallbackQueryHandler(show_quotes))
    application.add_error_handler(on_error)
    return application


def run_bot(settings: Settings, index: NewsIndex | None = None) -> None:
    """Load the index (unless given one) and the answerer, then serve Telegram until stopped."""
    from index.answer import Answerer
    from index.engine import NewsIndex

    token = check_token(settings)
    webhook = check_webhook_url(settings)
    if webhook and importlib.util.find_spec("tornado") is None:
        raise UserError(
            "webhook mode needs `pip install 'python-telegram-bot[webhooks]'`; "
            "or unset NEWSQA_TELEGRAM_WEBHOOK_URL to use long polling"
        )
    index = index or NewsIndex.open(settings)
    answerer = Answerer.from_settings(settings, index)
    answerer.prepare()  # not on the first question (Chroma loads its index meanwhile)
    # New at each start (setWebhook sends it again), so a leaked one dies with the process.
    secret = secrets.token_urlsafe(32)
    with bot_logging({token: "<token>", secret: "<webhook secret>"}), watching(settings, index):
        application = build_application(settings, index, answerer)
        try:
            if webhook:
                _serve_webhook(application, settings, webhook, secret)
            else:
                application.run_polling(allowed_updates=UPDATES)
        except InvalidToken:
            raise UserError(
                "Telegram rejected NEWSQA_TELEGRAM_TOKEN: copy the token again from @BotFather"
            ) from None
        except BadRequest as exc:  # before NetworkError, which it subclasses
            if "webhook" not in exc.message.lower():
                raise
            raise UserError(
                f"Telegram refused NEWSQA_TELEGRAM_WEBHOOK_URL ({webhook}): {exc.message}"
            ) from None
        except NetworkError as exc:
            where = settings.telegram_base_url or "api.telegram.org"
            reason = str(exc).replace(token, "<token>")
            raise UserError(f"cannot reach the Telegram Bot API at {where}: {reason}") from None


@contextlib.contextmanager
def watching(settings: Settings, index: NewsIndex) -> Iterator[None]:
    """While the bot serves, poll NEWSQA_WATCH_SOURCES in a thread of its own: each round's
    articles are answerable as soon as it ends (the index resyncs its BM25 side)."""
    if not settings.watch_sources:
        yield
        return
    from ingest.watch import Watcher

    stop = threading.Event()
    watcher = Watcher(settings, index, settings.watch_sources)
    thread = threading.Thread(
        target=watcher.run, args=(settings.watch_interval, stop), name="watch", daemon=True
    )
    logger.info("sources watched: %d, every %g s", len(watcher.sources), settings.watch_interval)
    thread.start()
    try:
        yield
    finally:
        stop.set()  # a round under way finishes: an ingest is never cut in half by choice
        thread.join(timeout=JOIN_WATCH_S)


def _serve_webhook(application: App, settings: Settings, url: str, secret: str) -> None:
    """Tell Telegram to POST updates to `url`, and serve them on the URL's path until stopped."""
    try:
        application.run_webhook(
            listen=settings.telegram_webhook_listen,
            port=settings.telegram_webhook_port,
            url_path=urlsplit(url).path,
            webhook_url=url,
            # Telegram sends it back in a header: other POSTs to the URL are refused (403).
            secret_token=secret,
            allowed_updates=UPDATES,
            # Questions asked while the bot was down still get answers, as in polling.
            drop_pending_updates=False,
        )
    except OSError as exc:
        if not isinstance(exc, socket.gaierror) and exc.errno not in _CANNOT_LISTEN:
            raise
        where = f"{settings.telegram_webhook_listen}:{settings.telegram_webhook_port}"
        raise UserError(
            f"cannot listen for the webhook on {where} ({exc.strerror}): set "
            "NEWSQA_TELEGRAM_WEBHOOK_LISTEN and NEWSQA_TELEGRAM_WEBHOOK_PORT to a free address"
        ) from None


def check_webhook_url(settings: Settings) -> str | None:
    """The webhook URL, checked for shape, or None for long polling."""
    url = (settings.telegram_webhook_url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UserError(
            "NEWSQA_TELEGRAM_WEBHOOK_URL must be the full URL Telegram posts to, such as "
            "https://bot.example.org/telegram; leave it empty to use long polling"
        )
    return url


def check_token(settings: Settings) -> str:
    """The bot token, checked for shape before anything talks to Telegram."""
    token = settings.telegram_token.get_secret_value().strip() if settings.telegram_token else ""
    if not token:
        raise UserError("no Telegram token: set NEWSQA_TELEGRAM_TOKEN to the token from @BotFather")
    if not TOKEN_SHAPE.fullmatch(token):
        raise UserError(
            "NEWSQA_TELEGRAM_TOKEN does not look like a bot token (digits, a colon, then about "
            "35 letters, digits, - or _): copy it again from @BotFather"
        )
    return token


def _api_urls(base_url: str) -> tuple[str, str]:
    """Bot and file URL prefixes (the token is appended) for another Bot API server."""
    root = base_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"
