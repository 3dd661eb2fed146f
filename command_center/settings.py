"""Runtime settings, read from the environment once per call.

Every setting has an environment variable so that the same code runs the
demo on a laptop and a company on PostgreSQL behind several app replicas.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
LANGUAGES = ("en", "zh_CN", "zh_TW")  # as command_center.i18n.LANGUAGES (a test keeps them equal)


def _split(value: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """The settings in force; build with :func:`get_settings`."""

    db_url: str
    data_dir: Path
    disabled_plugins: frozenset[str] = field(default_factory=frozenset)
    language: str = "en"
    trace_plugins: bool = False
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    refresh_seconds: int = 15
    min_date: dt.date = dt.date(1990, 1, 1)
    max_years_ahead: int = 5

    def date_range(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """The earliest and latest date (or period start) an import accepts, inclusive.

        ``min_date`` .. ``today + max_years_ahead`` years (29 February: the 28th).
        """
        day = today or dt.date.today()
        year = min(day.year + self.max_years_ahead, dt.MAXYEAR)
        try:
            latest = day.replace(year=year)
        except ValueError:  # 29 February in a year that has none
            latest = day.replace(year=year, day=28)
        return self.min_date, max(latest, self.min_date)


def _date(name: str, default: dt.date) -> dt.date:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None
    return day


def _int(name: str, default: int, least: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < least:
        raise ValueError(f"{name} must be at least {least}, not {number}")
    return number


def get_settings() -> Settings:
    """Read the settings from the environment.

    - ``COMMAND_CENTER_DB_URL``: SQLAlchemy URL (default: SQLite file in data/).
    - ``COMMAND_CENTER_DATA_DIR``: where the SQLite file and uploads live.
    - ``COMMAND_CENTER_DISABLED_PLUGINS``: comma-separated plugin names.
    - ``COMMAND_CENTER_LANG``: ``en``, ``zh_CN`` or ``zh_TW`` for the CLI and first visit.
    - ``COMMAND_CENTER_TRACE_PLUGINS``: ``1`` prints every hook call.
    - ``COMMAND_CENTER_LOCKOUT_ATTEMPTS`` / ``COMMAND_CENTER_LOCKOUT_MINUTES``.
    - ``COMMAND_CENTER_MIN_DATE`` (default 1990-01-01) and
      ``COMMAND_CENTER_MAX_YEARS_AHEAD`` (default 5): the dates and periods an
      import accepts, from the first to today plus that many years.
    """
    data_dir = Path(os.environ.get("COMMAND_CENTER_DATA_DIR") or DEFAULT_DATA_DIR)
    db_url = (
        os.environ.get("COMMAND_CENTER_DB_URL") or f"sqlite:///{data_dir / 'command_center.db'}"
    )
    language = os.environ.get("COMMAND_CENTER_LANG", "en")
    return Settings(
        db_url=db_url,
        data_dir=data_dir,
        disabled_plugins=_split(os.environ.get("COMMAND_CENTER_DISABLED_PLUGINS")),
        language=language if language in LANGUAGES else "en",
        trace_plugins=os.environ.get("COMMAND_CENTER_TRACE_PLUGINS", "") not in ("", "0"),
        lockout_attempts=int(os.environ.get("COMMAND_CENTER_LOCKOUT_ATTEMPTS", "5")),
        lockout_minutes=int(os.environ.get("COMMAND_CENTER_LOCKOUT_MINUTES", "15")),
        refresh_seconds=int(os.environ.get("COMMAND_CENTER_REFRESH_SECONDS", "15")),
        min_date=_date("COMMAND_CENTER_MIN_DATE", Settings.min_date),
        max_years_ahead=_int("COMMAND_CENTER_MAX_YEARS_AHEAD", Settings.max_years_ahead),
    )
