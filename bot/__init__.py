"""Front ends over the index: the `newsqa` command line and the Telegram bot."""
