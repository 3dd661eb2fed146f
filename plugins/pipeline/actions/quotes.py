"""Quote writes: versions and lines, approval of discounts, sending, the customer's answer.

Every action is one ``write_session``, audited, and takes the quote's deal
through :func:`plugins.pipeline.actions.guards.opportunity`: only the deal's
owner and the leaders whose scope holds them write. A discount beyond the
company's limit (``quote_discount_limit``) keeps the quote from being sent
until a leader above the owner approves it; the owner's leader is told when
approval is asked, the owner when it is decided (the notification centre,
inside the same write). Accepting a sent quote makes the deal's contract
lines from its lines; the contract's review and signing stay as they are.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from command_center import pricing
from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.db.models import Person, PriceList, PriceListItem, Product
from command_center.notifications import notify
from command_center.org.scope import Viewer
from command_center.types import BUSINESS_ROLES, LEADER_ROLES
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions import credits, guards
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import clock
from plugins.pipeline.logic import quotes as rules
from plugins.pipeline.logic.stages import check_contract
from plugins.pipeline.models import (
    Contract,
    ContractLine,
    Opportunity,
    Quote,
    QuoteApproval,
    QuoteLine,
)

NOTE_MAX = 4_000
PAGE = "pipeline-deal"
APPROVALS_PAGE = "pipeline-quote-approvals"


# -- shared checks -------------------------------------------------------------------
def _writer(viewer: Viewer) -> None:
    if viewer.role not in BUSINESS_ROLES:
        raise PipelineError("pipeline.error.not_in_scope")


def _quote(session: Session, viewer: Viewer, quote_id: int) -> tuple[Quote, Opportunity]:
    """The quote version, locked for this transaction, and its deal (in the viewer's scope)."""
    _writer(viewer)
    row = session.scalars(select(Quote).where(Quote.quote_id == quote_id).with_for_update()).first()
    if row is None:
        raise PipelineError("pipeline.error.not_found", what="pipeline.what.quote", id=quote_id)
    return row, guards.opportunity(session, viewer, row.opp_id)


def _open_deal(opp: Opportunity, conf: cfg.PipelineSettings) -> None:
    model = cfg.stage_model(conf)
    if opp.stage == model.won:
        raise PipelineError("pipeline.error.won_is_final")
    if not model.is_open(opp.stage):
        raise PipelineError("pipeline.error.deal_closed")


def _lines(session: Session, quote_id: int) -> list[QuoteLine]:
    query = select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.line_id)
    return list(session.scalars(query))


def _money(lines: list[QuoteLine], extra_pct: float) -> rules.QuoteTotals:
    frame = pl.DataFrame(
        {
            "quantity": [line.quantity for line in lines],
            "list_price": [line.list_price for line in lines],
            "unit_price": [line.unit_price for line in lines],
            "discount_pct": [line.discount_pct for line in lines],
        },
        schema={n: pl.Float64 for n in ("quantity", "list_price", "unit_price", "discount_pct")},
    )
    return rules.totals(rules.priced_lines(frame, extra_pct))


def _percent(value: float, what: str) -> float:
    try:
        return rules.percent_value(value)
    except ValueError:
        raise PipelineError("pipeline.error.discount", field=what) from None


def _edit(quote: Quote) -> None:
    """An edit makes the version a draft again: an approval given (or asked) lapses."""
    guards.refuse(rules.check_quote("edit", quote.status))
    quote.status = rules.quote_after("edit", quote.status)
    quote.requested_at = None


def _price(session: Session, product_id: str, day: dt.date) -> tuple[Product, float]:
    """The product and its price on ``day`` by the catalogue's rule
    (:func:`command_center.pricing.prices_at`), read for this product only."""
    product = session.get(Product, product_id)
    if product is None:
        raise PipelineError("pipeline.error.not_found", what="pipeline.what.product", id=product_id)
    offers = session.execute(
        select(
            PriceListItem.price_list_id,
            PriceListItem.price,
            PriceList.valid_from,
            PriceList.valid_to,
        )
        .join(PriceList, PriceList.price_list_id == PriceListItem.price_list_id)
        .where(PriceListItem.product_id == product_id)
    ).all()
    lists = pl.DataFrame(
        [(o.price_list_id, o.valid_from, o.valid_to) for o in offers],
        schema={"price_list_id": pl.String, "valid_from": pl.Date, "valid_to": pl.Date},
        orient="row",
    )
    items = pl.DataFrame(
        [(o.price_list_id, product_id, float(o.price)) for o in offers],
        schema={"price_list_id": pl.String, "product_id": pl.String, "price": pl.Float64},
        orient="row",
    )
    catalogue = pl.DataFrame(
        {"product_id": [product_id], "list_price": [float(product.list_price)]}
    )
    wanted = pl.DataFrame({"product_id": [product_id], "day": [day]})
    price = pricing.prices_at(wanted, catalogue, lists, items)["price"].item()
    return product, float(price)


# -- versions ------------------------------------------------------------------------
def create_quote(
    engine: Engine, viewer: Viewer, opp_id: int, *, at: dt.datetime | None = None
) -> int:
    """The deal's next quote version; returns its id.

    The first is empty; a later one copies the latest version (a sent or declined one:
    editing what the customer has makes the next version) at today's list prices, its
    unit prices, discounts and note as they were. Refused while a version is still being
    written (work on that one) and once a version was accepted.
    """
    at = at or clock.now()
    _writer(viewer)
    conf = cfg.current(engine)
    with write_session(engine) as session:
        opp = guards.opportunity(session, viewer, opp_id)
        _open_deal(opp, conf)
        versions = list(
            session.scalars(
                select(Quote)
                .where(Quote.opp_id == opp_id)
                .order_by(Quote.version)
                .with_for_update()
            )
        )
        latest = versions[-1] if versions else None
        if any(v.status == "accepted" for v in versions):
            raise PipelineError("pipeline.error.quote_accepted")
        if latest is not None:
            if latest.status in rules.EDITABLE:
                raise PipelineError("pipeline.error.quote_open", version=latest.version)
            guards.refuse(rules.check_quote("revise", latest.status))
        day = at.date()
        quote = Quote(
            quote_id=next_id(session, Quote.quote_id),
            opp_id=opp_id,
            version=rules.next_version(v.version for v in versions),
            status="draft",
            quote_date=day,
            valid_until=day + dt.timedelta(days=conf.quote_valid_days),
            extra_discount_pct=latest.extra_discount_pct if latest else 0.0,
            note=latest.note if latest else "",
            created_at=at,
            created_by=viewer.login,
        )
        session.add(quote)
        session.flush()
        copied = 0
        if latest is not None:
            first = next_id(session, QuoteLine.line_id)
            for offset, line in enumerate(_lines(session, latest.quote_id)):
                product, price = _price(session, line.product_id, day)
                session.add(
                    QuoteLine(
                        line_id=first + offset,
                        quote_id=quote.quote_id,
                        product_id=line.product_id,
                        description=line.description,
                        quantity=line.quantity,
                        list_price=price,
                        unit_price=line.unit_price,
                        discount_pct=line.discount_pct,
                        unit_cost=float(product.standard_cost),
                    )
                )
                copied += 1
        audit(
            session,
            viewer.login,
            "quote_created",
            "pipeline_quote",
            quote.quote_id,
            opp_id=opp_id,
            version=quote.version,
            copied_from=latest.quote_id if latest else None,
            lines=copied,
        )
        return quote.quote_id


def save_quote(
    engine: Engine,
    viewer: Viewer,
    quote_id: int,
    *,
    valid_until: dt.date,
    extra_discount_pct: float,
    note: str,
) -> None:
    """Change a version's validity, its extra discount on the total and its note."""
    extra = _percent(extra_discount_pct, "pipeline.quote.extra")
    text = guards.text_value(note, NOTE_MAX, "pipeline.quote.note", required=False)
    with write_session(engine) as session:
        quote, _ = _quote(session, viewer, quote_id)
        _edit(quote)
        if valid_until < quote.quote_date:
            raise PipelineError("pipeline.error.quote_validity", date=quote.quote_date.isoformat())
        quote.valid_until = valid_until
        quote.extra_discount_pct = extra
        quote.note = text
        audit(
            session,
            viewer.login,
            "quote_saved",
            "pipeline_quote",
            quote_id,
            valid_until=valid_until,
            extra_discount_pct=extra,
        )


def add_quote_line(
    engine: Engine,
    viewer: Viewer,
    quote_id: int,
    *,
    product_id: str,
    quantity: float,
    discount_pct: float = 0.0,
    unit_price: float | None = None,
) -> int:
    """Add a product: its price on the quote's date (unless ``unit_price`` is given) and
    standard cost are kept on the line; returns the line id."""
    if quantity is None or not quantity > 0:
        raise PipelineError("pipeline.error.quantity")
    discount = _percent(discount_pct, "pipeline.quote.discount")
    with write_session(engine) as session:
        quote, _ = _quote(session, viewer, quote_id)
        _edit(quote)
        product, price = _price(session, product_id, quote.quote_date)
        if not product.active:
            raise PipelineError("pipeline.error.product_inactive", product=product_id)
        chosen = (
            price
            if unit_price is None
            else guards.amount_value(unit_price, "pipeline.field.unit_price")
        )
        line = QuoteLine(
            line_id=next_id(session, QuoteLine.line_id),
            quote_id=quote_id,
            product_id=product.product_id,
            description=product.name[:200],
            quantity=float(quantity),
            list_price=price,
            unit_price=float(chosen),
            discount_pct=discount,
            unit_cost=float(product.standard_cost),
        )
        session.add(line)
        audit(
            session,
            viewer.login,
            "quote_line_added",
            "pipeline_quote",
            quote_id,
            line_id=line.line_id,
            product_id=product.product_id,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_pct=discount,
        )
        return line.line_id


def update_quote_line(
    engine: Engine,
    viewer: Viewer,
    line_id: int,
    *,
    quantity: float,
    unit_price: float,
    discount_pct: float,
) -> None:
    """Change a line's quantity, unit price or discount."""
    if quantity is None or not quantity > 0:
        raise PipelineError("pipeline.error.quantity")
    discount = _percent(discount_pct, "pipeline.quote.discount")
    price = guards.amount_value(unit_price, "pipeline.field.unit_price")
    with write_session(engine) as session:
        line = guards.get(session, QuoteLine, line_id, "pipeline.what.line")
        quote, _ = _quote(session, viewer, line.quote_id)
        _edit(quote)
        before = {
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_pct": line.discount_pct,
        }
        line.quantity = float(quantity)
        line.unit_price = price
        line.discount_pct = discount
        audit(
            session,
            viewer.login,
            "quote_line_changed",
            "pipeline_quote",
            quote.quote_id,
            line_id=line_id,
            before=before,
            quantity=line.quantity,
            unit_price=price,
            discount_pct=discount,
        )


def remove_quote_line(engine: Engine, viewer: Viewer, line_id: int) -> None:
    with write_session(engine) as session:
        line = guards.get(session, QuoteLine, line_id, "pipeline.what.line")
        quote, _ = _quote(session, viewer, line.quote_id)
        _edit(quote)
        session.delete(line)
        audit(
            session,
            viewer.login,
            "quote_line_removed",
            "pipeline_quote",
            quote.quote_id,
            line_id=line_id,
            product_id=line.product_id,
        )


# -- approval ------------------------------------------------------------------------
def request_approval(
    engine: Engine, viewer: Viewer, quote_id: int, *, at: dt.datetime | None = None
) -> None:
    """Ask for a leader's approval of the discounts; the owner's leader is told."""
    at = at or clock.now()
    conf = cfg.current(engine)
    with write_session(engine) as session:
        quote, opp = _quote(session, viewer, quote_id)
        guards.refuse(rules.check_quote("request", quote.status))
        lines = _lines(session, quote_id)
        if not lines:
            raise PipelineError("pipeline.error.quote_no_lines")
        money = _money(lines, quote.extra_discount_pct)
        if not rules.needs_approval(money, conf.quote_discount_limit):
            raise PipelineError(
                "pipeline.error.quote_no_approval_needed", limit=f"{conf.quote_discount_limit:g}"
            )
        quote.status = rules.quote_after("request", quote.status)
        quote.requested_at = at
        owner = session.get(Person, opp.owner_id)
        label = rules.quote_label(opp.opp_id, quote.version)
        if owner is not None and owner.manager_id is not None:
            notify(
                session,
                owner.manager_id,
                "quote_approval",
                "pipeline.notify.quote_requested",
                {"quote": label, "deal": opp.title, "who": owner.name},
                APPROVALS_PAGE,
            )
        audit(
            session,
            viewer.login,
            "quote_approval_requested",
            "pipeline_quote",
            quote_id,
            total=money.total,
            max_line_discount=round(money.max_line_discount, 6),
            total_discount=round(money.total_discount, 6),
            limit=conf.quote_discount_limit,
        )


def decide_quote(
    engine: Engine,
    viewer: Viewer,
    quote_id: int,
    *,
    approve: bool,
    note: str,
    at: dt.datetime | None = None,
) -> None:
    """A leader above the deal's owner approves or rejects the discounts (a rejection says
    why); the owner is told."""
    at = at or clock.now()
    action = "approve" if approve else "reject"
    if viewer.role not in LEADER_ROLES:
        raise PipelineError("pipeline.error.quote_approver_role")
    text = guards.text_value(note, NOTE_MAX, "pipeline.quote.approval_note", required=not approve)
    with write_session(engine) as session:
        quote, opp = _quote(session, viewer, quote_id)
        if viewer.person_id is not None and viewer.person_id == opp.owner_id:
            raise PipelineError("pipeline.error.quote_own_approval")
        guards.refuse(rules.check_quote(action, quote.status))
        quote.status = rules.quote_after(action, quote.status)
        session.add(
            QuoteApproval(
                approval_id=next_id(session, QuoteApproval.approval_id),
                quote_id=quote_id,
                approver_id=viewer.person_id,
                approver=viewer.login,
                decision=action,
                note=text,
                decided_at=at,
            )
        )
        approver = session.get(Person, viewer.person_id) if viewer.person_id is not None else None
        notify(
            session,
            opp.owner_id,
            "quote_decided",
            "pipeline.notify.quote_approved" if approve else "pipeline.notify.quote_rejected",
            {
                "quote": rules.quote_label(opp.opp_id, quote.version),
                "deal": opp.title,
                "who": approver.name if approver else viewer.login,
                "note": text or "—",
            },
            PAGE,
        )
        audit(
            session,
            viewer.login,
            "quote_approved" if approve else "quote_rejected",
            "pipeline_quote",
            quote_id,
            note=text,
        )


# -- the customer --------------------------------------------------------------------
def send_quote(
    engine: Engine, viewer: Viewer, quote_id: int, *, at: dt.datetime | None = None
) -> None:
    """Send a version to the customer (frozen from now on); the version sent before it is
    superseded. A draft whose discounts need approval is refused until a leader approves."""
    at = at or clock.now()
    conf = cfg.current(engine)
    with write_session(engine) as session:
        quote, opp = _quote(session, viewer, quote_id)
        _open_deal(opp, conf)
        guards.refuse(rules.check_quote("send", quote.status))
        lines = _lines(session, quote_id)
        if not lines:
            raise PipelineError("pipeline.error.quote_no_lines")
        money = _money(lines, quote.extra_discount_pct)
        if quote.status == "draft" and rules.needs_approval(money, conf.quote_discount_limit):
            raise PipelineError(
                "pipeline.error.quote_needs_approval", limit=f"{conf.quote_discount_limit:g}"
            )
        if quote.valid_until < at.date():
            raise PipelineError(
                "pipeline.error.quote_validity_passed", date=quote.valid_until.isoformat()
            )
        session.execute(
            update(Quote)
            .where(Quote.opp_id == opp.opp_id, Quote.status == "sent", Quote.quote_id != quote_id)
            .values(status="superseded", closed_at=at)
        )
        quote.status = rules.quote_after("send", quote.status)
        quote.sent_at = at
        audit(session, viewer.login, "quote_sent", "pipeline_quote", quote_id, total=money.total)


def decline_quote(
    engine: Engine, viewer: Viewer, quote_id: int, *, note: str = "", at: dt.datetime | None = None
) -> None:
    """Record that the customer turned a sent version down (a new version may follow)."""
    at = at or clock.now()
    text = guards.text_value(note, NOTE_MAX, "pipeline.quote.note", required=False)
    with write_session(engine) as session:
        quote, _ = _quote(session, viewer, quote_id)
        guards.refuse(rules.check_quote("decline", quote.status))
        quote.status = rules.quote_after("decline", quote.status)
        quote.closed_at = at
        audit(session, viewer.login, "quote_declined", "pipeline_quote", quote_id, note=text)


def accept_quote(
    engine: Engine,
    viewer: Viewer,
    quote_id: int,
    *,
    payment_terms: str = "net30",
    delivery_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> int:
    """The customer accepts a sent version (still valid): the deal's contract gets the
    quote's lines (a new draft contract with ``payment_terms`` and ``delivery_date``, or
    the draft or rejected one it has, its lines replaced), the deal's amount becomes the
    quote's total, every other open version is superseded. Returns the contract id.

    The contract then goes through review and signing as any contract does.
    """
    at = at or clock.now()
    conf = cfg.current(engine)
    if payment_terms not in cfg.PAYMENT_TERMS:
        raise PipelineError(
            "pipeline.error.bad_choice", field="pipeline.field.payment_terms", value=payment_terms
        )
    with write_session(engine) as session:
        quote, opp = _quote(session, viewer, quote_id)
        _open_deal(opp, conf)
        guards.refuse(rules.check_quote("accept", quote.status))
        if quote.valid_until < at.date():
            raise PipelineError("pipeline.error.quote_expired", date=quote.valid_until.isoformat())
        lines = _lines(session, quote_id)
        contract = guards.contract_of(session, opp.opp_id)
        replaced = 0
        if contract is None:
            contract = Contract(
                contract_id=next_id(session, Contract.contract_id),
                opp_id=opp.opp_id,
                status="draft",
                payment_terms=payment_terms,
                delivery_date=delivery_date or (opp.expected_close + dt.timedelta(days=30)),
                terms="",
                created_at=at,
                signed_by="",
            )
            session.add(contract)
            session.flush()
            credits.copy_deal_split(session, contract.contract_id, opp)  # team selling
        else:
            refusal = check_contract("edit", contract.status)
            if refusal is not None:
                raise PipelineError(
                    "pipeline.error.quote_contract_busy",
                    status=f"pipeline.contract_status.{contract.status}",
                )
            replaced = session.execute(
                delete(ContractLine).where(ContractLine.contract_id == contract.contract_id)
            ).rowcount
        first = next_id(session, ContractLine.line_id)
        made = rules.contract_lines(
            (
                {
                    "product_id": line.product_id,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "unit_cost": line.unit_cost,
                    "discount_pct": line.discount_pct,
                }
                for line in lines
            ),
            quote.extra_discount_pct,
        )
        for offset, values in enumerate(made):
            session.add(
                ContractLine(line_id=first + offset, contract_id=contract.contract_id, **values)
            )
        money = _money(lines, quote.extra_discount_pct)
        session.execute(
            update(Quote)
            .where(
                Quote.opp_id == opp.opp_id,
                Quote.quote_id != quote_id,
                Quote.status.in_(sorted(rules.EDITABLE | {"sent"})),
            )
            .values(status="superseded", closed_at=at)
        )
        quote.status = rules.quote_after("accept", quote.status)
        quote.closed_at = at
        quote.contract_id = contract.contract_id
        opp.amount = money.total
        audit(
            session,
            viewer.login,
            "quote_accepted",
            "pipeline_quote",
            quote_id,
            opp_id=opp.opp_id,
            contract_id=contract.contract_id,
            lines=len(made),
            replaced_lines=replaced,
            total=money.total,
        )
        return contract.contract_id
