"""The core kinds: people, customers, orders, targets, refunds, products and price lists.

Headers are pinned (export writes them in this order, import requires them;
a column marked ``optional`` may be left out, as ``product_id`` of orders).
Column checks come from :mod:`command_center.io.validate`; the checks here
are the ones that need the database: references, the director rule and
manager loops. Duplicate keys are checked by the runner for every kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from command_center import cash
from command_center.db import catalog, frames, summaries
from command_center.db.cash_models import PAYMENT_KEY_LENGTH, Payment
from command_center.db.ids import lock_table
from command_center.db.models import (
    LEVELS,
    PERSON_STATUSES,
    PRODUCT_KEY_LENGTH,
    Customer,
    OrderLine,
    OrderRefund,
    Person,
    PriceList,
    PriceListItem,
    Product,
    Target,
)
from command_center.io.keys import key_column, shown
from command_center.io.upsert import WriteState, tracking, upsert, writing
from command_center.io.validate import FORMULA_REASON, FORMULA_START, ROW
from command_center.org.changes import keep_history
from command_center.org.scope import Viewer
from command_center.org.tree import MAX_DEPTH, deepest_below, find_cycles, levels
from command_center.types import Column, ExportKind, ImportKind, RowError

PEOPLE_COLUMNS = (
    key_column("person_id", "person", own=True),
    Column("name", "str", max_length=100),
    Column("level", "str", choices=LEVELS),
    key_column("manager_id", "person", required=False),
    Column("region", "str", required=False, max_length=50),
    Column("hire_date", "date"),
    Column("status", "str", required=False, choices=PERSON_STATUSES),
)
CUSTOMER_COLUMNS = (
    key_column("customer_id", "customer", own=True),
    Column("name", "str", max_length=200),
    Column("industry", "str", required=False, max_length=50),
    Column("size", "str", required=False, max_length=20),
    key_column("owner_id", "person", required=False),
    Column("region", "str", required=False, max_length=50),
    Column("created_on", "date"),
)
ORDER_COLUMNS = (
    key_column("order_id", "order", own=True),
    key_column("customer_id", "customer"),
    key_column("person_id", "person"),
    Column("order_date", "date"),
    Column("revenue", "float", min_value=0),
    Column("cost", "float", required=False, min_value=0),
    Column("product_id", "str", required=False, max_length=PRODUCT_KEY_LENGTH, optional=True),
)
ORDER_HEADER = tuple(c.name for c in ORDER_COLUMNS if not c.optional)
"""The pinned orders header; an export adds ``product_id`` when a line has one."""
REFUND_COLUMNS = (
    Column("refund_id", "int", min_value=0),
    key_column("order_id", "order"),
    Column("refund_date", "date"),
    Column("amount", "float", min_value=0),
    Column("reason", "str", required=False, max_length=200),
)
ACTIVE_CHOICES = ("true", "false")
PRODUCT_COLUMNS = (
    Column("product_id", "str", max_length=PRODUCT_KEY_LENGTH),
    Column("name", "str", max_length=200),
    Column("category", "str", required=False, max_length=50),
    Column("list_price", "float", min_value=0),
    Column("standard_cost", "float", required=False, min_value=0),
    Column("active", "str", required=False, choices=ACTIVE_CHOICES),
)
PRICE_LIST_COLUMNS = (
    Column("price_list_id", "str", max_length=PRODUCT_KEY_LENGTH),
    Column("name", "str", max_length=100),
    Column("valid_from", "date"),
    Column("valid_to", "date", required=False),
    Column("product_id", "str", max_length=PRODUCT_KEY_LENGTH),
    Column("price", "float", min_value=0),
)
CATALOGUE_ROLES = frozenset({"director"})
"""Who writes the catalogue (products, price lists): company-wide master data with
no owner, so only a role that sees the whole force, as for people without an
owner; the CLI's operator too. Everyone in a business role reads it."""
PAYMENT_COLUMNS = (
    Column("payment_id", "str", max_length=PAYMENT_KEY_LENGTH),
    key_column("order_id", "order"),
    Column("paid_on", "date"),
    Column("amount", "float"),
)
TARGET_COLUMNS = (
    key_column("person_id", "person"),
    Column("period", "period"),
    Column("metric", "str", max_length=50),
    Column("target", "float", min_value=0),
)


# -- checks ---------------------------------------------------------------------


def _known(session: Session, column: InstrumentedAttribute[int], *more: pl.Series) -> pl.Series:
    ids = pl.Series("id", session.execute(select(column)).scalars().all(), dtype=pl.Int64)
    for extra in more:
        ids = ids.append(extra.drop_nulls().cast(pl.Int64).rename("id"))
    return ids.unique()


def _unknown(frame: pl.DataFrame, column: str, known: pl.Series, what: str) -> list[RowError]:
    bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(known.implode()))
    return [
        RowError(row, column, f"unknown {what} {value}")
        for row, value in bad.select(ROW, column).iter_rows()
    ]


def _manager_loops(db_edges: dict[int, int | None], frame: pl.DataFrame) -> list[RowError]:
    """Loops in the org tree as it would be after the import (DB edges + the file's)."""
    edges = dict(db_edges)
    rows: dict[int, int] = {}
    named = frame.filter(pl.col("person_id").is_not_null())
    for row, person_id, manager_id in named.select(ROW, "person_id", "manager_id").iter_rows():
        if person_id not in rows:
            rows[person_id] = row
            edges[person_id] = manager_id
    errors: list[RowError] = []
    for cycle in find_cycles(edges):
        named = " -> ".join(shown("person", p) for p in [*cycle, cycle[0]])
        reason = f"manager loop {named}"
        errors += [RowError(rows[p], "manager_id", reason) for p in cycle if p in rows]
    return errors


def _too_deep(db_edges: dict[int, int | None], frame: pl.DataFrame) -> list[RowError]:
    """Rows that would make the org deeper than :data:`MAX_DEPTH` levels (loops aside).

    A row is named when its person, or someone below them after the import,
    would sit more than ``MAX_DEPTH`` levels down.
    """
    edges = dict(db_edges)
    rows: dict[int, int] = {}
    named = frame.filter(pl.col("person_id").is_not_null())
    for row, person_id, manager_id in named.select(ROW, "person_id", "manager_id").iter_rows():
        if person_id not in rows:
            rows[person_id] = row
            edges[person_id] = manager_id
    level = levels(edges)
    deepest = deepest_below(edges, level)
    errors: list[RowError] = []
    for person_id, row in rows.items():
        if deepest.get(person_id, 0) <= MAX_DEPTH:
            continue
        if level[person_id] > MAX_DEPTH:
            reason = f"{level[person_id]} levels below the top of the org (at most {MAX_DEPTH})"
        else:
            reason = (
                f"puts someone below {deepest[person_id]} levels down the org (at most {MAX_DEPTH})"
            )
        errors.append(RowError(row, "manager_id", reason))
    return errors


def check_people(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """The director rule, loops and depth (unknown managers are the key translation's)."""
    db_edges = dict(session.execute(select(Person.person_id, Person.manager_id)).all())
    errors: list[RowError] = []
    no_manager = frame.filter(
        pl.col("manager_id").is_null()
        & pl.col("level").is_not_null()
        & (pl.col("level") != "director")
    )
    reason = "required unless level is director"
    errors += [RowError(row, "manager_id", reason) for row in no_manager[ROW]]
    return errors + _manager_loops(db_edges, frame) + _too_deep(db_edges, frame)


def check_customers(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Nothing beyond the columns: unknown owners are the key translation's errors."""
    return []


def check_orders(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Known products (unknown customers and people are the key translation's)."""
    errors: list[RowError] = []
    if "product_id" in frame.columns:
        errors += _unknown(frame, "product_id", _known_keys(session, Product.product_id), "product")
    return errors


def _known_keys(session: Session, column: InstrumentedAttribute[str]) -> pl.Series:
    """The stored text keys of ``column`` (a product's, a price list's)."""
    return pl.Series("id", session.execute(select(column)).scalars().all(), dtype=pl.String)


def _key_text(frame: pl.DataFrame, column: str) -> list[RowError]:
    """Text keys a spreadsheet would take for a formula, refused so an export's
    neutralising quote never changes a key on its way back in."""
    risky = frame.filter(pl.col(column).str.contains(FORMULA_START))
    return [RowError(row, column, FORMULA_REASON) for row in risky[ROW].to_list()]


def check_products(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Keys a spreadsheet cannot take for a formula (the columns are checked already)."""
    return _key_text(frame, "product_id")


def check_price_lists(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Known products; dates in order; one name and one validity per list (each row of a
    list repeats them, a row that differs from the list's first row is refused)."""
    errors = _key_text(frame, "price_list_id")
    errors += _unknown(frame, "product_id", _known_keys(session, Product.product_id), "product")
    backwards = frame.filter(pl.col("valid_to") < pl.col("valid_from"))
    errors += [
        RowError(row, "valid_to", f"before valid_from {start.isoformat()}")
        for row, start in backwards.select(ROW, "valid_from").iter_rows()
    ]
    named = frame.filter(pl.col("price_list_id").is_not_null())
    first: dict[str, tuple[int, dict[str, object]]] = {}
    for row in named.select(ROW, "price_list_id", "name", "valid_from", "valid_to").iter_rows(
        named=True
    ):
        header = {k: row[k] for k in ("name", "valid_from", "valid_to")}
        key = row["price_list_id"]
        if key not in first:
            first[key] = (row[ROW], header)
            continue
        seen_row, seen = first[key]
        for column, value in header.items():
            if value != seen[column]:
                shown = "(blank)" if seen[column] is None else str(seen[column])
                reason = f"differs from row {seen_row} of list {key} ({shown})"
                errors.append(RowError(row[ROW], column, reason))
    return errors


def known_metrics() -> list[str]:
    """The metric keys of the process's plugin host (the registry the pages use)."""
    from command_center import runtime

    return sorted(runtime.registry().keys())


def check_targets(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Only metrics the registry publishes (unknown people are the key translation's)."""
    errors: list[RowError] = []
    keys = known_metrics()
    bad = frame.filter(pl.col("metric").is_not_null() & ~pl.col("metric").is_in(keys))
    listed = ", ".join(keys)
    for row, metric in bad.select(ROW, "metric").iter_rows():
        errors.append(RowError(row, "metric", f"unknown metric '{metric}' (known: {listed})"))
    return errors


def check_refunds(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Never more refunded on an order than its revenue (unknown orders are the key
    translation's)."""
    errors: list[RowError] = []
    ids = frame["order_id"].drop_nulls().unique().to_list()
    revenue = dict(
        session.execute(
            select(OrderLine.order_id, OrderLine.revenue).where(OrderLine.order_id.in_(ids))
        ).all()
    )
    stored = session.execute(
        select(OrderRefund.refund_id, OrderRefund.order_id, OrderRefund.amount).where(
            OrderRefund.order_id.in_(ids)
        )
    ).all()
    file_ids = set(frame["refund_id"].drop_nulls().to_list())
    totals: dict[int, float] = {}
    for refund_id, order_id, amount in stored:
        if refund_id not in file_ids:  # rows the file replaces do not count twice
            totals[order_id] = totals.get(order_id, 0.0) + amount
    for row, order_id, amount in frame.select(ROW, "order_id", "amount").iter_rows():
        if order_id not in revenue or amount is None:
            continue
        totals[order_id] = totals.get(order_id, 0.0) + amount
        if totals[order_id] > revenue[order_id] + 1e-9:
            named = shown("order", order_id)
            reason = f"refunds on order {named} exceed its revenue {revenue[order_id]:.2f}"
            errors.append(RowError(row, "amount", reason))
    return errors


def _as_payments(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({"payment_id": "payment_key"})


def check_payments(session: Session, frame: pl.DataFrame) -> list[RowError]:
    """Keys a spreadsheet cannot take for a formula; no future date, no amount of 0 or
    less, nothing paid beyond what is left on a line (docs/collections.md); unknown
    orders are the key translation's."""
    if writing():  # PostgreSQL: no other payment between this check and the write
        lock_table(session, "payments")
    errors = _key_text(frame, "payment_id")
    named = frame.filter(pl.col("payment_id").is_not_null())
    payments = _as_payments(named.select("payment_id", "order_id", "paid_on", "amount"))
    rows = named[ROW].to_list()
    for refusal in cash.refusals(session, payments):
        reason = refusal.reason
        if refusal.column == "order_id":
            continue  # an unknown order: reported by the key translation
        if reason.startswith("pays more"):
            order_id = payments["order_id"][refusal.index]
            reason = reason.replace(f"order {order_id} ", f"order {shown('order', order_id)} ")
        errors.append(RowError(rows[refusal.index], refusal.column, reason))
    return errors


# -- apply ----------------------------------------------------------------------


def _managers_first(frame: pl.DataFrame) -> pl.DataFrame:
    """Order people so a manager in the file is written before their reports (FKs)."""
    manager = dict(zip(frame["person_id"].to_list(), frame["manager_id"].to_list(), strict=True))
    depth: dict[int, int] = {}
    for start in manager:
        chain: list[int] = []
        on_chain: set[int] = set()
        node: int | None = start
        while node in manager and node not in depth and node not in on_chain:
            chain.append(node)
            on_chain.add(node)
            node = manager[node]
        base = depth.get(node, -1) if node is not None else -1
        for person_id in reversed(chain):
            base += 1
            depth[person_id] = base
    order = pl.Series("_depth", [depth[p] for p in frame["person_id"].to_list()])
    return frame.with_columns(order).sort("_depth", maintain_order=True).drop("_depth")


def apply_people(session: Session, frame: pl.DataFrame) -> int:
    """Upsert the people; the history of those who have one follows the file (from today)."""
    frame = frame.with_columns(pl.col("status").fill_null("active"), pl.col("region").fill_null(""))
    if writing():
        keep_history(session, frame, dt.date.today())
    return upsert(session, Person, _managers_first(frame), ["person_id"])


def apply_customers(session: Session, frame: pl.DataFrame) -> int:
    frame = frame.with_columns(pl.col("industry", "size", "region").fill_null(""))
    return upsert(session, Customer, frame, ["customer_id"])


def _summed(session: Session, detail: str, frame: pl.DataFrame) -> AbstractContextManager[None]:
    """A big write of ledger rows is summed in one pass (a dry run writes nothing)."""
    return summaries.bulk_write(session, detail, frame) if writing() else nullcontext()


def apply_orders(session: Session, frame: pl.DataFrame) -> int:
    """Upsert the lines; a file without ``product_id`` leaves stored products as they are
    (the summaries, which sum no product, are handed whole rows all the same)."""
    frame = frame.with_columns(pl.col("cost").fill_null(0.0))
    whole = frame
    if "product_id" not in frame.columns:
        whole = frame.with_columns(pl.lit(None, dtype=pl.String).alias("product_id"))
    if "order_key" not in whole.columns:  # the summaries sum no key: any text will do
        whole = whole.with_columns(pl.col("order_id").cast(pl.String).alias("order_key"))
    # Nor credits: a file's lines are whole lines, and a stored split row keeps its own.
    whole = whole.with_columns(
        pl.lit(1.0).alias("credit_share"), pl.lit(None, dtype=pl.Int64).alias("credit_group")
    )
    with _summed(session, "orders", whole):
        return upsert(session, OrderLine, frame, ["order_id"])


def apply_refunds(session: Session, frame: pl.DataFrame) -> int:
    frame = frame.with_columns(pl.col("reason").fill_null(""))
    with _summed(session, "order_refunds", frame):
        return upsert(session, OrderRefund, frame, ["refund_id"])


def apply_products(session: Session, frame: pl.DataFrame) -> int:
    frame = frame.with_columns(
        pl.col("category").fill_null(""),
        pl.col("standard_cost").fill_null(0.0),
        (pl.col("active").fill_null("true") == "true").alias("active"),
    )
    return upsert(session, Product, frame, ["product_id"])


def apply_price_lists(session: Session, frame: pl.DataFrame) -> int:
    """Each list once (its first row's name and dates), then its prices; the import's
    report counts the prices (the rows of the file), not the lists."""
    lists = frame.unique("price_list_id", keep="first", maintain_order=True)
    with tracking(WriteState(dry_run=not writing())):
        upsert(
            session,
            PriceList,
            lists.select("price_list_id", "name", "valid_from", "valid_to"),
            ["price_list_id"],
        )
    items = frame.select("price_list_id", "product_id", "price")
    return upsert(session, PriceListItem, items, ["price_list_id", "product_id"])


def apply_payments(session: Session, frame: pl.DataFrame) -> int:
    """Insert or replace payments by their key, with their credits and the summary (a
    dry run only counts)."""
    payments = _as_payments(frame.select("payment_id", "order_id", "paid_on", "amount"))
    if not writing():
        return upsert(session, Payment, payments, ["payment_key"])

    def write(session: Session, rows: pl.DataFrame) -> int:
        return upsert(session, Payment, rows, ["payment_id"])

    return cash.store_payments(session, payments, write).height


def read_payments(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The payments export: payments on lines in scope, by key (orders named by their key)."""
    return cash.payments_export(engine, viewer)


def apply_targets(session: Session, frame: pl.DataFrame) -> int:
    return upsert(session, Target, frame, ["person_id", "period", "metric"])


# -- exports --------------------------------------------------------------------


def _reader(
    read: Callable[[Engine, Viewer], pl.DataFrame], columns: tuple[Column, ...], order: list[str]
) -> Callable[[Engine, Viewer], pl.DataFrame]:
    names = [c.name for c in columns]

    def read_kind(engine: Engine, viewer: Viewer) -> pl.DataFrame:
        return read(engine, viewer).select(names).sort(order)

    return read_kind


def read_orders(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The orders export: the pinned header, and ``product_id`` last when a line has one.

    ``order_id`` is the line's key, read with the lines (ten million keys are never
    looked up one chunk at a time); people and customers follow in the runner."""
    schema = {**catalog.ORDER_PRODUCT_SCHEMA, "order_key": pl.String()}
    lines = OrderLine.__table__.c
    query = select(*(lines[name] for name in schema)).order_by(lines.order_id)
    if viewer.person_ids is not None:  # the scope in SQL
        query = query.where(lines.person_id.in_(sorted(viewer.person_ids)))
    frame = frames.read_frame(engine, query, schema)
    has_products = frame["product_id"].null_count() < frame.height
    names = [*ORDER_HEADER, "product_id"] if has_products else list(ORDER_HEADER)
    return frame.sort("order_id").with_columns(pl.col("order_key").alias("order_id")).select(names)


def read_products(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The products export (``active`` as ``true``/``false``, as imported)."""
    frame = catalog.products(engine, viewer)
    active = pl.when(pl.col("active")).then(pl.lit("true")).otherwise(pl.lit("false"))
    return frame.with_columns(active.alias("active")).select([c.name for c in PRODUCT_COLUMNS])


CORE_IMPORTS: tuple[ImportKind, ...] = (
    ImportKind("people", PEOPLE_COLUMNS, ("person_id",), apply_people, check_people, "People"),
    ImportKind(
        "customers",
        CUSTOMER_COLUMNS,
        ("customer_id",),
        apply_customers,
        check_customers,
        "Customers",
    ),
    ImportKind("orders", ORDER_COLUMNS, ("order_id",), apply_orders, check_orders, "Orders"),
    ImportKind(
        "targets",
        TARGET_COLUMNS,
        ("person_id", "period", "metric"),
        apply_targets,
        check_targets,
        "Targets",
    ),
    ImportKind("refunds", REFUND_COLUMNS, ("refund_id",), apply_refunds, check_refunds, "Refunds"),
    ImportKind(
        "payments",
        PAYMENT_COLUMNS,
        ("payment_id",),
        apply_payments,
        check_payments,
        "cash.kind",
        roles=cash.RECORD_ROLES,
        owner=None,
    ),
    ImportKind(
        "products",
        PRODUCT_COLUMNS,
        ("product_id",),
        apply_products,
        check_products,
        "Products",
        roles=CATALOGUE_ROLES,
        owner=None,
    ),
    ImportKind(
        "price_lists",
        PRICE_LIST_COLUMNS,
        ("price_list_id", "product_id"),
        apply_price_lists,
        check_price_lists,
        "Price lists",
        roles=CATALOGUE_ROLES,
        owner=None,
    ),
)
CORE_EXPORTS: tuple[ExportKind, ...] = (
    ExportKind("people", _reader(frames.people, PEOPLE_COLUMNS, ["person_id"]), "People"),
    ExportKind(
        "customers", _reader(frames.customers, CUSTOMER_COLUMNS, ["customer_id"]), "Customers"
    ),
    ExportKind("orders", read_orders, "Orders"),
    ExportKind(
        "targets",
        _reader(frames.targets, TARGET_COLUMNS, ["person_id", "period", "metric"]),
        "Targets",
    ),
    ExportKind("refunds", _reader(frames.refunds, REFUND_COLUMNS, ["refund_id"]), "Refunds"),
    ExportKind("payments", read_payments, "cash.kind"),
    ExportKind("products", read_products, "Products"),
    ExportKind(
        "price_lists",
        _reader(catalog.price_lists, PRICE_LIST_COLUMNS, ["price_list_id", "product_id"]),
        "Price lists",
    ),
)
