"""Demo quotes: deals in the solution and negotiation stages carry a quote.

About 60 % of those deals have one: one to three of the catalogue's products,
their quantities drawn so the quote is near the deal's amount, priced on the
quote's date (``command_center.pricing``). A quarter of them discount a line
beyond the company's limit: half of those wait for the owner's leader (and
the first quote of each team does, so every leader's approval list has one),
the rest were approved and sent, or rejected with a note. The others were
sent (some have expired since) or are still drafts; a few were sent twice
(version 1 superseded).

Drawn after everything else of the pipeline's demo, from its own stream, so
the deals, contracts and the rest stay exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl
from sqlalchemy import Engine

from command_center import pricing
from command_center.db import catalog
from plugins.pipeline.demo import words as txt
from plugins.pipeline.models import Quote, QuoteApproval, QuoteLine
from plugins.pipeline.settings import PipelineSettings

QUOTED_SHARE = 0.6
BEYOND_SHARE = 0.25
SMALL_DISCOUNTS = (0.0, 0.0, 3.0, 5.0, 8.0, 10.0)
LARGE_DISCOUNTS = (12.0, 15.0, 18.0, 20.0)


def quote_rows(
    engine: Engine,
    opps: list[dict[str, Any]],
    manager: dict[int, int | None],
    settings: PipelineSettings,
    as_of: dt.datetime,
    seed: int,
) -> dict[type, list[dict[str, Any]]]:
    """Rows of :class:`Quote`, :class:`QuoteLine` and :class:`QuoteApproval` for ``opps``
    (the demo's opportunity rows)."""
    rows: dict[type, list[dict[str, Any]]] = {Quote: [], QuoteLine: [], QuoteApproval: []}
    products = catalog.all_products(engine).filter(pl.col("active"))
    if products.is_empty():
        return rows
    open_stages = settings.open_stages
    quoted = {s for i, s in enumerate(open_stages) if i >= 2 and s != settings.contract_stage}
    deals = [o for o in opps if o["stage"] in quoted]
    rng = random.Random(seed)
    chosen = [o for o in deals if rng.random() < QUOTED_SHARE]
    if not chosen:
        return rows
    pairs = pl.DataFrame(
        {
            "opp_id": [o["opp_id"] for o in chosen for _ in range(products.height)],
            "product_id": products["product_id"].to_list() * len(chosen),
            "day": [o["stage_since"].date() for o in chosen for _ in range(products.height)],
        }
    )
    priced = pricing.prices_at(
        pairs, products, catalog.all_price_lists(engine), catalog.all_price_items(engine)
    ).join(products.select("product_id", "name", "standard_cost"), on="product_id")
    offers: dict[int, list[tuple[str, str, float, float]]] = {}
    for opp_id, product, name, price, cost in priced.select(
        "opp_id", "product_id", "name", "price", "standard_cost"
    ).iter_rows():
        offers.setdefault(opp_id, []).append((product, name, float(price), float(cost)))
    maker = _Quotes(rows, rng, manager, settings, as_of)
    for opp in chosen:
        maker.quote(opp, offers[opp["opp_id"]])
    return rows


class _Quotes:
    def __init__(
        self,
        rows: dict[type, list[dict[str, Any]]],
        rng: random.Random,
        manager: dict[int, int | None],
        settings: PipelineSettings,
        as_of: dt.datetime,
    ) -> None:
        self.rows, self.rng, self.manager = rows, rng, manager
        self.limit = settings.quote_discount_limit
        self.valid_days = settings.quote_valid_days
        self.as_of = as_of
        self.waiting: set[int | None] = set()  # leaders who have a quote to decide

    def _id(self, model: type) -> int:
        return len(self.rows[model]) + 1

    def quote(self, opp: dict[str, Any], offers: list[tuple[str, str, float, float]]) -> None:
        leader = self.manager.get(opp["owner_id"])
        first_of_team = leader not in self.waiting  # every leader gets one to decide
        beyond = first_of_team or self.rng.random() < BEYOND_SHARE
        picks = self.rng.sample(offers, k=min(len(offers), self.rng.randint(1, 3)))
        weights = [self.rng.uniform(0.5, 1.5) for _ in picks]
        lines = []
        for (product, name, price, cost), weight in zip(picks, weights, strict=True):
            share = float(opp["amount"]) * weight / sum(weights)
            quantity = float(max(1, round(share / price))) if price > 0 else 1.0
            discount = self.rng.choice(SMALL_DISCOUNTS)
            lines.append([product, name[:200], quantity, price, discount, cost])
        if beyond:
            self.rng.choice(lines)[4] = self.rng.choice(LARGE_DISCOUNTS)
        created = opp["stage_since"]
        version = 1
        if not beyond and self.rng.random() < 0.15:  # sent once before, then revised
            self._version(opp, 1, created - dt.timedelta(days=5), lines, "superseded")
            version = 2
        # Unit prices are the price list's and there is no extra discount: a line's
        # effective discount is its own, and the total's is never beyond the largest.
        needs = max(line[4] for line in lines) > self.limit
        if needs and first_of_team:
            status = "pending"
            self.waiting.add(leader)
        elif needs:
            status = self.rng.choices(("pending", "sent", "rejected"), weights=(5, 3, 2))[0]
        else:
            status = self.rng.choices(("sent", "draft"), weights=(7, 3))[0]
        qid = self._version(opp, version, created, lines, status)
        if needs and status != "pending":
            decided = min(created + dt.timedelta(hours=self.rng.randint(2, 30)), self.as_of)
            approve = status == "sent"
            self.rows[QuoteApproval].append(
                {
                    "approval_id": self._id(QuoteApproval),
                    "quote_id": qid,
                    "approver_id": leader,
                    "approver": "demo",
                    "decision": "approve" if approve else "reject",
                    "note": self.rng.choice(
                        txt.QUOTE_APPROVE_NOTES if approve else txt.QUOTE_REJECT_NOTES
                    ),
                    "decided_at": decided,
                }
            )

    def _version(
        self,
        opp: dict[str, Any],
        version: int,
        created: dt.datetime,
        lines: list[list[Any]],
        status: str,
    ) -> int:
        qid = self._id(Quote)
        day = created.date()
        sent = status in ("sent", "superseded")
        self.rows[Quote].append(
            {
                "quote_id": qid,
                "opp_id": opp["opp_id"],
                "version": version,
                "status": status,
                "quote_date": day,
                "valid_until": day + dt.timedelta(days=self.valid_days),
                "extra_discount_pct": 0.0,
                "note": self.rng.choice(txt.QUOTE_NOTES),
                "created_at": created,
                "created_by": "demo",
                "requested_at": created if status in ("pending", "rejected") else None,
                "sent_at": created + dt.timedelta(hours=1) if sent else None,
                "closed_at": created + dt.timedelta(days=5) if status == "superseded" else None,
                "contract_id": None,
            }
        )
        for product, name, quantity, price, discount, cost in lines:
            self.rows[QuoteLine].append(
                {
                    "line_id": self._id(QuoteLine),
                    "quote_id": qid,
                    "product_id": product,
                    "description": name,
                    "quantity": quantity,
                    "list_price": price,
                    "unit_price": price,
                    "discount_pct": discount,
                    "unit_cost": cost,
                }
            )
        return qid


ORDER: tuple[type, ...] = (Quote, QuoteLine, QuoteApproval)
"""The order the quote tables are stored in (after the deals)."""
