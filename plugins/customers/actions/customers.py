"""Creating and editing customers (with the duplicate check) and their contacts."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import lock_table, next_id
from command_center.db.models import Customer, Person
from command_center.org.scope import Viewer
from command_center.typed_keys import KeyRefused, claim_key
from plugins.customers import settings as settings_mod
from plugins.customers.actions.guards import editable
from plugins.customers.actions.moves import Move, record_moves
from plugins.customers.errors import ActionRefused, DuplicateFound
from plugins.customers.logic.dedupe import name_key, phone_key, tax_key
from plugins.customers.models import CLASSES, SOURCES, Contact, CustomerProfile


@dataclass(frozen=True)
class CustomerInput:
    """What a user types for a customer."""

    name: str
    industry: str = ""
    size: str = "prospect"
    region: str = ""
    phone: str = ""
    tax_id: str = ""
    address: str = ""
    source: str = "other"
    needs: str = ""
    preferences: str = ""

    def cleaned(self) -> CustomerInput:
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(self).items()}
        data = CustomerInput(**values)
        if not data.name:
            raise ActionRefused("name_required")
        if len(data.name) > 200:
            raise ActionRefused("name_too_long")
        if data.size not in CLASSES:
            raise ActionRefused("bad_size")
        if data.source not in SOURCES:
            raise ActionRefused("bad_source")
        return data


def find_duplicates(
    session: Session, name: str, phone: str, tax_id: str, exclude: int | None = None
) -> list[dict[str, Any]]:
    """Customers with the same name, phone (theirs or a contact's) or tax id."""
    keys = {"name": name_key(name), "phone": phone_key(phone), "tax_id": tax_key(tax_id)}
    p = CustomerProfile
    found: dict[int, list[str]] = {}

    def hit(customer_id: int, field: str) -> None:
        if customer_id != exclude and field not in found.setdefault(customer_id, []):
            found[customer_id].append(field)

    checks = []
    if keys["name"]:
        checks.append((p.name_key == keys["name"], "name"))
    if keys["phone"]:
        checks.append((p.phone_key == keys["phone"], "phone"))
    if keys["tax_id"]:
        checks.append((p.tax_key == keys["tax_id"], "tax_id"))
    if checks:
        rows = session.execute(
            select(p.customer_id, p.name_key, p.phone_key, p.tax_key).where(
                or_(*(cond for cond, _ in checks))
            )
        ).all()
        for cid, nk, pk, tk in rows:
            for field, value in (("name", nk), ("phone", pk), ("tax_id", tk)):
                if keys[field] and value == keys[field]:
                    hit(cid, field)
    if keys["phone"]:
        for (cid,) in session.execute(
            select(Contact.customer_id).where(Contact.phone_key == keys["phone"])
        ):
            hit(cid, "phone")
    # Customers without a profile yet (say imported through the core): by name.
    if keys["name"]:
        bare = session.execute(
            select(Customer.customer_id, Customer.name)
            .outerjoin(p, p.customer_id == Customer.customer_id)
            .where(p.customer_id.is_(None))
        ).all()
        for cid, cname in bare:
            if name_key(cname) == keys["name"]:
                hit(cid, "name")
    if not found:
        return []
    owners = dict(
        session.execute(
            select(Customer.customer_id, Customer.owner_id).where(
                Customer.customer_id.in_(list(found))
            )
        ).all()
    )
    names = dict(
        session.execute(
            select(Customer.customer_id, Customer.name).where(Customer.customer_id.in_(list(found)))
        ).all()
    )
    return [
        {
            "customer_id": cid,
            "name": names.get(cid, ""),
            "owner_id": owners.get(cid),
            "matched_on": fields,
        }
        for cid, fields in sorted(found.items())
    ]


def _owner_for_new(session: Session, viewer: Viewer, owner_id: int | None) -> int | None:
    if viewer.role == "admin":
        raise ActionRefused("no_person")
    if viewer.role == "rep":
        if owner_id != viewer.person_id:
            raise ActionRefused("rep_owns_new")
        return owner_id
    if owner_id is None:
        return None
    if not viewer.can_see(owner_id) or session.get(Person, owner_id) is None:
        raise ActionRefused("owner_out_of_scope")
    return owner_id


def private_count(session: Session, owner_id: int) -> int:
    return int(session.scalar(select(func.count()).where(Customer.owner_id == owner_id)) or 0)


def create_customer(
    engine: Engine,
    viewer: Viewer,
    data: CustomerInput,
    owner_id: int | None,
    today: dt.date | None = None,
    key: str | None = None,
) -> int:
    """Create a customer (new ``customer_id`` = MAX + 1) unless it duplicates one.

    A rep's new customer goes into their private pool (within the cap); a
    leader may give it to someone in their scope or leave it in the public pool.
    ``key``: the customer's external key (the ERP's ``CUST-000123``), checked as an
    import key is (:mod:`command_center.typed_keys`); empty, the new id's text.
    """
    today = today or dt.date.today()
    data = data.cleaned()
    cap = settings_mod.get(engine).pool_cap
    with write_session(engine) as session:
        owner = _owner_for_new(session, viewer, owner_id)
        lock_table(session, "customers")
        matches = find_duplicates(session, data.name, data.phone, data.tax_id)
        if matches:
            raise DuplicateFound(matches)
        if owner is not None and private_count(session, owner) >= cap:
            raise ActionRefused("cap_reached", cap=cap)
        customer_id = next_id(session, Customer.customer_id)
        try:
            customer_key = claim_key(session, "customer", key, customer_id)
        except KeyRefused as exc:
            raise ActionRefused("bad_key", reason=exc.message()) from None
        session.add(
            Customer(
                customer_id=customer_id,
                customer_key=customer_key,
                name=data.name,
                industry=data.industry,
                size=data.size,
                owner_id=owner,
                region=data.region,
                created_on=today,
            )
        )
        session.flush()
        session.add(_profile(customer_id, data, owner, today))
        session.flush()
        audit(session, viewer.login, "customer_created", "customer", customer_id,
              customer_key=customer_key, **asdict(data))  # fmt: skip
        record_moves(session, [Move(customer_id, "create", "", None, owner)], today, viewer.login)
    return customer_id


def _profile(
    customer_id: int, data: CustomerInput, owner: int | None, today: dt.date
) -> CustomerProfile:
    return CustomerProfile(
        customer_id=customer_id,
        phone=data.phone,
        tax_id=data.tax_id,
        address=data.address,
        source=data.source,
        needs=data.needs,
        preferences=data.preferences,
        name_key=name_key(data.name),
        phone_key=phone_key(data.phone),
        tax_key=tax_key(data.tax_id),
        locked=False,
        owned_since=today if owner is not None else None,
        first_owner_id=owner,
        last_owner_id=None,
        released_on=None,
        release_reason="",
    )


def ensure_profile(session: Session, customer: Customer) -> CustomerProfile:
    """The customer's profile, created from the master record when it has none."""
    profile = session.get(CustomerProfile, customer.customer_id)
    if profile is None:
        profile = CustomerProfile(
            customer_id=customer.customer_id,
            name_key=name_key(customer.name),
            phone="",
            tax_id="",
            address="",
            source="other",
            needs="",
            preferences="",
            phone_key="",
            tax_key="",
            locked=False,
            owned_since=customer.created_on if customer.owner_id is not None else None,
            first_owner_id=customer.owner_id,
            release_reason="",
        )
        session.add(profile)
        session.flush()
    return profile


def update_customer(
    engine: Engine, viewer: Viewer, customer_id: int, data: CustomerInput
) -> list[str]:
    """Save edits; refuses a change that would make it a twin of another customer.

    Returns the names of the fields that changed.
    """
    data = data.cleaned()
    with write_session(engine) as session:
        customer = editable(session, viewer, customer_id)
        matches = find_duplicates(session, data.name, data.phone, data.tax_id, exclude=customer_id)
        if matches:
            raise DuplicateFound(matches)
        profile = ensure_profile(session, customer)
        changed: dict[str, Any] = {}
        for target, fields in (
            (customer, ("name", "industry", "size", "region")),
            (profile, ("phone", "tax_id", "address", "source", "needs", "preferences")),
        ):
            for name in fields:
                value = getattr(data, name)
                if getattr(target, name) != value:
                    changed[name] = value
                    setattr(target, name, value)
        profile.name_key = name_key(data.name)
        profile.phone_key = phone_key(data.phone)
        profile.tax_key = tax_key(data.tax_id)
        if changed:
            audit(session, viewer.login, "customer_updated", "customer", customer_id, **changed)
    return list(changed)


@dataclass(frozen=True)
class ContactInput:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""

    def cleaned(self) -> ContactInput:
        data = ContactInput(*(v.strip() for v in asdict(self).values()))
        if not data.name:
            raise ActionRefused("contact_name_required")
        if data.email and "@" not in data.email:
            raise ActionRefused("bad_email")
        return data


def save_contact(
    engine: Engine,
    viewer: Viewer,
    customer_id: int,
    data: ContactInput,
    contact_id: int | None = None,
) -> int:
    """Add a contact (``contact_id`` None) or change one of this customer's contacts."""
    data = data.cleaned()
    with write_session(engine) as session:
        editable(session, viewer, customer_id)
        if contact_id is None:
            contact = Contact(contact_id=next_id(session, Contact.contact_id))
            contact.customer_id = customer_id
            session.add(contact)
            action = "contact_added"
        else:
            found = session.get(Contact, contact_id)
            if found is None or found.customer_id != customer_id:
                raise ActionRefused("unknown_contact")
            contact, action = found, "contact_updated"
        contact.name, contact.title, contact.phone, contact.email = (
            data.name,
            data.title,
            data.phone,
            data.email,
        )
        contact.phone_key = phone_key(data.phone)
        session.flush()
        audit(
            session,
            viewer.login,
            action,
            "customer_contact",
            contact.contact_id,
            customer_id=customer_id,
            **asdict(data),
        )
        return contact.contact_id


def delete_contact(engine: Engine, viewer: Viewer, customer_id: int, contact_id: int) -> None:
    with write_session(engine) as session:
        editable(session, viewer, customer_id)
        contact = session.get(Contact, contact_id)
        if contact is None or contact.customer_id != customer_id:
            raise ActionRefused("unknown_contact")
        session.delete(contact)
        audit(
            session,
            viewer.login,
            "contact_deleted",
            "customer_contact",
            contact_id,
            customer_id=customer_id,
            name=contact.name,
        )
