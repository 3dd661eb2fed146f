"""The one table customers_next adds to customers' data (named after customers, whose
track its migrations continue)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base


class NextCustomerTag(Base):
    __tablename__ = "customers_tags"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)


TABLES = [NextCustomerTag]
