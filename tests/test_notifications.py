"""Issue 15, item 8: the notification centre and the daily e-mail digest.

The small hand-built org (tests/factories.py: supervisor 3 over reps 4 and 5)
with one action item of rep 4 due on the day and one later; notifications
written inside a write; the digest sent to a real SMTP server (aiosmtpd on
localhost) that the test starts, never a mock.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select
from typer.testing import CliRunner

from command_center import cli, i18n
from command_center import notifications as notes
from command_center import testing as apptest
from command_center.agenda import AgendaItem
from command_center.db.engine import data_version, read_session, write_session
from command_center.db.models import DigestSent, Notification
from command_center.org.auth import add_user
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.team_events.models import ActionItem, Event
from plugins.team_events.settings import TeamEventsSettings
from tests.conftest import Db, make_host, use_db
from tests.factories import load_small_org
from tests.fixtures_cash import pay_in_full

DAY = dt.date(2026, 11, 16)
REP4 = Viewer("rep4", "rep", 4, frozenset({4}))
REP5 = Viewer("rep5", "rep", 5, frozenset({5}))
SUP3 = Viewer("sup3", "supervisor", 3, frozenset({3, 4, 5}))
PASSWORD = "demo-pass-2026"
runner = CliRunner()


@pytest.fixture
def org(empty_db: Db) -> Db:
    """Reps 4 and 5 with logins; rep 4 has an action item due on DAY and one later."""
    engine = empty_db.engine
    i18n.install(make_host().translations())  # the agenda's titles are the plugins' texts
    load_small_org(engine)
    with write_session(engine) as session:
        for login, role, person in (
            ("rep4", "rep", 4),
            ("rep5", "rep", 5),
            ("sup3", "supervisor", 3),
        ):
            add_user(session, login, PASSWORD, role, person)
        session.add(Event(event_id=1, kind="weekly_meeting", title="甲组周会", team_root=3,
                          organiser_id=3, event_date=DAY - dt.timedelta(days=7),
                          start_time="09:00", status="held"))  # fmt: skip
        session.flush()
        session.add_all(
            [
                ActionItem(action_id=1, event_id=1, team_root=3, owner_id=4, title="发报价",
                           due_date=DAY, status="open", created_on=DAY - dt.timedelta(days=7)),
                ActionItem(action_id=2, event_id=1, team_root=3, owner_id=4, title="以后再说",
                           due_date=DAY + dt.timedelta(days=14), status="open",
                           created_on=DAY - dt.timedelta(days=7)),
                ActionItem(action_id=3, event_id=1, team_root=3, owner_id=5, title="别人的事",
                           due_date=DAY, status="open", created_on=DAY - dt.timedelta(days=7)),
            ]
        )  # fmt: skip
    pay_in_full(engine)  # no overdue receivables in the due lists (test_payment_schedules)
    return empty_db


def _tell(db: Db, person: int, kind: str, key: str, **params: object) -> None:
    with write_session(db.engine) as session:
        notes.notify(session, person, kind, key, dict(params), link="today")


def test_a_notification_lands_with_the_write_and_reads_in_the_readers_language(org: Db) -> None:
    _tell(org, 4, "dispute_answered", "notify.digest_subject", day="2026-11-16")
    _tell(org, 5, "report_commented", "notify.kind_report_commented")
    with pytest.raises(RuntimeError), write_session(org.engine) as session:
        notes.notify(session, 4, "review_decision", "notify.kind_review_decision")
        raise RuntimeError("the action failed: its notification goes with it")
    mine = notes.inbox(org.engine, REP4)
    assert mine["text"].to_list() == ["Command center · your day 2026-11-16"]
    assert mine["read_at"].to_list() == [None] and mine["link"].to_list() == ["today"]
    with i18n.language("zh_CN"):
        assert notes.inbox(org.engine, REP4)["text"].to_list() == ["指挥中心 · 你的一天 2026-11-16"]
    assert notes.inbox(org.engine, REP5)["text"].to_list() == ["A comment on your report"]
    # a supervisor sees their team's data, never their team's notifications
    assert notes.inbox(org.engine, SUP3).is_empty() and notes.unread_count(org.engine, SUP3) == 0


def test_a_key_that_is_gone_reads_as_its_kind(org: Db) -> None:
    _tell(org, 4, "dispute_answered", "incentives.no_such_key")
    _tell(org, 4, "something_new", "nowhere.no_such_key")
    _tell(org, 4, "review_decision", "notify.digest_subject", wrong_param="x")
    texts = sorted(notes.inbox(org.engine, REP4)["text"].to_list())
    assert texts == sorted(["A dispute was answered", "something_new", "A review was decided"])


def test_marking_read_touches_only_ones_own_and_leaves_the_caches(org: Db) -> None:
    for n in range(3):
        _tell(org, 4, "dispute_answered", "notify.kind_dispute_answered", n=n)
    _tell(org, 5, "dispute_answered", "notify.kind_dispute_answered")
    assert notes.unread_count(org.engine, REP4) == 3
    others = notes.inbox(org.engine, REP5)["notification_id"].to_list()
    first = notes.inbox(org.engine, REP4)["notification_id"].to_list()[0]
    version = data_version(org.engine)
    assert notes.mark_read(org.engine, REP4, [first, *others]) == 1
    assert notes.unread_count(org.engine, REP4) == 2 and notes.unread_count(org.engine, REP5) == 1
    assert notes.mark_read(org.engine, REP4) == 2 and notes.unread_count(org.engine, REP4) == 0
    assert notes.inbox(org.engine, REP4, unread_only=True).is_empty()
    assert notes.inbox(org.engine, REP4).height == 3
    assert data_version(org.engine) == version  # no analytic frame reads notifications
    assert notes.mark_read(org.engine, Viewer("admin", "admin", None, None)) == 0


def _actions(items: list[AgendaItem]) -> list[str]:
    return [item.title for item in items if item.kind == "action_item"]


def test_due_items_are_the_persons_own_rows_due_by_the_day(org: Db) -> None:
    host = make_host()
    mine = notes.due_items(host, org.engine, REP4, DAY)
    assert _actions(mine) == ["Action item: 发报价"] and {i.person_id for i in mine} == {4}
    assert {i.kind for i in mine} == {"action_item", "followup", "pool_release"}  # customer 1
    assert _actions(notes.due_items(host, org.engine, REP5, DAY)) == ["Action item: 别人的事"]
    later = notes.due_items(host, org.engine, REP4, DAY + dt.timedelta(days=20))
    assert _actions(later) == ["Action item: 发报价", "Action item: 以后再说"]  # overdue first
    assert notes.due_items(host, org.engine, SUP3, DAY) == []  # not the team's rows


def test_the_digest_settings_are_ones_own_and_checked(org: Db) -> None:
    notes.set_digest(org.engine, REP4, " rep4@example.com ", True)
    assert notes.digest_choice(org.engine, REP4) == ("rep4@example.com", True)
    assert notes.digest_choice(org.engine, REP5) == ("", False)
    for bad in (
        "rep4",
        "a@b",
        "a b@example.com",
        "x@example.com, y@example.com",
        "x" * 250 + "@ex.com",
    ):
        with pytest.raises(notes.NotificationError) as refused:
            notes.set_digest(org.engine, REP5, bad, True)
        assert refused.value.code == "notify.bad_email"
    with pytest.raises(notes.NotificationError) as refused:
        notes.set_digest(org.engine, REP5, "", True)
    assert refused.value.code == "notify.digest_needs_email"
    notes.set_digest(org.engine, REP4, "", False)
    assert notes.digest_choice(org.engine, REP4) == ("", False)


# -- the digest, through a real SMTP server ----------------------------------------------


class Inbox:
    """An aiosmtpd handler: keeps every message; refuses mail to ``refused`` addresses."""

    def __init__(self, refused: frozenset[str] = frozenset()) -> None:
        self.messages: list[EmailMessage] = []
        self.refused = refused

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes)
        found = message_from_bytes(content, policy=policy.default)
        assert isinstance(found, EmailMessage)
        self.messages.append(found)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, notes.SmtpSettings]]:
    inbox = Inbox(refused=frozenset({"gone@example.com"}))
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, notes.SmtpSettings("127.0.0.1", controller.port, "cc@example.com")
    finally:
        controller.stop()


def _body(message: EmailMessage) -> str:
    return str(message.get_content())


def test_the_digest_goes_once_a_day_to_who_asked_with_their_items(org: Db, smtp_server) -> None:
    inbox, smtp = smtp_server
    notes.set_digest(org.engine, REP4, "rep4@example.com", True)
    notes.set_digest(org.engine, REP5, "rep5@example.com", False)  # an address, no digest
    notes.set_digest(org.engine, SUP3, "sup3@example.com", True)  # nothing of their own: no mail
    _tell(org, 4, "dispute_answered", "notify.kind_dispute_answered")
    host = make_host()
    report = notes.send_digests(host, org.engine, DAY, smtp)
    assert report.sent == ["rep4"] and report.skipped == ["sup3"] and not report.failed
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "rep4@example.com" and mail["From"] == "cc@example.com"
    assert mail["Subject"] == "Command center · your day 2026-11-16"
    body = _body(mail)
    # the action item, and customer 1's follow-up and pool warning (never followed up)
    assert "3 items due by today:" in body and "发报价" in body and "以后再说" not in body
    assert "1 unread notification:" in body and "A dispute was answered" in body
    assert "别人的事" not in body
    with read_session(org.engine) as session:
        sent = session.scalars(select(DigestSent)).all()
    assert [(s.day, s.items) for s in sent] == [(DAY, 4)]
    again = notes.send_digests(host, org.engine, DAY, smtp)
    assert again.sent == [] and len(inbox.messages) == 1  # a day goes once
    forced = notes.send_digests(host, org.engine, DAY, smtp, lang="zh_CN", force=True)
    assert forced.sent == ["rep4"] and len(inbox.messages) == 2
    assert inbox.messages[1]["Subject"] == "指挥中心 · 你的一天 2026-11-16"
    assert "截至今天到期 3 项" in _body(inbox.messages[1])


def test_a_refused_address_is_reported_and_the_others_still_go(org: Db, smtp_server) -> None:
    inbox, smtp = smtp_server
    with write_session(org.engine) as session:
        notes.notify(session, 5, "dispute_answered", "notify.kind_dispute_answered")
    notes.set_digest(org.engine, REP4, "gone@example.com", True)
    notes.set_digest(org.engine, REP5, "rep5@example.com", True)
    report = notes.send_digests(make_host(), org.engine, DAY, smtp)
    assert report.sent == ["rep5"] and set(report.failed) == {"rep4"}
    assert "no such mailbox" in report.failed["rep4"]
    assert [m["To"] for m in inbox.messages] == ["rep5@example.com"]
    with read_session(org.engine) as session:
        assert session.scalars(select(DigestSent.user_id)).all() != []  # rep5's only
        assert len(session.scalars(select(DigestSent)).all()) == 1


@pytest.fixture
def cli_org(org: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    use_db(monkeypatch, org)
    cli.build_app()
    return org


def test_cli_notify_digest(cli_org: Db, smtp_server, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, smtp = smtp_server
    notes.set_digest(cli_org.engine, REP4, "rep4@example.com", True)
    args = ["notify", "digest", "--date", DAY.isoformat()]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 1 and "COMMAND_CENTER_SMTP_HOST" in result.stderr
    monkeypatch.setenv("COMMAND_CENTER_SMTP_HOST", smtp.host)
    monkeypatch.setenv("COMMAND_CENTER_SMTP_PORT", str(smtp.port))
    refused = runner.invoke(
        cli.app, ["--user", "rep4", *args], env={"COMMAND_CENTER_PASSWORD": PASSWORD}
    )
    assert refused.exit_code == 1 and "notify digest" in refused.stderr and not inbox.messages
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.stderr
    assert "Digest of 2026-11-16: 1 e-mail sent" in result.stdout and len(inbox.messages) == 1
    assert inbox.messages[0]["From"] == f"command-center@{smtp.host}"
    monkeypatch.setenv("COMMAND_CENTER_SMTP_PORT", str(_free_port()))  # nobody listens
    down = runner.invoke(cli.app, [*args, "--force"])
    assert down.exit_code == 1 and "could not be reached" in down.stderr
    assert "Traceback" not in down.stderr + down.stdout


@pytest.mark.one_backend
def test_the_page_lists_due_items_and_marks_read(
    org: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    today = dt.date.today()
    with write_session(org.engine) as session:
        # no daily reports owed: the due list is the action items and customer 1's rows
        save_settings(session, "team_events", TeamEventsSettings(report_levels=[]), "test")
        session.get(ActionItem, 2).due_date = today  # type: ignore[union-attr]
        session.get(ActionItem, 1).due_date = today + dt.timedelta(days=3)  # type: ignore[union-attr]
    _tell(org, 4, "dispute_answered", "notify.kind_dispute_answered")
    _tell(org, 4, "report_commented", "notify.kind_report_commented")
    use_db(monkeypatch, org)
    at = apptest.open_page(apptest.start(org.engine, "rep4"), "notifications")
    assert not at.exception
    shown = apptest.texts(at)
    assert "🔔 2 unread notifications" in shown and "1 item due by today" in shown
    assert "以后再说" in shown and "发报价" not in shown
    assert apptest.page_problems(at) == []
    at = next(b for b in at.button if b.label == "Mark all read").click().run()
    assert not at.exception and "2 notifications marked read." in apptest.texts(at)
    assert "🔔 No unread notifications" in apptest.texts(at)
    with read_session(org.engine) as session:
        assert session.scalars(select(Notification.read_at)).all()[0] is not None
    at.text_input[0].input("not-an-address")
    at.checkbox[0].check()
    at = next(b for b in at.button if b.label == "Save").click().run()
    assert "Not an e-mail address: not-an-address" in apptest.texts(at)
    assert notes.digest_choice(org.engine, REP4) == ("", False)
