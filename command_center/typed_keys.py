"""A key typed into a form for a new person or customer: checked as an import key is.

The hire form (recruiting) and the new-customer form (customers) take an optional
key (``E-2031``, ``CUST-000123``; docs/keys.md). Empty, the new row is known by the
text of its id, as every row the app makes itself. Otherwise the key is held to the
rules of an import file's key column (:mod:`command_center.io.keys`):

- surrounding blanks are dropped (only blanks: empty);
- at most :data:`~command_center.db.models.KEY_LENGTH` characters;
- no control, text-direction, line-break or tab character (named ``U+XXXX``);
- never beginning like a spreadsheet formula (``=``, ``+``, ``-``, ``@``);
- unique among the kind's keys (the id's text too: a key ``17`` typed for another
  customer makes customer 17's default taken).

A refusal is :class:`KeyRefused`: a translation key under ``keys.form`` and its
values; the plugin's action turns it into its own refusal before anything is written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center import keys
from command_center.db.models import KEY_LENGTH
from command_center.i18n import t
from command_center.io.validate import FORMULA_STARTS, hidden_chars, visible

__all__ = ["KeyRefused", "checked_key", "claim_key"]


class KeyRefused(ValueError):
    """A typed key the rules refuse: ``code`` a translation key, ``params`` its values."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self) -> str:
        """Why, in the active language."""
        return t(self.code, **self.params)


def checked_key(typed: str | None) -> str | None:
    """``typed`` without surrounding blanks, or ``None`` when nothing is left;
    :class:`KeyRefused` when it breaks a rule of an import key (module docstring)."""
    text = (typed or "").strip()
    if not text:
        return None
    if len(text) > KEY_LENGTH:
        raise KeyRefused("keys.form.too_long", max=KEY_LENGTH, length=len(text))
    refused = set(hidden_chars(layout=True))
    bad = next((c for c in text if c in refused), None)
    if bad is not None:
        raise KeyRefused("keys.form.hidden", char=visible(bad).strip("<>"))
    if text.startswith(FORMULA_STARTS):
        raise KeyRefused("keys.form.formula", starts=" ".join(FORMULA_STARTS))
    return text


def claim_key(session: Session, kind: keys.Kind, typed: str | None, new_id: int) -> str:
    """The key the new row of ``kind`` with id ``new_id`` is stored under: ``typed``
    checked (:func:`checked_key`), else the id's text; :class:`KeyRefused` when another
    row has it. Read in ``session`` (the caller's write, after its table lock)."""
    key = checked_key(typed) or str(new_id)
    found = keys.spec(kind)
    holder = session.scalar(select(found.ids).where(found.keys == key).limit(1))
    if holder is not None and int(holder) != new_id:
        raise KeyRefused(f"keys.form.taken_{kind}", key=visible(key))
    return key
