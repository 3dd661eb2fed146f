"""Who may act: the checks every write makes before it changes anything."""

from __future__ import annotations

from sqlalchemy.orm import Session

from command_center.db.models import Customer
from command_center.org.scope import Viewer
from plugins.customers.errors import ActionRefused
from plugins.customers.queries.book import can_work_on


def require_person(viewer: Viewer) -> int:
    """The viewer's person id; an admin (no person, no book) is refused."""
    if viewer.role == "admin" or viewer.person_id is None:
        raise ActionRefused("no_person")
    return viewer.person_id


def editable(session: Session, viewer: Viewer, customer_id: int) -> Customer:
    """The customer, if the viewer may change it (owned within scope; a director: any)."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise ActionRefused("unknown_customer", customer=customer_id)
    if not can_work_on(viewer, customer.owner_id):
        raise ActionRefused("not_yours")
    return customer
