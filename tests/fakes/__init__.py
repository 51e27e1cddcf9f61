"""In-process fakes of the other side of each protocol, for the tests and the benches.

`botapi`: the Telegram Bot API; `chat`: an OpenAI-style chat-completions endpoint; `news_site`:
a small news website; `encoder`: an embedding runtime that needs no model.
"""
