"""Helpers for driving the pages with the Flask test client: English messages, a page's text."""

from __future__ import annotations

import html
from typing import Any

from flask.testing import FlaskClient


def in_english(client: FlaskClient) -> FlaskClient:
    """Show messages in English so the assertions do not depend on the Danish catalogue."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def text(response: Any) -> str:
    """The response body as text, with HTML entities decoded (``&amp;`` -> ``&``)."""
    return html.unescape(response.get_data(as_text=True))
