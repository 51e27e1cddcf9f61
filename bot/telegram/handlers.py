"""The bot's handlers: one small async function per command, message or button.

They share one `BotState` (settings, index, answerer, memory), loaded before polling starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.telegram.formatting import (
    EXAMPLES,
    escape_text,
    render_answer,
    render_help,
    render_quotes,
    sentence,
    text,
    ui_language,
)
from bot.telegram.memory import ChatMemory
from bot.telegram.splitting import split_html, utf16_len
from index.errors import UserError
from index.settings import Settings

if TYPE_CHECKING:
    from index.answer import Answerer
    from index.engine import NewsIndex
    from index.records import Freshness, Turn

logger = logging.getLogger(__name__)

TYPING_REFRESH_S = 4.0  # Telegram drops the "typing…" status after about 5 seconds
RATE_WINDOW_S = 60.0  # the per-user question limit counts over this sliding window
QUOTES = "quotes:"  # callback data prefix of the button, followed by the exchange id
STATE = "newsqa"  # the key of the BotState in the application's bot_data


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
    return cast(BotState, context.bot_data[STATE])


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
    state = _state(context)
    stats = await asyncio.to_thread(state.index.stats)
    watched = await asyncio.to_thread(_freshness, state.settings)
    await _message(update).reply_html(render_help(stats, _lang(update), watched))


def _freshness(settings: Settings) -> Freshness | None:
    if not settings.watch_sources:
        return None
    from ingest.watch import freshness

    return freshness(settings, settings.watch_sources)


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
    parts = split_html(render_quotes(last.citations, lang, expandable=False))
    sent = [await message.reply_html(part) for part in parts]
    # A reply to the quotes follows the answer they back.
    _state(context).memory.link(message.chat_id, last.id, [m.message_id for m in sent])


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question: any private text, or a group message addressed to the bot."""
    await _answer(update, context)


async def ask_again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited question: answered again, its new wording taking the old one's place in the
    conversation."""
    message, state = _message(update), _state(context)
    async with state.chat_lock(message.chat_id):  # the answer to its first words may be under way
        exchange_id, asked = state.memory.asked_in(message.chat_id, message.message_id)
    if exchange_id is not None and _question(message, context.bot) == asked:
        return  # the same words: Telegram also reports a link preview added as an edit
    await _answer(update, context, replacing=exchange_id)


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, replacing: int | None = None
) -> None:
    message = _message(update)
    question = _question(message, context.bot)
    if question is None:
        return
    lang = _lang(update)
    if not any(ch.isalnum() for ch in question):  # a mention alone, or only emoji
        private = message.chat.type == message.chat.PRIVATE
        key = "empty_private" if private else "empty_question"
        await message.reply_html(sentence(lang, key, example=EXAMPLES[lang][0]))
        return
    state, chat_id = _state(context), message.chat_id
    user_id = message.from_user.id if message.from_user else chat_id
    from index.answer import needs_search

    # The limit guards the archive's search; "merci" or "bonjour" search nothing.
    searched = needs_search(question)
    wait = state.wait_before_asking(user_id, time.monotonic()) if searched else 0.0
    if wait:
        logger.info("user %s is over the question rate limit", user_id)
        limit = state.settings.telegram_questions_per_minute
        await message.reply_html(sentence(lang, "slow_down", limit=limit, seconds=math.ceil(wait)))
        return
    async with state.chat_lock(chat_id), _typing(context.bot, chat_id):
        history = _thread(state.memory, message, context.bot, replacing)
        # The user's Telegram language settles a question whose own language is unclear.
        answer = await asyncio.to_thread(
            state.answerer.answer, question, history, default_language=lang
        )
        parts = split_html(render_answer(answer))
        # The standalone form of a follow-up keeps the thread for the next one.
        asked = answer.question or question
        if replacing is not None:  # dropped only now that the new wording has its answer
            state.memory.drop(chat_id, replacing)
        exchange_id = state.memory.remember(
            chat_id, asked, answer.text, answer.language, answer.citations, parts[-1]
        )
        # An answer to an edited message quotes it, even in a private chat: it may be far up.
        quote = True if update.edited_message else None
        sent = [await message.reply_html(part, do_quote=quote) for part in parts[:-1]]
        button = None
        if answer.citations:
            label = text(answer.language, "show_quotes")
            button = InlineKeyboardMarkup.from_button(
                InlineKeyboardButton(label, callback_data=f"{QUOTES}{exchange_id}")
            )
        sent.append(await message.reply_html(parts[-1], reply_markup=button, do_quote=quote))
        state.memory.link(
            chat_id, exchange_id, [m.message_id for m in sent], (message.message_id, question)
        )


def _thread(memory: ChatMemory, message: Message, bot: Bot, replacing: int | None) -> list[Turn]:
    """The turns a question follows: up to the answer it replies to, else the latest ones (for
    an edited question, those before its first wording)."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        exchange_id = memory.answered_by(message.chat_id, replied.message_id)
        if exchange_id is not None:
            return memory.history(message.chat_id, until=exchange_id)
    # Not a reply to a remembered answer (one sent before this version, or /help): the latest.
    before = replacing - 1 if replacing is not None else None
    return memory.history(message.chat_id, until=before)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have ("/aide", "/foo"), addressed to it: say which it has,
    rather than stay silent or search the archive for it."""
    message = _message(update)
    words = (message.text or "").split()
    command, _, addressee = (words[0] if words else "").partition("@")
    private = message.chat.type == message.chat.PRIVATE
    # In a group, "/foo" alone may be another bot's: only "/foo@thisbot" is ours to answer.
    if not command or not (private or addressee.lower() == (context.bot.username or "").lower()):
        return
    await message.reply_html(sentence(_lang(update), "unknown_command", command=command))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, a sticker, a voice note or a file without a caption, sent to the bot: say that
    only text is read."""
    message = _message(update)
    if message.chat.type == message.chat.PRIVATE:  # in a group, another member's photo
        await message.reply_html(sentence(_lang(update), "not_text"))


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
        try:
            await query.edit_message_text(combined, parse_mode=ParseMode.HTML)
        except BadRequest as exc:  # a second tap before the first edit showed: already done
            if "not modified" not in exc.message.lower():
                raise
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
    entities = (
        message.parse_entities if message.text is not None else message.parse_caption_entities
    )
    commands = entities([MessageEntity.BOT_COMMAND]).values()
    if any("@" not in c or c.lower().endswith(mention) for c in commands):
        return True
    if any(m.lower() == mention for m in entities([MessageEntity.MENTION]).values()):
        return True
    replied_to = message.reply_to_message.from_user if message.reply_to_message else None
    return replied_to is not None and replied_to.id == bot.id


def _question(message: Message, bot: Bot) -> str | None:
    """The question a message asks the bot, '' if it only mentions it, None if not for the bot."""
    said = message.text if message.text is not None else message.caption  # a photo's caption too
    if said is None or not _for_bot(message, bot):
        return None
    question = re.sub(re.escape(f"@{bot.username}"), " ", said, flags=re.IGNORECASE)
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
