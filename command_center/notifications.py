"""The notification centre: what a person should know, and the daily e-mail digest.

A plugin's action calls :func:`notify` inside its own write (a review decided,
a dispute answered, a report commented): the row lands with the write or not
at all. A notification holds a translation key and its parameters, so each
reader sees it in their own language; a key whose plugin is gone reads as its
kind. Each person sees and marks read only their own notifications — the
reads below take the viewer's person, never a person id from the caller.

Due items are not stored: they are the person's own agenda (``today_agenda``)
up to the day, asked for when the centre or the digest is shown.

The digest (:func:`send_digests`, ``command-center notify digest``) e-mails
each user who gave an address and asked for it: the day's due items and the
notifications still unread, once per user and day (:class:`DigestSent`),
through the SMTP server of :class:`SmtpSettings`. Nothing to say, nothing sent.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from string import Formatter
from typing import Any

import polars as pl
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from command_center.agenda import NotInScope, gather, person_viewer, sort_key
from command_center.db.engine import read_session, write_session
from command_center.db.models import EMAIL_LENGTH, DigestSent, Notification, User, utcnow
from command_center.i18n import has, language, t, tn
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.plugins import PluginHost
from command_center.types import AgendaItem

INBOX_SIZE = 50
"""How many notifications the centre lists, newest first."""
DIGEST_ITEMS = 20
"""How many due items and notifications one digest lists (it counts them all)."""
INBOX_SCHEMA: dict[str, pl.DataType] = {
    "notification_id": pl.Int64(),
    "kind": pl.String(),
    "text": pl.String(),
    "link": pl.String(),
    "created_at": pl.Datetime("us"),
    "read_at": pl.Datetime("us"),
}
EMAIL_PATTERN = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")


class NotificationError(ValueError):
    """A refused change of the notification settings; ``code`` is a translation key."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def notify(
    session: Session,
    person_id: int,
    kind: str,
    text_key: str,
    params: dict[str, Any] | None = None,
    link: str = "",
) -> None:
    """Tell ``person_id`` something, inside the caller's write (kept or lost with it).

    ``text_key`` is a translation key shown with ``params`` in the reader's
    language; ``link`` a page's ``url_path`` (``""``: none).
    """
    session.add(
        Notification(
            person_id=person_id,
            kind=kind[:32],
            text_key=text_key,
            params=dict(params or {}),
            link=link,
            created_at=utcnow(),
        )
    )


def text_of(kind: str, text_key: str, params: dict[str, Any]) -> str:
    """The notification in the current language; its kind's name when the key is unknown
    or asks for a parameter the notification lacks (written by another version)."""
    if has(text_key):
        wanted = {
            re.split(r"[.\[]", name)[0] for _, name, _, _ in Formatter().parse(t(text_key)) if name
        }
        if wanted <= params.keys():
            return t(text_key, **params)
    return t(f"notify.kind_{kind}") if has(f"notify.kind_{kind}") else kind


def inbox(engine: Engine, viewer: Viewer, unread_only: bool = False) -> pl.DataFrame:
    """The viewer's own newest :data:`INBOX_SIZE` notifications, their text translated."""
    if viewer.person_id is None:
        return pl.DataFrame(schema=INBOX_SCHEMA)
    query = (
        select(Notification)
        .where(Notification.person_id == viewer.person_id)
        .order_by(Notification.created_at.desc(), Notification.notification_id.desc())
        .limit(INBOX_SIZE)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    with read_session(engine) as session:
        rows = [
            (
                n.notification_id,
                n.kind,
                text_of(n.kind, n.text_key, n.params or {}),
                n.link,
                n.created_at,
                n.read_at,
            )
            for n in session.scalars(query)
        ]
    return pl.DataFrame(rows, schema=INBOX_SCHEMA, orient="row")


def unread_count(engine: Engine, viewer: Viewer) -> int:
    """How many of the viewer's own notifications are unread (one indexed count)."""
    if viewer.person_id is None:
        return 0
    query = select(func.count()).where(
        Notification.person_id == viewer.person_id, Notification.read_at.is_(None)
    )
    with read_session(engine) as session:
        return int(session.scalar(query) or 0)


def mark_read(engine: Engine, viewer: Viewer, ids: Sequence[int] | None = None) -> int:
    """Mark the viewer's own notifications read (``ids``, or all unread); how many changed.

    Ids of someone else's notifications change nothing. No analytic frame reads
    notifications, so this write leaves the data version (and every cache) alone.
    """
    if viewer.person_id is None:
        return 0
    statement = (
        update(Notification)
        .where(Notification.person_id == viewer.person_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if ids is not None:
        statement = statement.where(Notification.notification_id.in_(list(ids)))
    with write_session(engine, bump=False) as session:
        return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def due_items(host: PluginHost, engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """The viewer's own agenda rows due by the end of ``day`` (overdue first), never the team's."""
    if viewer.person_id is None:
        return []
    try:
        own = person_viewer(viewer, None, people_edges(engine), with_team=False)
    except NotInScope:
        return []
    return [item for item in gather(host, engine, own, day) if sort_key(item)[0] <= day]


# -- the digest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """Where the digest is sent from, read from the environment (:meth:`from_env`).

    - ``COMMAND_CENTER_SMTP_HOST`` (unset: no digest), ``COMMAND_CENTER_SMTP_PORT`` (25);
    - ``COMMAND_CENTER_SMTP_FROM`` (default ``command-center@<host>``);
    - ``COMMAND_CENTER_SMTP_USER`` / ``COMMAND_CENTER_SMTP_PASSWORD`` to log in;
    - ``COMMAND_CENTER_SMTP_STARTTLS=1`` to upgrade the connection first.
    """

    host: str
    port: int = 25
    sender: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> SmtpSettings | None:
        host = os.environ.get("COMMAND_CENTER_SMTP_HOST", "").strip()
        if not host:
            return None
        port_text = os.environ.get("COMMAND_CENTER_SMTP_PORT", "25").strip() or "25"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"COMMAND_CENTER_SMTP_PORT must be a port number, not {port_text!r}")
        return cls(
            host=host,
            port=int(port_text),
            sender=os.environ.get("COMMAND_CENTER_SMTP_FROM", "").strip()
            or f"command-center@{host}",
            user=os.environ.get("COMMAND_CENTER_SMTP_USER", ""),
            password=os.environ.get("COMMAND_CENTER_SMTP_PASSWORD", ""),
            starttls=os.environ.get("COMMAND_CENTER_SMTP_STARTTLS", "") not in ("", "0"),
        )


def digest_configured() -> bool:
    """Whether a mail server is set (the digest can be sent at all)."""
    return bool(os.environ.get("COMMAND_CENTER_SMTP_HOST", "").strip())


@dataclass(frozen=True)
class Digest:
    """One user's digest of a day, ready to send."""

    user_id: int
    login: str
    address: str
    subject: str
    body: str
    items: int


@dataclass
class DigestReport:
    """What :func:`send_digests` did, by login: sent, left out (nothing to say, or sent
    already), failed (with the server's reason)."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def check_email(address: str) -> str:
    """``address`` stripped, if it looks like one e-mail address (else
    :class:`NotificationError`)."""
    value = address.strip()
    if len(value) > EMAIL_LENGTH or not EMAIL_PATTERN.match(value):
        raise NotificationError("notify.bad_email", address=value[:60])
    return value


def set_digest(engine: Engine, viewer: Viewer, email: str | None, wanted: bool) -> None:
    """The signed-in user's own e-mail address and digest choice (no one else's)."""
    address = check_email(email) if email and email.strip() else None
    if wanted and address is None:
        raise NotificationError("notify.digest_needs_email")
    with write_session(engine, bump=False) as session:
        user = session.scalar(select(User).where(User.login == viewer.login))
        if user is None:
            raise NotificationError("notify.no_user", login=viewer.login)
        user.email, user.digest = address, wanted


def digest_choice(engine: Engine, viewer: Viewer) -> tuple[str, bool]:
    """The signed-in user's e-mail address (``""``: none) and whether they get the digest."""
    with read_session(engine) as session:
        row = session.execute(
            select(User.email, User.digest).where(User.login == viewer.login)
        ).first()
    return (row[0] or "", bool(row[1])) if row else ("", False)


def _lines(items: Sequence[AgendaItem], notes: pl.DataFrame) -> list[str]:
    lines: list[str] = []
    if items:
        lines += ["", tn("notify.digest_due", len(items))]
        for item in items[:DIGEST_ITEMS]:
            lines.append(f"- {item.due:%Y-%m-%d} · {t(f'today.kind.{item.kind}')} · {item.title}")
        if len(items) > DIGEST_ITEMS:
            lines.append(tn("notify.digest_more", len(items) - DIGEST_ITEMS))
    if notes.height:
        lines += ["", tn("notify.digest_unread", notes.height)]
        for at, text in notes.select("created_at", "text").head(DIGEST_ITEMS).iter_rows():
            lines.append(f"- {at:%Y-%m-%d %H:%M} · {text}")
    return lines


def digest_for(
    host: PluginHost, engine: Engine, user: User, day: dt.date, edges: dict[int, int | None]
) -> Digest | None:
    """``user``'s digest of ``day`` in the current language (``None``: nothing to say)."""
    if user.person_id is None or not user.email:
        return None
    viewer = Viewer(
        user.login, user.role, user.person_id, scope_for(user.role, user.person_id, edges)
    )
    items = due_items(host, engine, viewer, day)
    notes = inbox(engine, viewer, unread_only=True)
    if not items and notes.is_empty():
        return None
    body = "\n".join(
        [
            t("notify.digest_hello", login=user.login),
            *_lines(items, notes),
            "",
            t("notify.digest_footer"),
        ]
    )
    return Digest(
        user.user_id,
        user.login,
        user.email,
        t("notify.digest_subject", day=day.isoformat()),
        body,
        len(items) + notes.height,
    )


def _message(digest: Digest, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = digest.address
    message.set_content(digest.body)
    return message


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    if smtp.starttls:
        client.starttls()
    if smtp.user:
        client.login(smtp.user, smtp.password)
    return client


def send_digests(
    host: PluginHost,
    engine: Engine,
    day: dt.date,
    smtp: SmtpSettings,
    lang: str = "en",
    force: bool = False,
) -> DigestReport:
    """E-mail the day's digest to every active user who asked for it, once per day.

    A user already sent ``day``'s digest is left alone unless ``force``. Each
    digest sent is recorded at once, so a failure half-way (the server gone)
    re-sends only the rest on the next run; a refused address is reported and
    the others still go.
    """
    report = DigestReport()
    with read_session(engine) as session:
        users = list(
            session.scalars(
                select(User)
                .where(User.active.is_(True), User.digest.is_(True), User.email.is_not(None))
                .order_by(User.login)
            )
        )
        done = set(session.scalars(select(DigestSent.user_id).where(DigestSent.day == day)))
        session.expunge_all()
    edges = people_edges(engine)
    with language(lang):
        digests = []
        for user in users:
            found = (
                None
                if (user.user_id in done and not force)
                else digest_for(host, engine, user, day, edges)
            )
            if found is None:
                report.skipped.append(user.login)
            else:
                digests.append(found)
    if not digests:
        return report
    with _connect(smtp) as client:
        for digest in digests:
            try:
                client.send_message(_message(digest, smtp.sender))
            except smtplib.SMTPRecipientsRefused as exc:
                report.failed[digest.login] = str(exc.recipients.get(digest.address, exc))
                continue
            _record(engine, digest, day)
            report.sent.append(digest.login)
    return report


def _record(engine: Engine, digest: Digest, day: dt.date) -> None:
    with write_session(engine, bump=False) as session:
        found = session.get(DigestSent, (digest.user_id, day))
        if found is None:
            session.add(DigestSent(user_id=digest.user_id, day=day, items=digest.items))
        else:
            found.sent_at, found.items = utcnow(), digest.items
