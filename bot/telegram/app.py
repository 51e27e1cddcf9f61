"""Telegram front end: each private message is a question, answered with cited articles.

Run it with `newsqa bot` after setting NEWSQA_TELEGRAM_TOKEN (see .env.example). It long-polls
by default, or serves a webhook when NEWSQA_TELEGRAM_WEBHOOK_URL is set. In groups it answers
only when mentioned, replied to, or given a command.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import importlib.util
import logging
import math
import re
import secrets
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
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

from bot.telegram.formatting import (
    COMMANDS,
    EXAMPLES,
    escape_text,
    render_answer,
    render_help,
    render_quotes,
    sentence,
    split_html,
    text,
    ui_language,
    utf16_len,
)
from bot.telegram.memory import ChatMemory
from index.errors import UserError
from index.settings import Settings

if TYPE_CHECKING:
    from index.answer import Answerer
    from index.engine import NewsIndex

logger = logging.getLogger(__name__)

# What @BotFather hands out: the bot id, a colon, then about 35 URL-safe characters.
TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
TYPING_REFRESH_S = 4.0  # Telegram drops the "typing…" status after about 5 seconds
RATE_WINDOW_S = 60.0  # the per-user question limit counts over this sliding window
QUOTES = "quotes:"  # callback data prefix of the button, followed by the exchange id
UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]  # all the bot handles
_STATE = "newsqa"
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


@dataclass(frozen=True)
class BotState:
    """What the handlers share, loaded once before polling starts."""

    settings: Settings
    index: NewsIndex
    answerer: Answerer
    memory: ChatMemory
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    asked: dict[int, deque[float]] = field(default_factory=dict)

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """One question at a time per chat, so a follow-up sees the answer before it."""
        return self.locks.setdefault(chat_id, asyncio.Lock())

    def wait_before_asking(self, user_id: int, now: float) -> float:
        """Seconds the user must wait under the per-minute limit (0: ask now, and count it)."""
        limit = self.settings.telegram_questions_per_minute
        if not limit:
            return 0.0
        times = self.asked.setdefault(user_id, deque())
        while times and now - times[0] >= RATE_WINDOW_S:
            times.popleft()
        if len(times) >= limit:
            return RATE_WINDOW_S - (now - times[0])
        times.append(now)
        return 0.0


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return cast(BotState, context.bot_data[_STATE])


def _state_of(application: App) -> BotState:
    return cast(BotState, application.bot_data[_STATE])


def _message(update: Update) -> Message:
    # The handlers' filters only let through updates that carry a message.
    message = update.effective_message
    assert message is not None
    return message


def _lang(update: Update) -> str:
    user = update.effective_user
    return ui_language(user.language_code if user else None)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the archive holds and how to ask (/start and /help)."""
    stats = await asyncio.to_thread(_state(context).index.stats)
    await _message(update).reply_html(render_help(stats, _lang(update)))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say where the articles come from (/about)."""
    await _message(update).reply_html(escape_text(_state(context).settings.corpus_attribution))


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget this chat's conversation (/reset)."""
    message = _message(update)
    _state(context).memory.forget(message.chat_id)
    await message.reply_html(sentence(_lang(update), "reset"))


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the full quotes behind the last answer (/sources)."""
    message = _message(update)
    last = _state(context).memory.last(message.chat_id)
    lang = last.language if last else _lang(update)
    if last is None or not last.citations:
        key = "no_sources" if last else "no_answer_yet"
        await message.reply_html(sentence(lang, key))
        return
    for part in split_html(render_quotes(last.citations, lang, expandable=False)):
        await message.reply_html(part)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question: any private text, or a group message addressed to the bot."""
    message = _message(update)
    question = _question(message, context.bot)
    if question is None:
        return
    lang = _lang(update)
    if not question:
        await message.reply_html(sentence(lang, "empty_question", example=EXAMPLES[lang][0]))
        return
    state, chat_id = _state(context), message.chat_id
    user_id = message.from_user.id if message.from_user else chat_id
    wait = state.wait_before_asking(user_id, time.monotonic())
    if wait:
        logger.info("user %s is over the question rate limit", user_id)
        limit = state.settings.telegram_questions_per_minute
        await message.reply_html(sentence(lang, "slow_down", limit=limit, seconds=math.ceil(wait)))
        return
    async with state.chat_lock(chat_id), _typing(context.bot, chat_id):
        history = state.memory.history(chat_id)
        answer = await asyncio.to_thread(state.answerer.answer, question, history)
        parts = split_html(render_answer(answer))
        # The standalone form of a follow-up keeps the thread for the next one.
        asked = answer.question or question
        exchange_id = state.memory.remember(
            chat_id, asked, answer.text, answer.language, answer.citations, parts[-1]
        )
        for part in parts[:-1]:
            await message.reply_html(part)
        button = None
        if answer.citations:
            label = text(answer.language, "show_quotes")
            button = InlineKeyboardMarkup.from_button(
                InlineKeyboardButton(label, callback_data=f"{QUOTES}{exchange_id}")
            )
        await message.reply_html(parts[-1], reply_markup=button)


async def show_quotes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reveal the quoted passages under the answer whose button was pressed."""
    query = update.callback_query
    assert query is not None  # CallbackQueryHandler only passes callback queries
    chat_id = query.message.chat.id if query.message else (query.from_user.id)
    exchange_id = (query.data or "").removeprefix(QUOTES)
    exchange = None
    if exchange_id.isdigit():
        exchange = _state(context).memory.get(chat_id, int(exchange_id))
    # Answer the query first, whatever happens next: the client shows a spinner until then.
    if exchange is None:
        await query.answer(text(_lang(update), "expired"), show_alert=True)
        return
    await query.answer()
    quotes = render_quotes(exchange.citations, exchange.language)
    combined = f"{exchange.tail_html}\n\n{quotes}"
    if utf16_len(combined) <= MessageLimit.MAX_TEXT_LENGTH:
        await query.edit_message_text(combined, parse_mode=ParseMode.HTML)
        return
    await query.edit_message_reply_markup(None)
    for part in split_html(quotes):
        await context.bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)


async def check_access(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from users and chats not allowed; refuse only those addressed to the bot."""
    settings = _state(context).settings
    user, chat = update.effective_user, update.effective_chat
    if _allowed(settings, user.id if user else None, chat.id if chat else None):
        return
    refusal = text(_lang(update), "not_allowed")
    if update.callback_query:
        logger.warning("refused button from user %s in chat %s", user and user.id, chat and chat.id)
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.effective_message and _for_bot(update.effective_message, context.bot):
        logger.warning("refused user %s in chat %s", user and user.id, chat and chat.id)
        await update.effective_message.reply_html(escape_text(refusal))
    raise ApplicationHandlerStop


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (with a traceback if it is a bug) and tell the user, if there is one."""
    error = context.error
    if isinstance(error, UserError):
        logger.error("cannot answer: %s", error)
    else:
        logger.error("update failed", exc_info=error)
    if isinstance(update, Update) and update.effective_message:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_html(sentence(_lang(update), "failed"))


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
    application.bot_data[_STATE] = BotState(
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
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, ask)
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
    index.embedder  # noqa: B018 -- load the model now, not on the first question
    # New at each start (setWebhook sends it again), so a leaked one dies with the process.
    secret = secrets.token_urlsafe(32)
    with _hidden_from_logs({token: "<token>", secret: "<webhook secret>"}):
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


def _allowed(settings: Settings, user_id: int | None, chat_id: int | None) -> bool:
    users, chats = settings.telegram_allowed_users, settings.telegram_allowed_chats
    if not users and not chats:
        return True
    return (user_id is not None and user_id in users) or (chat_id is not None and chat_id in chats)


def _for_bot(message: Message, bot: Bot) -> bool:
    """Private messages, and group messages that mention, reply to or command the bot."""
    if message.chat.type == message.chat.PRIVATE:
        return True
    mention = f"@{bot.username}".lower()
    commands = message.parse_entities([MessageEntity.BOT_COMMAND]).values()
    if any("@" not in c or c.lower().endswith(mention) for c in commands):
        return True
    if any(m.lower() == mention for m in message.parse_entities([MessageEntity.MENTION]).values()):
        return True
    replied_to = message.reply_to_message.from_user if message.reply_to_message else None
    return replied_to is not None and replied_to.id == bot.id


def _question(message: Message, bot: Bot) -> str | None:
    """The question a message asks the bot, '' if it only mentions it, None if not for the bot."""
    if message.text is None or not _for_bot(message, bot):
        return None
    question = re.sub(re.escape(f"@{bot.username}"), " ", message.text, flags=re.IGNORECASE)
    return " ".join(question.split()).strip(" ,:;")


@contextlib.asynccontextmanager
async def _typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends."""

    async def show() -> None:
        with contextlib.suppress(TelegramError):  # cosmetic: never fail an answer for it
            await bot.send_chat_action(chat_id, ChatAction.TYPING)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_REFRESH_S)
            await show()

    await show()
    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()


def _api_urls(base_url: str) -> tuple[str, str]:
    """Bot and file URL prefixes (the token is appended) for another Bot API server."""
    root = base_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


class _Redact(logging.Filter):
    """Replace each secret in any record a handler is about to write by its placeholder."""

    def __init__(self, placeholders: dict[str, str]) -> None:
        super().__init__()
        self.placeholders = placeholders

    def _clean(self, text: str) -> str:
        for secret, placeholder in self.placeholders.items():
            text = text.replace(secret, placeholder)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.placeholders):
            record.msg, record.args = self._clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
        return True


@contextlib.contextmanager
def _hidden_from_logs(placeholders: dict[str, str]) -> Iterator[None]:
    """Keep secrets out of the logs (PTB logs each call's parameters at DEBUG)."""
    # httpx logs each request URL (which contains the token) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    redact = _Redact(placeholders)
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(redact)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(redact)
