"""Help screens without type noise: Typer prints `<bool>`, `<list[str]>` and `<int range>
[x>=1]` beside every parameter; newsqa's help shows a metavar where a value is wanted (`NAME`,
`N`, `DATE`) and nothing for flags, and says limits in the help text itself.

Typer has no switch for this (0.29), so its two display hooks are replaced once, here.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption


def _metavar_only(param: Any, ctx: Any) -> str | None:
    metavar: str | None = param.metavar
    return metavar


def _no_type(param: Any, ctx: Any) -> None:
    return None


def _no_range(param: Any) -> None:
    return None


def _usage_name(param: Any) -> str:
    """A required argument as its plain name on the usage line (Typer writes `{QUESTION}`,
    which reads like a list of choices), an optional one in brackets."""
    name: str = param.display_name_raw if param.required else f"[{param.display_name_raw}]"
    return name + ("..." if param.nargs != 1 else "")


def plain_help_types() -> None:
    """Options show their metavar only (none for flags), arguments their name only (plain on
    the usage line), and no range hints, on every help screen."""
    TyperOption.display_type_rich = _metavar_only  # type: ignore[method-assign,assignment]
    TyperArgument.display_type_rich = _no_type  # type: ignore[method-assign,assignment]
    TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign,assignment]
    TyperOption._get_number_range_help_str = _no_range  # type: ignore[method-assign,assignment]
