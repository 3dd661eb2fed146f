"""The plugin's one table: contests (name, metric, months, prize)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base


class Contest(Base):
    __tablename__ = "contests_contests"

    contest_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    metric: Mapped[str] = mapped_column(String(50))
    start_month: Mapped[dt.date] = mapped_column(Date)
    end_month: Mapped[dt.date] = mapped_column(Date)
    prize: Mapped[str] = mapped_column(String(200), default="")


TABLES = (Contest,)
