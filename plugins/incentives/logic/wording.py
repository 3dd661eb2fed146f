"""Plans, statement lines and settlement tables put into words for the pages (pure).

Labels are translated with :func:`command_center.i18n.t`; a metric's label
comes from the caller (``metric_label``: the registry knows it), so these
functions read no database and draw nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from command_center.i18n import money, number, percent, t
from plugins.incentives.logic.levers import RATIO_METRICS
from plugins.incentives.logic.plan_model import (
    Bonus,
    Override,
    Plan,
    Pool,
    ProductRate,
    Rate,
    Spiff,
    Tiered,
)

MetricLabel = Callable[[str], str]
STATUSES = ("draft", "locked", "unlocked")
DISPUTE_STATUSES = ("open", "answered")


def component_labels(plan: Plan) -> dict[str, str]:
    """Component name -> what a statement line reads: its label, else its type's
    wording (``ComponentType.line``), else its name."""
    types = plan.types()
    return {c.name: types.of(c).line_label(c) for c in plan.components}


def line_label(kind: str, name: str, labels: dict[str, str], metric_label: MetricLabel) -> str:
    """A statement line as people read it: the component, or the gate, cap or clawback."""
    if kind == "component":
        return labels.get(name, name)
    if kind == "gate":
        metrics = ", ".join(metric_label(m) for m in name.split(",") if m)
        return t("incentives.line.gate", metrics=metrics)
    if kind == "cap":
        return t("incentives.line.cap")
    return t("incentives.line.clawback")


def status_names() -> dict[str, str]:
    return {s: t(f"incentives.status.{s}") for s in STATUSES}


def threshold_text(metric: str, value: float | None) -> str:
    """A condition's bound: a percentage for ratios, else a number."""
    if value is None:
        return "—"
    return (
        percent(value)
        if metric in RATIO_METRICS
        else number(value, 0 if value == int(value) else 2)
    )


def pays_tiered(comp: Tiered, plan: Plan, metric_label: MetricLabel) -> str:
    unit = percent if comp.measure == "attainment" else money
    tiers = ", ".join(f"≥{unit(tier.lo)}: {percent(tier.rate, 2)}" for tier in comp.tiers)
    how = t(f"incentives.plans.tiered_{comp.mode}", base=metric_label(comp.base), tiers=tiers)
    if comp.upto is not None:
        how += " · " + t("incentives.plans.upto", upto=unit(comp.upto))
    for band in comp.accelerators + comp.decelerators:
        how += " · " + t("incentives.plans.band", lo=unit(band.lo), mult=band.multiplier)
    return how


def pays_rate(comp: Rate, plan: Plan, metric_label: MetricLabel) -> str:
    return t("incentives.plans.rate", base=metric_label(comp.base), rate=percent(comp.rate, 2))


def pays_product_rate(comp: ProductRate, plan: Plan, metric_label: MetricLabel) -> str:
    rates = ", ".join(
        f"{e.product if e.product is not None else e.category} {percent(e.rate, 2)}"
        for e in comp.rates
    )
    return t(
        "incentives.plans.product_rate",
        base=metric_label(comp.base),
        rates=rates,
        default=percent(comp.default, 2),
    )


def pays_spiff(comp: Spiff, plan: Plan, metric_label: MetricLabel) -> str:
    return t(
        "incentives.plans.spiff",
        amount=money(comp.amount),
        what=comp.product if comp.product is not None else comp.category,
        start=comp.start.isoformat(),
        end=comp.end.isoformat(),
    )


def pays_override(comp: Override, plan: Plan, metric_label: MetricLabel) -> str:
    return t("incentives.plans.override", base=metric_label(comp.base), rate=percent(comp.rate, 2))


def pays_bonus(comp: Bonus, plan: Plan, metric_label: MetricLabel) -> str:
    conds = ", ".join(
        f"{metric_label(c.metric)} ≥ {threshold_text(c.metric, c.min)}"
        if c.min is not None
        else f"{metric_label(c.metric)} ≤ {threshold_text(c.metric, c.max)}"
        for c in comp.when
    )
    text = t(
        "incentives.plans.bonus",
        amount=money(comp.amount),
        every=t(f"incentives.grain.{comp.every or plan.period}"),
        when=conds,
    )
    if comp.weighted_by == "appraisal":
        text += t("incentives.plans.by_appraisal")
    return text


def pays_pool(comp: Pool, plan: Plan, metric_label: MetricLabel) -> str:
    size = (
        money(comp.amount)
        if comp.amount is not None
        else t("incentives.plans.pool_share", share=percent(comp.share_of_profit, 2))
    )
    return t("incentives.plans.pool", size=size, split=t(f"incentives.split.{comp.split}"))


def _pays(comp: Any, plan: Plan, metric_label: MetricLabel) -> str:
    return plan.types().of(comp).describe(comp, plan, metric_label)


def describe_plan(plan: Plan, metric_label: MetricLabel) -> pl.DataFrame:
    """One row per component: what it pays, in words."""
    rows = [
        {
            t("incentives.plans.component"): comp.label or comp.name,
            t("incentives.plans.key"): comp.name,
            t("incentives.plans.type"): t(plan.types().of(comp).label),
            t("incentives.plans.pays"): _pays(comp, plan, metric_label),
            t("incentives.plans.on"): "✓" if comp.enabled else "—",
        }
        for comp in plan.components
    ]
    return pl.DataFrame(rows)


def version_history(versions: pl.DataFrame, name: str) -> pl.DataFrame:
    """The stored versions of the plan called ``name``, with translated headers."""
    return versions.filter(pl.col("name") == name).select(
        pl.col("version").alias(t("incentives.version")),
        pl.col("effective_from").alias(t("incentives.plans.effective")),
        pl.col("created_by").alias(t("incentives.plans.by")),
        pl.col("created_at").alias(t("incentives.plans.at")),
        pl.col("note").alias(t("incentives.plans.note")),
    )


def settlement_versions(versions: pl.DataFrame) -> pl.DataFrame:
    """A month's settlement versions (people and totals in scope) with translated headers."""
    return versions.select(
        pl.col("version").alias(t("incentives.version")),
        pl.col("status")
        .replace_strict(status_names(), return_dtype=pl.String)
        .alias(t("incentives.st.status")),
        pl.col("people").alias(t("incentives.settle.people")),
        pl.col("total").alias(t("incentives.settle.total")),
        pl.col("computed_by").alias(t("incentives.settle.computed_by")),
        pl.col("computed_at").alias(t("incentives.settle.computed_at")),
        pl.col("locked_by").alias(t("incentives.settle.locked_by")),
        pl.col("reason").alias(t("incentives.settle.reason")),
    )


def review_table(
    current: pl.DataFrame,
    lines: pl.DataFrame,
    labels: dict[str, str],
    people: pl.DataFrame,
) -> pl.DataFrame:
    """One row per person of a month: their statement and one column per line label.

    ``current``: the statements that count; ``lines``: their lines;
    ``labels``: component name -> label; ``people``: ``person_id, name,
    level`` of the viewer's scope. Biggest payout first.
    """
    kind_names = {
        "gate": t("incentives.line.gate_short"),
        "cap": t("incentives.line.cap"),
        "clawback": t("incentives.line.clawback"),
    }
    lines = lines.join(
        current.select("settlement_id", "person_id", "plan_version_id"),
        on=["settlement_id", "person_id"],
        how="inner",
    ).with_columns(
        pl.when(pl.col("kind") == "component")
        .then(pl.col("name").replace(labels))
        .otherwise(pl.col("kind").replace(kind_names))
        .alias("_label")
    )
    wide = (
        lines.group_by("person_id", "_label")
        .agg(pl.col("amount").sum())
        .pivot(on="_label", index="person_id", values="amount")
    )
    names = dict(people.select("person_id", "name").iter_rows())
    base = current.join(people.select("person_id", "level"), on="person_id", how="left").select(
        "person_id",
        pl.col("person_id")
        .replace_strict(names, default="", return_dtype=pl.String)
        .alias(t("incentives.name")),
        pl.col("level")
        .map_elements(lambda level: t(f"level.{level}"), return_dtype=pl.String)
        .alias(t("incentives.level")),
        pl.col("status")
        .replace_strict(status_names(), return_dtype=pl.String)
        .alias(t("incentives.st.status")),
        pl.col("plan_name").alias(t("incentives.plan")),
        pl.col("revenue").alias(t("incentives.st.revenue")),
        pl.col("quota").alias(t("incentives.st.quota")),
        pl.col("attainment").alias(t("incentives.st.attainment")),
        pl.col("payout").alias(t("incentives.st.payout")),
    )
    return (
        base.join(wide, on="person_id", how="left")
        .drop("person_id")
        .sort(t("incentives.st.payout"), descending=True)
    )


def review_money_columns(table: pl.DataFrame) -> list[str]:
    """The columns of :func:`review_table` that hold yuan."""
    text = {
        t("incentives.name"),
        t("incentives.level"),
        t("incentives.st.status"),
        t("incentives.plan"),
        t("incentives.st.attainment"),
    }
    return [c for c in table.columns if c not in text]


def dispute_inbox(found: pl.DataFrame, names: dict[int, str]) -> pl.DataFrame:
    """Disputes with the person's name, translated status and headers."""
    return found.select(
        pl.col("dispute_id").alias("#"),
        pl.col("person_id")
        .replace_strict(names, default="", return_dtype=pl.String)
        .alias(t("incentives.name")),
        pl.col("period").alias(t("incentives.month")),
        pl.col("status")
        .replace_strict(
            {s: t(f"incentives.dispute.{s}") for s in DISPUTE_STATUSES}, return_dtype=pl.String
        )
        .alias(t("incentives.st.status")),
        pl.col("question").alias(t("incentives.dispute.question")),
        pl.col("answer").alias(t("incentives.dispute.answer")),
    )


def statement_history(versions: pl.DataFrame) -> pl.DataFrame:
    """A person's statement versions of one month, newest first, translated."""
    return versions.sort("version", descending=True).select(
        pl.col("version").alias(t("incentives.version")),
        pl.col("status")
        .replace_strict(status_names(), return_dtype=pl.String)
        .alias(t("incentives.st.status")),
        pl.col("payout").alias(t("incentives.st.payout")),
    )
