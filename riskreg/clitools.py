"""Option types every ``riskreg`` command shares (no Flask)."""

from __future__ import annotations

import datetime as dt

import click

#: The languages of the output of commands that print for people.
LANGS = click.Choice(["da", "en"])


def iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A click callback: the option's YYYY-MM-DD value as a date (None when not given)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD).") from None
