"""The command line: `newsqa` and its subcommands."""

from bot.cli.app import main

__all__ = ["main"]
