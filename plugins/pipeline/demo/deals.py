"""Deterministic demo pipeline: per rep some open deals (a few stalled), lost deals
with reasons, and won deals with signed contracts, execution milestones,
surveys and complaints (some out of SLA).

Won deals are tied to order lines the core demo already booked (one line per
contract, same customer, rep and day), so the ledger and the pipeline agree
without adding revenue. Everything is drawn from one NumPy generator seeded
from ``ctx.rng``, and stored with ``bulk_insert`` in one transaction.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Engine, func, select

from command_center.db import catalog, frames
from command_center.db.bulk import bulk_insert
from command_center.db.engine import write_session
from command_center.db.models import OrderLine
from command_center.db.tables import polars_schema
from command_center.types import DemoContext
from plugins.pipeline.demo import words as txt
from plugins.pipeline.demo.quotes import ORDER as QUOTE_TABLES
from plugins.pipeline.demo.quotes import quote_rows
from plugins.pipeline.models import (
    Complaint,
    Contract,
    ContractCredit,
    ContractLine,
    ContractReview,
    DealCredit,
    Milestone,
    NegotiationPrep,
    Opportunity,
    SpinNote,
    StageChange,
    Survey,
)
from plugins.pipeline.settings import (
    CHANNELS,
    DEFAULT_LOST_REASONS,
    PAYMENT_TERMS,
    SOURCES,
    PipelineSettings,
)

OPEN_PER_REP = 8.0
LOST_PER_REP = 3.0
WON_PER_REP = 4.0
STAGE_SHARES = (0.34, 0.25, 0.18, 0.14, 0.09)  # lead .. contract review
STALLED_SHARE = 0.2
LOST_REASON_SHARES = (0.30, 0.25, 0.15, 0.10, 0.09, 0.05, 0.04, 0.02)
SCORE_SHARES = (0.03, 0.05, 0.14, 0.38, 0.40)
WON_WINDOW_DAYS = 180


@dataclass
class _Out:
    """Rows per table, as lists of dicts (turned into frames at the end)."""

    rows: dict[type, list[dict[str, Any]]] = field(default_factory=dict)
    ids: dict[type, int] = field(default_factory=dict)

    def add(self, model: type, **values: Any) -> int:
        key = _KEYS[model]
        new = self.ids.get(model, 0) + 1
        self.ids[model] = new
        self.rows.setdefault(model, []).append({key: new, **values})
        return new


_KEYS: dict[type, str] = {
    Opportunity: "opp_id",
    StageChange: "change_id",
    Contract: "contract_id",
    ContractLine: "line_id",
    ContractReview: "review_id",
    Milestone: "milestone_id",
    Survey: "survey_id",
    Complaint: "complaint_id",
}


class _Draw:
    """Scalar draws with NumPy's signatures on ``random.Random`` (ten times faster per call)."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def integers(self, low: int, high: int | None = None) -> int:
        """``[low, high)``, or ``[0, low)`` with one argument."""
        if high is None:
            low, high = 0, low
        return low + int(self.r.random() * (high - low))

    def random(self) -> float:
        return self.r.random()

    def uniform(self, low: float, high: float) -> float:
        return self.r.uniform(low, high)

    def lognormal(self, mean: float, sigma: float) -> float:
        return self.r.lognormvariate(mean, sigma)

    def poisson(self, lam: float) -> int:
        limit, k, p = math.exp(-lam), 0, self.r.random()
        while p > limit:
            k += 1
            p *= self.r.random()
        return k

    def choice(self, options: Sequence[Any] | int, p: Sequence[float]) -> Any:
        items = range(options) if isinstance(options, int) else options
        return self.r.choices(items, weights=p)[0]


class _Maker:
    def __init__(self, ctx: DemoContext, settings: PipelineSettings) -> None:
        seed = ctx.rng.getrandbits(63)
        self.rng = _Draw(seed)
        self.vector = np.random.default_rng(seed)
        self.as_of = dt.datetime.combine(ctx.as_of, dt.time(18, 0))
        self.settings = settings
        self.open = settings.open_stages
        self.out = _Out()
        self.spin: list[dict[str, Any]] = []
        self.prep: list[dict[str, Any]] = []
        people = ctx.people
        self.manager = dict(people.select("person_id", "manager_id").iter_rows())
        names = catalog.all_products(ctx.engine).select("product_id", "name")
        self.product_names: dict[str, str] = dict(names.iter_rows())

    # -- small draws -----------------------------------------------------------
    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def clock(self, day: dt.datetime) -> dt.datetime:
        """``day`` at a working hour (9:00–17:59)."""
        minutes = int(self.rng.integers(0, 540))
        return day.replace(hour=9, minute=0, second=0) + dt.timedelta(minutes=minutes)

    def amount(self, key_account: bool) -> float:
        value = self.rng.lognormal(math.log(12_000.0), 0.8) * (4.0 if key_account else 1.0)
        return float(max(500.0, round(value, -2)))

    def title(self) -> str:
        return f"{self.pick(txt.PRODUCTS)} · {self.pick(txt.TITLE_SUFFIXES)}"

    # -- a deal and its path ------------------------------------------------------
    def deal(
        self,
        owner: int,
        customer: int,
        amount: float,
        path: Sequence[str],
        entered: Sequence[dt.datetime],
        expected_close: dt.date,
        closed_on: dt.date | None = None,
        lost_reason: str | None = None,
        title: str | None = None,
    ) -> int:
        opp_id = self.out.add(
            Opportunity,
            title=title or self.title(),
            customer_id=customer,
            owner_id=owner,
            amount=amount,
            expected_close=expected_close,
            source=self.pick(SOURCES),
            channel=self.pick(CHANNELS),
            stage=path[-1],
            stage_since=entered[-1],
            created_at=entered[0],
            closed_on=closed_on,
            lost_reason=lost_reason,
            lost_note=self.pick(txt.LOST_NOTES[lost_reason]) if lost_reason else "",
        )
        before: str | None = None
        for stage, at in zip(path, entered, strict=True):
            self.out.add(
                StageChange,
                opp_id=opp_id,
                from_stage=before,
                to_stage=stage,
                changed_at=at,
                changed_by="demo",
                note="",
            )
            before = stage
        reached = max((self.open.index(s) for s in path if s in self.open), default=0)
        if reached >= 1 and self.rng.random() < 0.75:
            self.spin.append(
                {
                    "opp_id": opp_id,
                    **{k: self.pick(v) for k, v in txt.SPIN.items()},
                    "updated_at": entered[min(1, len(entered) - 1)],
                    "updated_by": "demo",
                }
            )
        if reached >= 3 and self.rng.random() < 0.85:
            self.prep.append(
                {
                    "opp_id": opp_id,
                    "competitors": self.pick(txt.COMPETITORS),
                    "strengths": self.pick(txt.STRENGTHS),
                    "strategy": self.pick(txt.STRATEGIES),
                    "bottom_line": round(amount * float(self.rng.uniform(0.8, 0.92)), -2),
                    "concessions": self.pick(txt.CONCESSIONS),
                    "updated_at": entered[min(3, len(entered) - 1)],
                    "updated_by": "demo",
                }
            )
        return opp_id

    def backwards(self, last: dt.datetime, stages: int) -> list[dt.datetime]:
        """Entry times of ``stages`` stages, the last entered at ``last``."""
        times = [last]
        for _ in range(stages - 1):
            times.append(self.clock(times[-1] - dt.timedelta(days=int(self.rng.integers(2, 22)))))
        return times[::-1]

    # -- open and lost deals ------------------------------------------------------------
    def open_deals(self, owner: int, customers: np.ndarray, key: np.ndarray) -> None:
        stalled_days = self.settings.stalled_days
        for _ in range(int(self.rng.poisson(OPEN_PER_REP))):
            k = int(self.rng.choice(len(STAGE_SHARES), p=STAGE_SHARES))
            if self.rng.random() < STALLED_SHARE:
                idle = int(self.rng.integers(stalled_days + 1, stalled_days + 45))
            else:
                idle = int(self.rng.integers(0, stalled_days))
            last = self.clock(self.as_of - dt.timedelta(days=idle))
            entered = self.backwards(last, k + 1)
            c = int(self.rng.integers(customers.size))
            amount = self.amount(bool(key[c]))
            close = self.as_of.date() + dt.timedelta(days=int(self.rng.integers(-10, 100)))
            opp = self.deal(owner, int(customers[c]), amount, self.open[: k + 1], entered, close)
            stage = self.open[k]
            if stage == self.settings.contract_stage:
                self.contract(opp, owner, amount, entered[-1], signed=None)
            elif k == len(self.open) - 2 and self.rng.random() < 0.3:
                self.contract(opp, owner, amount, entered[-1], signed=None, status="draft")

    def lost_deals(self, owner: int, customers: np.ndarray, key: np.ndarray) -> None:
        for _ in range(int(self.rng.poisson(LOST_PER_REP))):
            k = int(self.rng.choice(4, p=(0.35, 0.3, 0.2, 0.15)))
            closed = self.clock(self.as_of - dt.timedelta(days=int(self.rng.integers(3, 170))))
            entered = self.backwards(closed, k + 2)
            reason = str(self.rng.choice(DEFAULT_LOST_REASONS, p=LOST_REASON_SHARES))
            c = int(self.rng.integers(customers.size))
            path = [*self.open[: k + 1], self.settings.lost_stage]
            self.deal(
                owner,
                int(customers[c]),
                self.amount(bool(key[c])),
                path,
                entered,
                closed.date() + dt.timedelta(days=int(self.rng.integers(0, 30))),
                closed_on=closed.date(),
                lost_reason=reason,
            )

    # -- won deals -----------------------------------------------------------------------
    def won_deal(self, line: tuple[int, int, int, dt.date, float, float, str | None]) -> None:
        order_id, customer, owner, day, revenue, cost, product_id = line
        signed = dt.datetime.combine(day, dt.time(15, 0)) + dt.timedelta(
            minutes=int(self.rng.integers(0, 180))
        )
        submitted = signed - dt.timedelta(hours=int(self.rng.integers(20, 120)))
        entered = [*self.backwards(submitted, len(self.open)), signed]
        path = [*self.open, self.settings.won_stage]
        product = self.pick(txt.PRODUCTS)
        # the ledger line's product names the deal and its contract line (same draws as before)
        product = self.product_names.get(product_id or "", product)
        opp = self.deal(
            owner,
            customer,
            revenue,
            path,
            entered,
            day,
            closed_on=day,
            title=f"{product} · {self.pick(txt.TITLE_SUFFIXES)}",
        )
        contract = self.contract(
            opp,
            owner,
            revenue,
            submitted,
            signed=signed,
            product=product,
            order_id=order_id,
            cost=cost,
            product_id=product_id,
        )
        self.execution(contract, opp, owner, customer, signed)

    def contract(
        self,
        opp: int,
        owner: int,
        amount: float,
        submitted: dt.datetime,
        signed: dt.datetime | None,
        status: str | None = None,
        product: str | None = None,
        order_id: int | None = None,
        cost: float | None = None,
        product_id: str | None = None,
    ) -> int:
        reviewer = self.manager.get(owner)
        rejected_first = self.rng.random() < 0.15
        if status is None:
            if signed is not None:
                status = "signed"
            else:
                status = str(
                    self.rng.choice(["in_review", "approved", "rejected"], p=[0.5, 0.35, 0.15])
                )
        delivery = (signed or self.as_of).date() + dt.timedelta(days=int(self.rng.integers(15, 45)))
        contract = self.out.add(
            Contract,
            opp_id=opp,
            status=status,
            payment_terms=self.pick(PAYMENT_TERMS),
            delivery_date=delivery,
            terms=self.pick(txt.CONTRACT_TERMS),
            created_at=submitted - dt.timedelta(days=int(self.rng.integers(2, 10))),
            submitted_at=None if status == "draft" else submitted,
            signed_at=signed,
            signed_by="demo" if signed else "",
        )
        self.out.add(
            ContractLine,
            contract_id=contract,
            description=product or self.pick(txt.PRODUCTS),
            quantity=1.0,
            unit_price=amount,
            unit_cost=cost
            if cost is not None
            else round(amount * float(self.rng.uniform(0.55, 0.8)), 2),
            order_id=order_id,
            **({"product_id": product_id} if product_id else {}),
        )
        if status == "draft" or reviewer is None:
            return contract
        at = submitted
        if rejected_first or status == "rejected":
            at = at + dt.timedelta(hours=int(self.rng.integers(2, 20)))
            self.review(contract, reviewer, "reject", self.pick(txt.REVIEW_REJECT), at)
        if status in ("approved", "signed"):
            at = at + dt.timedelta(hours=int(self.rng.integers(1, 12)))
            if signed is not None:
                at = min(at, signed - dt.timedelta(minutes=30))
            self.review(contract, reviewer, "approve", self.pick(txt.REVIEW_APPROVE), at)
        return contract

    def review(
        self, contract: int, reviewer: int, decision: str, comment: str, at: dt.datetime
    ) -> None:
        at = min(at, self.as_of)
        self.out.add(
            ContractReview,
            contract_id=contract,
            reviewer_id=reviewer,
            reviewer="demo",
            decision=decision,
            comment=comment,
            reviewed_at=at,
        )

    def execution(
        self, contract: int, opp: int, owner: int, customer: int, signed: dt.datetime
    ) -> None:
        today = self.as_of.date()
        steps = [("production", ""), ("shipping", ""), ("installation", "")]
        if self.rng.random() < 0.15:
            steps.append(("custom", self.pick(txt.CUSTOM_MILESTONES)))
        due = signed.date()
        all_done = True
        last_done = signed.date()
        for kind, title in steps:
            due = due + dt.timedelta(days=int(self.rng.integers(4, 12)))
            if due < today - dt.timedelta(days=2) and self.rng.random() < 0.9:
                done_on = min(today, due + dt.timedelta(days=int(self.rng.integers(-3, 4))))
                status = "done"
                last_done = max(last_done, done_on)
            else:
                done_on = None
                status = "in_progress" if all_done else "planned"
                all_done = False
            self.out.add(
                Milestone,
                contract_id=contract,
                kind=kind,
                title=title,
                owner_id=owner,
                due_date=due,
                status=status,
                done_on=done_on,
                note="",
            )
        if all_done and self.rng.random() < 0.75:
            score = int(self.rng.choice(5, p=SCORE_SHARES)) + 1
            when = min(today, last_done + dt.timedelta(days=int(self.rng.integers(1, 10))))
            self.out.add(
                Survey,
                opp_id=opp,
                customer_id=customer,
                person_id=owner,
                score=score,
                comment=self.pick(txt.SURVEY_COMMENTS[score]),
                surveyed_on=when,
            )
        if self.rng.random() < 0.25:
            self.complaint(opp, owner, customer, signed)

    def complaint(self, opp: int, owner: int, customer: int, signed: dt.datetime) -> None:
        span = max(1, (self.as_of - signed).days)
        opened = self.clock(signed + dt.timedelta(days=int(self.rng.integers(1, span + 1))))
        opened = min(opened, self.as_of - dt.timedelta(hours=1))
        hours = float(self.rng.lognormal(math.log(30.0), 0.7))
        resolved: dt.datetime | None = opened + dt.timedelta(minutes=round(hours * 60))
        if self.rng.random() < 0.08 or (resolved is not None and resolved > self.as_of):
            resolved = None
        self.out.add(
            Complaint,
            customer_id=customer,
            opp_id=opp,
            person_id=owner,
            opened_at=opened,
            resolved_at=resolved,
            description=self.pick(txt.COMPLAINTS),
            resolution="" if resolved is None else self.pick(txt.RESOLUTIONS),
        )


def _won_lines(
    engine: Engine,
    reps: list[int],
    customers: pl.DataFrame,
    start: dt.date,
    count: int,
    rng: np.random.Generator,
) -> list[tuple[int, int, int, dt.date, float, float, str | None]]:
    """About ``count`` ledger lines since ``start`` booked by a rep for their own customer,
    with their product."""
    with engine.connect() as conn:
        low = conn.execute(
            select(func.min(OrderLine.order_id)).where(OrderLine.order_date >= start)
        ).scalar()
        high = conn.execute(select(func.max(OrderLine.order_id))).scalar()
    if low is None or high is None or count <= 0:
        return []
    size = min(count * 3, int(high) - int(low) + 1)
    wanted = np.unique(rng.integers(int(low), int(high) + 1, size=size))
    columns = (
        OrderLine.order_id,
        OrderLine.customer_id,
        OrderLine.person_id,
        OrderLine.order_date,
        OrderLine.revenue,
        OrderLine.cost,
        OrderLine.product_id,
    )
    schema = {**polars_schema(OrderLine, [c.key for c in columns]), "product_id": pl.String()}
    parts = []
    for chunk in np.array_split(wanted, max(1, wanted.size // 5_000)):
        query = select(*columns).where(OrderLine.order_id.in_(chunk.tolist()))
        parts.append(frames.read_frame(engine, query, schema))
    owners = customers.select("customer_id", pl.col("owner_id").alias("person_id"))
    lines = (
        pl.concat(parts)
        .join(owners, on=["customer_id", "person_id"], how="semi")
        .filter(pl.col("person_id").is_in(reps))
    )
    keep = np.sort(rng.permutation(lines.height)[:count])  # spread over the whole window
    return list(lines.sort("order_id")[keep].iter_rows())


def _store(engine: Engine, maker: _Maker) -> dict[str, int]:
    counts: dict[str, int] = {}
    order = (
        Opportunity,
        StageChange,
        Contract,
        ContractLine,
        ContractReview,
        Milestone,
        Survey,
        Complaint,
    )
    with write_session(engine) as session:
        for model in order:
            rows = maker.out.rows.get(model, [])
            if rows:
                frame = pl.DataFrame(rows, infer_schema_length=None)
                counts[model.__tablename__] = bulk_insert(session, model.__table__, frame)  # type: ignore[attr-defined]
        for model, rows in ((SpinNote, maker.spin), (NegotiationPrep, maker.prep)):
            if rows:
                frame = pl.DataFrame(rows, infer_schema_length=None)
                counts[model.__tablename__] = bulk_insert(session, model.__table__, frame)  # type: ignore[attr-defined]
    return counts


def _credit_rows(
    maker: _Maker, settings: PipelineSettings
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Team selling: every third deal in the last two open stages is split 70/30 between
    its rep and the rep's supervisor (who joined the key negotiation), its unsigned
    contract too; chosen by id, so the demo's random draws stay as they were."""
    late = set(settings.open_stages[-2:])
    deals: list[dict[str, Any]] = []
    for opp in maker.out.rows.get(Opportunity, []):
        supervisor = maker.manager.get(opp["owner_id"])
        if opp["stage"] in late and opp["opp_id"] % 3 == 0 and supervisor is not None:
            for position, (person, share) in enumerate(
                ((opp["owner_id"], 70.0), (supervisor, 30.0))
            ):
                deals.append(
                    {
                        "opp_id": opp["opp_id"],
                        "person_id": person,
                        "share_pct": share,
                        "position": position,
                    }
                )
    split = {row["opp_id"] for row in deals}
    contracts = [
        {"contract_id": contract["contract_id"], **{k: v for k, v in row.items() if k != "opp_id"}}
        for contract in maker.out.rows.get(Contract, [])
        if contract["opp_id"] in split and contract["status"] != "signed"
        for row in deals
        if row["opp_id"] == contract["opp_id"]
    ]
    return deals, contracts


def seed(ctx: DemoContext, settings: PipelineSettings | None = None) -> dict[str, int]:
    """Make and store the demo pipeline; returns rows written per table."""
    settings = settings or PipelineSettings()
    maker = _Maker(ctx, settings)
    people = ctx.people.filter((pl.col("level") == "rep") & (pl.col("status") != "left"))
    reps = people["person_id"].to_list()
    customers = ctx.customers.select("customer_id", "owner_id", "size").sort(
        "owner_id", "customer_id"
    )
    owner = customers["owner_id"].fill_null(-1).to_numpy()
    ids = customers["customer_id"].to_numpy()
    key = (customers["size"] == "key_account").to_numpy()
    ctx.progress(f"Pipeline: open and lost deals for {len(reps):,} reps")
    for rep in reps:
        first, last = np.searchsorted(owner, [rep, rep + 1])
        if last > first:
            maker.open_deals(rep, ids[first:last], key[first:last])
            maker.lost_deals(rep, ids[first:last], key[first:last])
    start = ctx.as_of - dt.timedelta(days=WON_WINDOW_DAYS)
    count = round(WON_PER_REP * len(reps))
    lines = _won_lines(ctx.engine, reps, customers, start, count, maker.vector)
    ctx.progress(f"Pipeline: {len(lines):,} won deals with contracts and milestones")
    for line in lines:
        maker.won_deal(line)
    counts = _store(ctx.engine, maker)
    deal_credits, contract_credits = _credit_rows(maker, settings)
    with write_session(ctx.engine) as session:
        for model, rows in ((DealCredit, deal_credits), (ContractCredit, contract_credits)):
            if rows:
                frame = pl.DataFrame(rows, infer_schema_length=None)
                counts[model.__tablename__] = bulk_insert(session, model.__table__, frame)  # type: ignore[attr-defined]
    ctx.progress("Pipeline: quotes on deals in solution and negotiation")
    quoted = quote_rows(
        ctx.engine,
        maker.out.rows.get(Opportunity, []),
        maker.manager,
        settings,
        maker.as_of,
        maker.rng.r.getrandbits(63),
    )
    with write_session(ctx.engine) as session:
        for model in QUOTE_TABLES:
            if quoted[model]:
                frame = pl.DataFrame(quoted[model], infer_schema_length=None)
                frame = frame.select(c for c in frame.columns if frame[c].dtype != pl.Null)
                counts[model.__tablename__] = bulk_insert(session, model.__table__, frame)  # type: ignore[attr-defined]
    return counts
