"""Helpers to drive the real app with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from command_center.db.engine import read_session
from command_center.db.models import User
from command_center.org.auth import SignedIn

APP = str(Path(__file__).resolve().parent.parent / "command_center" / "app.py")


def signed_in(engine: Engine, login: str) -> SignedIn:
    with read_session(engine) as session:
        user = session.scalars(select(User).where(User.login == login)).one()
        return SignedIn(user.user_id, user.login, user.role, user.person_id)


def start(engine: Engine, login: str | None = None, lang: str = "en") -> AppTest:
    """Run the app once, signed in as ``login`` (skipping the form) in ``lang``."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    if login is not None:
        at.session_state["signed_in"] = signed_in(engine, login)
    return at.run()


def page_paths(at: AppTest) -> list[str]:
    """The url paths of the pages in the navigation of the last run.

    The default page (home; admin for admins) has the empty path.
    """
    return [str(info.get("url_pathname")) for info in at._registered_pages.values()]


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Switch to a callable page registered with ``url_path`` and run."""
    for page_hash, info in at._registered_pages.items():
        if info.get("url_pathname") == url_path:
            at._page_hash = page_hash
            return at.run()
    raise KeyError(f"no page {url_path!r}; have {page_paths(at)}")


def texts(at: AppTest) -> str:
    """Every piece of text the run put on screen, for assertions."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "text",
        "error",
        "info",
        "success",
        "warning",
    ):
        parts.extend(str(el.value) for el in getattr(at, kind))
    parts.extend(str(m.label) + " " + str(m.value) for m in at.metric)
    for frame in at.dataframe:
        parts.append(
            frame.value.to_string() if hasattr(frame.value, "to_string") else str(frame.value)
        )
    return "\n".join(parts)
