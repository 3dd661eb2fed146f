"""The sample plugin's one table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base


class SampleVisit(Base):
    __tablename__ = "sample_visits"

    visit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    visit_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
