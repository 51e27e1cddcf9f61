"""A conversation with the bot: cited answers, quotes, commands, follow-ups, groups, refusals."""

from __future__ import annotations

import contextlib

from bot.telegram.formatting import EXAMPLES
from bot.telegram.memory import FILE_NAME, ChatMemory
from index.answer import Answerer
from index.engine import NewsIndex
from tests.bot.telegram.conftest import (
    BOB,
    EBOLA,
    EBOLA_LINK,
    EBOLA_URL,
    FOLLOW_UP,
    BotSettings,
    StartBot,
)
from tests.conftest import make_settings
from tests.fakes.botapi import (
    PRIVATE_USER,
    FakeBotApi,
    button_press,
    chat_group,
    check_html,
    edited,
    message,
    photo,
)
from tests.fakes.chat import ChatEndpoint


def test_question_gets_a_cited_html_answer_with_a_quotes_button(
    botapi: FakeBotApi, start_bot: StartBot
) -> None:
    with start_bot():
        botapi.push(message(EBOLA))
        answer = botapi.wait_for()[0]

        actions = botapi.sent("sendChatAction", chat_id=PRIVATE_USER["id"])
        assert actions and actions[0].params["action"] == "typing"
        assert botapi.calls.index(actions[0]) < botapi.calls.index(answer)
        assert answer.params["parse_mode"] == "HTML"
        assert answer.params["chat_id"] == PRIVATE_USER["id"]
        checked = check_html(answer.text)
        assert checked.errors == []
        # The [1] marker is a link to the cited article, listed under "Sources" with its date.
        assert any(href.startswith(EBOLA_LINK) and text == "1" for href, text in checked.links)
        assert "Sources\n[1] Ebola : l'OMS déclare que l'épidémie est terminée" in answer.shown
        assert "Wikinews (fr), 1er janvier 2016" in answer.shown
        button = answer.params["reply_markup"]["inline_keyboard"][0][0]
        assert button["text"] == "📖 Voir les citations"

        press = botapi.push(button_press(answer))
        edit = botapi.wait_for("editMessageText")[0]
        answered = botapi.wait_for("answerCallbackQuery")[0]
        assert answered.params["callback_query_id"] == press["callback_query"]["id"]
        assert edit.params["message_id"] == answer.result["message_id"]
        assert edit.text.startswith(answer.text)  # the answer stays, the quotes come under it
        assert "<blockquote expandable>" in edit.text
        assert check_html(edit.text).errors == []
        assert "Mohammed Belhocine" in edit.shown.split("Passages cités")[1]
        assert "reply_markup" not in edit.params  # the button is gone once used
        # Tapped twice before the first edit showed: Telegram refuses the same edit, quietly.
        botapi.push(button_press(answer))
        assert botapi.wait_for("editMessageText", count=2)[1].status == 400
        botapi.wait_for("answerCallbackQuery", count=2)

        botapi.push(message("/sources"))
        quotes = botapi.wait_for(count=2)[1]
        assert quotes.text.startswith("<b>Passages cités</b>\n<blockquote>")
        assert "Mohammed Belhocine" in quotes.shown

        botapi.push(message("/reset"))
        assert "Conversation oubliée" in botapi.wait_for(count=3)[2].text
        botapi.push(message("/sources"))
        assert "posez d'abord une question" in botapi.wait_for(count=4)[3].shown
    assert not [c for c in botapi.sent("sendMessage") if "erreur" in c.shown]  # the second tap


def test_start_help_and_about_describe_the_archive(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: BotSettings
) -> None:
    settings = bot_settings(corpus_attribution="Articles <Wikinews> & co, CC BY 2.5")
    with start_bot(settings):
        botapi.push(message("/start"))
        botapi.push(message("/help", user=BOB))
        botapi.push(message("/about"))
        replies = botapi.wait_for(count=3)

    # Updates are handled concurrently: find each reply by chat and content.
    alice = botapi.sent(chat_id=PRIVATE_USER["id"])
    start = next(c for c in alice if "articles" in c.text)
    about = next(c for c in alice if c is not start)
    assert (
        "Je réponds à partir de 25 articles (43 passages), du 1er janvier 2016 au 18 janvier 2016"
        in (start.shown)
    )
    assert "Qu'a annoncé l'OMS au sujet d'Ebola ?" in start.shown
    assert "/reset" in start.shown and "/sources" in start.shown
    help_en = next(c for c in replies if c.params["chat_id"] == BOB["id"])
    assert "I answer from 25 articles" in help_en.shown
    assert about.text == "Articles &lt;Wikinews&gt; &amp; co, CC BY 2.5"
    assert all(c.params["parse_mode"] == "HTML" for c in replies)
    # The command menu is published in both languages.
    menus = botapi.sent("setMyCommands")
    assert {m.params.get("language_code") for m in menus} == {"fr", "en", None}


def test_follow_up_uses_the_history_which_survives_a_restart(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: BotSettings
) -> None:
    settings = bot_settings()
    with start_bot(settings):
        botapi.push(message(EBOLA))
        botapi.wait_for()
    assert (settings.data_dir / FILE_NAME).is_file()

    with start_bot(settings):  # a new Application over the same data dir
        botapi.push(message(FOLLOW_UP))
        follow_up = botapi.wait_for(count=2)[1]
        botapi.push(message(FOLLOW_UP, user=BOB))  # the same words in a chat with no history
        fresh = botapi.wait_for(chat_id=BOB["id"])[0]

    # The first source cited is what the answer rests on.
    assert _first_link(follow_up.text).startswith(EBOLA_URL)
    assert not _first_link(fresh.text).startswith(EBOLA_URL)
    turns = ChatMemory.from_settings(settings).history(PRIVATE_USER["id"])
    assert len(turns) == 2 and turns[0].question == EBOLA


BOWIE = "De quoi est mort David Bowie ?"


def test_a_reply_to_an_older_answer_follows_that_answer(
    botapi: FakeBotApi, start_bot: StartBot
) -> None:
    with start_bot():
        botapi.push(message(BOWIE))
        bowie = botapi.wait_for()[0]
        botapi.push(message(EBOLA))
        ebola = botapi.wait_for(count=2)[1]
        botapi.push(message(FOLLOW_UP, reply_to=bowie.result))
        under_bowie = botapi.wait_for(count=3)[2]

    assert "David_Bowie" in _first_link(bowie.text)
    assert _first_link(ebola.text).startswith(EBOLA_URL)
    # Asked under the Bowie answer, after the Ebola one: the Ebola exchange is not its thread.
    assert not _first_link(under_bowie.text).startswith(EBOLA_URL)


def test_an_edited_question_is_answered_again_in_its_new_words(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: BotSettings
) -> None:
    settings = bot_settings()
    with start_bot(settings):
        first = botapi.push(message(BOWIE))
        bowie = botapi.wait_for()[0]
        botapi.push(edited(first, EBOLA))
        again = botapi.wait_for(count=2)[1]
        # Telegram also reports an edit when only a link preview was added: same words.
        botapi.push(edited(first, EBOLA))
        botapi.push(message(FOLLOW_UP))
        follow_up = botapi.wait_for(count=3)[2]

    assert "David_Bowie" in _first_link(bowie.text)
    assert again.params["reply_parameters"]["message_id"] == first["message"]["message_id"]
    assert _first_link(again.text).startswith(EBOLA_URL)
    assert len(botapi.sent("sendMessage")) == 3  # the unchanged edit got no second answer
    # The new wording replaced the old one in the conversation.
    assert _first_link(follow_up.text).startswith(EBOLA_URL)
    turns = ChatMemory.from_settings(settings).history(PRIVATE_USER["id"])
    assert turns[0].question == EBOLA
    assert all(t.question != BOWIE for t in turns)


def _first_link(html: str) -> str:
    return html.split('<a href="', 1)[1].split('"', 1)[0] if '<a href="' in html else ""


def test_in_groups_it_answers_only_mentions_replies_and_commands(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: BotSettings
) -> None:
    group = chat_group()
    settings = bot_settings()
    with start_bot(settings):
        ignored = [
            botapi.push(message(EBOLA, chat=group)),
            botapi.push(message("/help@some_other_bot", chat=group)),
        ]
        mention = botapi.push(message(f"@newsqa_test_bot {EBOLA}", chat=group))
        first = botapi.wait_for(chat_id=group["id"])[0]
        reply = botapi.push(message(FOLLOW_UP, chat=group, reply_to=first.result))
        second = botapi.wait_for(chat_id=group["id"], count=2)[1]
        command = botapi.push(message("/about", chat=group))
        third = botapi.wait_for(chat_id=group["id"], count=3)[2]

    sent = botapi.sent("sendMessage", chat_id=group["id"])
    assert len(sent) == 3
    # Each reply quotes the message it answers.
    replied_to = [c.params["reply_parameters"]["message_id"] for c in sent]
    assert replied_to == [
        mention["message"]["message_id"],
        reply["message"]["message_id"],
        command["message"]["message_id"],
    ]
    assert not {u["message"]["message_id"] for u in ignored} & set(replied_to)
    assert EBOLA_URL in first.text and EBOLA_URL in second.text
    assert "Wikinews" in third.text
    # The mention is not part of the question that was remembered.
    turns = ChatMemory.from_settings(settings).history(group["id"])
    assert turns[0].question == EBOLA


def test_refusals_speak_the_question_language_and_list_close_articles(
    botapi: FakeBotApi, start_bot: StartBot, indexed: NewsIndex
) -> None:
    strict = Answerer.from_settings(
        make_settings(indexed.settings.data_dir, refusal_threshold=9, answer_backend="extractive"),
        indexed,
    )
    with start_bot(answers=strict):
        botapi.push(message(EBOLA))
        french = botapi.wait_for()[0]
        botapi.push(message("What did the WHO announce about Ebola?", user=BOB))
        english = botapi.wait_for(chat_id=BOB["id"])[0]
        botapi.push(message("/sources"))
        no_sources = botapi.wait_for(count=3)[2]

    assert french.shown.startswith("Je ne sais pas")
    assert "Articles les plus proches" in french.shown
    assert EBOLA_URL in french.text
    assert "reply_markup" not in french.params
    assert english.shown.startswith("I don't know")
    assert "Closest articles" in english.shown
    assert no_sources.text == "La dernière réponse ne cite aucun article."


def test_a_slow_question_does_not_hold_up_other_chats(
    botapi: FakeBotApi, start_bot: StartBot, indexed: NewsIndex, chat_endpoint: ChatEndpoint
) -> None:
    slow = "Que s'est-il passé à Valence le 1er janvier 2016 ?"
    chat_endpoint.reply = lambda prompt: "Voici ce que disent les articles [1]."

    def hold(prompt: str) -> None:
        # The slow question's model call waits until the other chat has its answer (or 120 s).
        if slow in prompt:
            with contextlib.suppress(AssertionError):
                botapi.wait_for(chat_id=BOB["id"], timeout=120)

    chat_endpoint.hold = hold
    settings = make_settings(
        indexed.settings.data_dir,
        answer_backend="openai",
        llm_model="fake",
        llm_base_url=chat_endpoint.base_url,
    )
    with start_bot(answers=Answerer.from_settings(settings, indexed)):
        botapi.push(message(slow))
        botapi.push(message(EBOLA, user=BOB))
        botapi.wait_for(count=2)
    first, second = botapi.sent()
    assert first.params["chat_id"] == BOB["id"]
    assert second.params["chat_id"] == PRIVATE_USER["id"]


def test_what_is_no_question_gets_a_line_saying_so_not_silence(
    botapi: FakeBotApi, start_bot: StartBot
) -> None:
    group = chat_group()
    with start_bot():
        botapi.push(message("/aide"))
        botapi.push(photo())
        botapi.push(message("???"))
        said = [call.shown for call in botapi.wait_for(count=3)]
        botapi.push(photo(caption=EBOLA))  # a photo's caption is a question like any text
        captioned = botapi.wait_for(count=4)[3]
        botapi.push(message("/aide", chat=group))  # perhaps another bot's: not answered
        botapi.push(photo(chat=group))
        botapi.push(message("/aide@newsqa_test_bot", chat=group))
        botapi.wait_for(chat_id=group["id"])
        # "Hello" could be either language: the user's Telegram language settles it.
        botapi.push(message("Hello", user=BOB))
        greeted = botapi.wait_for(chat_id=BOB["id"])[0]

    # Chats are served concurrently: the replies may come in any order.
    assert sorted(said) == sorted([
        "Commande inconnue : /aide. Commandes : /help, /sources, /reset, /about.",
        "Je ne lis que le texte : posez votre question par écrit.",
        f"Posez une question avec des mots, par exemple : {EXAMPLES['fr'][0]}",
    ])  # fmt: skip
    in_group = botapi.sent("sendMessage", chat_id=group["id"])
    assert [c.shown for c in in_group] == [
        "Commande inconnue : /aide. Commandes : /help, /sources, /reset, /about."
    ]
    assert greeted.shown.startswith("Hello! I answer questions about the articles")
    assert EBOLA_URL in captioned.text
