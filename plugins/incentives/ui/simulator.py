"""The what-if simulator: change a plan's levers and see baseline beside scenario at once.

The interactive panel is one ``st.fragment``: moving a lever reruns only the
panel (levers, KPI row, charts, the per-person table). The plan, the months,
the saved-scenario list and the comparison of saved scenarios are outside it:
no lever changes them, so a lever move neither reads nor redraws them. All
logic lives outside the page (engine, comparison, edits: pure modules);
everything on the baseline's side (its per-person payouts in the viewer's
scope, booked revenue, earnings curve) is cached per data version, and the
scenario runs on the cached person-period table in milliseconds. The
per-person table shows a page of rows at a time (the downloads hold all).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, percent, t
from command_center.ui import page_header, table_with_download
from command_center.ui.widgets import Kpi, change, kpi_row
from plugins.incentives import charts
from plugins.incentives.actions import scenarios as scenario_actions
from plugins.incentives.errors import IncentivesError, PlanInvalid, month_label
from plugins.incentives.logic.earnings_curve import earnings_curve
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import Plan
from plugins.incentives.logic.whatif import (
    MOVERS,
    PAGE_ROWS,
    BaselineView,
    better_worse,
    closed_month,
    compare,
    compare_sides,
    curves,
    distribution,
    histogram,
    is_estimate,
    matching,
    page_starts,
    run_scenario,
    scenario_side,
    scope_revenue,
    summaries,
    winners_losers,
    within,
)
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import scenarios as scenario_reads
from plugins.incentives.queries import simulation
from plugins.incentives.ui import levers
from plugins.incentives.ui.widgets import (
    ICONS,
    choose_version,
    level_label,
    money_config,
    show_notes,
)

VERSION_KEY = "incentives_sim_version"
RANGE_KEY = "incentives_sim_range"
FIND_KEY = "incentives_sim_find"
PAGE_KEY = "incentives_sim_page"
SAVED_NOTE = "incentives_sim_saved_note"  # the "saved" message, shown after the app's rerun


def render(ctx: PageContext) -> None:
    page_header(ctx, "incentives.sim.title")
    st.caption(t("incentives.sim.intro"))
    if plan_reads.plan_versions(ctx.engine).is_empty():
        st.info(t("incentives.no_plans"))
        return
    months = figure_reads.sales_months(ctx.engine)
    if not months:
        st.info(t("incentives.no_sales"))
        return
    default = _default_month(ctx, months)
    top = st.columns([2, 3, 2])
    with top[0]:
        version_id = choose_version(ctx, VERSION_KEY, default)
    assert version_id is not None
    with top[1]:
        start, end = _range(ctx, months, default)
    if team_only(ctx):  # a supervisor: their team's figures, nothing saved
        st.caption(f"{ICONS['info']} {t('incentives.sim.team_only')}")
        panel(ctx, version_id, start, end)
        return
    with top[2]:
        _loader(ctx)
    scenario_tab, compare_tab = st.tabs(
        [t("incentives.sim.tab_scenario"), t("incentives.sim.tab_compare")]
    )
    with scenario_tab:
        panel(ctx, version_id, start, end)
    with compare_tab:
        _compare(ctx)


def team_only(ctx: PageContext) -> bool:
    """Does this viewer simulate their team only (supervisors), saving nothing?"""
    return ctx.signed_in_viewer.role not in scenario_actions.SIMULATOR_ROLES


@st.fragment
def panel(ctx: PageContext, version_id: int, start: dt.date, end: dt.date) -> None:
    """Levers beside their scenario: what a lever move reruns (and nothing else)."""
    plan = plan_reads.plan(ctx.engine, version_id)
    summary = st.container()  # the KPI row, full width, filled once the scenario is known
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.subheader(t("incentives.sim.levers"))
        edits, assumed = levers.levers(ctx, plan, version_id)
        st.button(
            t("incentives.sim.reset"),
            on_click=levers.reset,
            args=(version_id,),
            key="incentives_sim_reset",
        )
    with right:
        _scenario(ctx, summary, plan, version_id, start, end, edits, assumed)


def _default_month(ctx: PageContext, months: list[dt.date]) -> dt.date:
    """The last closed month up to the period chosen in the sidebar (never the running one)."""
    upto = [m for m in months if m <= ctx.period.end] or months
    found = closed_month(upto, dt.date.today())
    assert found is not None  # render() showed "no sales" when there are no months
    return found


def _range(ctx: PageContext, months: list[dt.date], default: dt.date) -> tuple[dt.date, dt.date]:
    labels = [month_label(m) for m in months]
    if RANGE_KEY in st.session_state:
        current = st.session_state[RANGE_KEY]
        valid = isinstance(current, tuple | list) and len(current) == 2
        if not valid or any(v not in labels for v in current):
            del st.session_state[RANGE_KEY]
    extra: dict[str, Any] = {}
    if RANGE_KEY not in st.session_state:
        start = month_label(ctx.period.start)
        last = month_label(default)
        extra["value"] = (start if start in labels and start <= last else last, last)
    first, last = st.select_slider(t("incentives.sim.months"), labels, key=RANGE_KEY, **extra)
    return months[labels.index(first)], months[labels.index(last)]


def _load(ctx: PageContext, scenario_id: int) -> None:
    saved = scenario_reads.scenario(ctx.engine, ctx.actor, scenario_id)
    if saved is None:
        return
    plan = plan_reads.plan(ctx.engine, saved.plan_version_id)
    st.session_state[VERSION_KEY] = saved.plan_version_id
    st.session_state[RANGE_KEY] = (month_label(saved.start), month_label(saved.end))
    levers.preset(saved.plan_version_id, plan, saved.edits, saved.assumptions)


def _delete(ctx: PageContext, scenario_id: int) -> None:
    try:
        scenario_actions.delete_scenario(ctx.engine, ctx.actor, scenario_id)
    except IncentivesError:
        return


def _loader(ctx: PageContext) -> None:
    saved = scenario_reads.scenarios(ctx.engine, ctx.actor)
    if saved.is_empty():
        st.caption(t("incentives.sim.no_saved"))
        return
    ids = saved["scenario_id"].to_list()
    names = dict(saved.select("scenario_id", "name").iter_rows())
    chosen = st.selectbox(
        t("incentives.sim.saved"),
        ids,
        format_func=labels_now(ids, names.__getitem__),
        key="incentives_sim_saved",
    )
    left, right = st.columns(2)
    left.button(
        t("incentives.sim.load"), on_click=_load, args=(ctx, chosen), key="incentives_sim_load"
    )
    right.button(
        t("incentives.sim.delete"),
        on_click=_delete,
        args=(ctx, chosen),
        key="incentives_sim_delete",
    )


def _scenario(
    ctx: PageContext,
    summary: Any,
    plan: Plan,
    version_id: int,
    start: dt.date,
    end: dt.date,
    edits: dict[str, Any],
    assumed: dict[str, Any],
) -> None:
    try:
        changed = apply_edits(plan, edits)
    except PlanInvalid as exc:
        st.warning(t("incentives.sim.invalid", issues="; ".join(str(i) for i in exc.issues)))
        changed = plan
    scope = ctx.viewer.person_ids
    if team_only(ctx):
        team_base = simulation.team_baseline_view(
            ctx.engine, ctx.registry, version_id, start, end, ctx.viewer
        )
        stored, kept = simulation.team_plan(plan), simulation.team_plan(changed)
        if team_base is None or stored is None or kept is None:
            st.info(t("incentives.sim.pools_only"))
            return
        figures = figure_reads.team_figures_between(
            ctx.engine, ctx.registry, stored, start, end, ctx.viewer
        )
        base, changed = team_base, kept
    else:
        figures = figure_reads.figures_between(ctx.engine, ctx.registry, plan, start, end)
        base = simulation.baseline_view(ctx.engine, ctx.registry, version_id, start, end, scope)
    assumptions = simulation.team_assumptions(
        ctx.engine, assumed["everyone"], assumed["team_root"], assumed["team"]
    )
    timed = run_scenario(
        figures, changed, start, end, assumptions, figure_reads.multipliers(ctx.engine)
    )
    new_side = scenario_side(timed, scope, start, end, base.side)
    table = compare_sides(base.side.people, new_side.people, ctx.people())
    if table.is_empty():
        st.info(t("incentives.sim.nobody"))
        return
    old, new = summaries(table, (base.side.revenue, new_side.revenue))
    up, down = better_worse(table)
    cos_delta = (
        t("ui.points", value=f"{(new.cost_of_sales - old.cost_of_sales) * 100:+.2f}")
        if new.cost_of_sales is not None and old.cost_of_sales is not None
        else None
    )
    moved = abs(new.payout - old.payout) >= 0.005
    growth = change(new.payout, old.payout) if moved else None
    payout_delta = None if growth is None else f"{growth:+.1%}"
    with summary:
        kpi_row(
            [
                Kpi(
                    t("incentives.sim.scenario_payout"), new.payout, "currency", payout_delta, False
                ),
                Kpi(t("incentives.sim.baseline_payout"), old.payout, "currency"),
                Kpi(
                    t("incentives.sim.cost_of_sales"),
                    new.cost_of_sales,
                    "percent",
                    cos_delta if moved else None,
                    False,
                ),
                Kpi(t("incentives.sim.better_off"), up, "count"),
                Kpi(t("incentives.sim.worse_off"), down, "count"),
            ]
        )
    st.caption(
        t(
            "incentives.sim.engine_time",
            ms=f"{timed.milliseconds:.1f}",
            rows=timed.evaluation.frame.height,
            baseline=percent(old.cost_of_sales, 2),
        )
    )
    if is_estimate(end, dt.date.today()):
        st.caption(t("incentives.sim.estimate", month=month_label(dt.date.today())))
    show_notes(timed.evaluation.notes)
    labels = (t("incentives.sim.baseline"), t("incentives.sim.scenario"))
    _charts(base, changed if edits else None, figures.kinds, table, labels)
    _table(table, start, end)
    if not team_only(ctx):
        _save(ctx, version_id, start, end, edits, assumed)
    st.download_button(
        t("incentives.sim.export_yaml"),
        lambda: changed.to_yaml().encode("utf-8"),  # written when asked for, not per move
        file_name="scenario-plan.yaml",
        mime="application/x-yaml",
        key="incentives_sim_yaml",
        on_click="ignore",
    )


def _charts(
    base: BaselineView,
    changed: Plan | None,
    kinds: dict[str, str],
    table: pl.DataFrame,
    labels: tuple[str, str],
) -> None:
    """The curve of ``changed`` (``None``: no lever changed, the baseline's) beside the
    baseline's, the payout distribution and the biggest movers."""
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('incentives.sim.curve')}**")
        scenario = base.curve if changed is None else earnings_curve(changed, base.sample, kinds)
        both = curves(base.curve, scenario, labels)
        _draw(both, charts.spec("earnings_curve", *labels))
        st.caption(t("incentives.sim.curve_help"))
    with right:
        st.markdown(f"**{t('incentives.sim.distribution')}**")
        _draw(histogram(distribution(table, *labels)), charts.spec("distribution", *labels))
    moved = winners_losers(table)
    st.markdown(f"**{t('incentives.sim.winners_losers')}**")
    if moved.is_empty():
        st.caption(t("incentives.sim.no_change"))
    else:
        _draw(moved, charts.spec("winners_losers", moved.height))
        st.caption(t("incentives.sim.movers_help", count=table.height, movers=MOVERS))


def _draw(data: pl.DataFrame, spec: dict[str, Any]) -> None:
    """A chart of :func:`charts.spec` with its rows, at full width (as ``chart`` draws)."""
    st.vega_lite_chart(data, spec, width="stretch")


def _page(table: pl.DataFrame) -> pl.DataFrame:
    """The rows to draw: all of a short table; else a name filter and a page of rows."""
    if table.height <= PAGE_ROWS:
        return table
    left, right = st.columns([3, 2])
    found = matching(table, left.text_input(t("incentives.sim.find"), key=FIND_KEY))
    starts = page_starts(found.height, PAGE_ROWS)
    if st.session_state.get(PAGE_KEY) not in starts:
        st.session_state.pop(PAGE_KEY, None)

    def rows(first: int) -> str:
        last = min(first + PAGE_ROWS, found.height)
        return t("incentives.sim.rows", first=f"{first + 1:,}", last=f"{last:,}")

    first = right.selectbox(
        t("incentives.sim.page"), starts, format_func=labels_now(starts, rows), key=PAGE_KEY
    )
    st.caption(t("incentives.sim.paged", count=table.height, found=found.height, size=PAGE_ROWS))
    return found.slice(first, PAGE_ROWS)


def _table(table: pl.DataFrame, start: dt.date, end: dt.date) -> None:
    st.markdown(f"**{t('incentives.sim.per_person')}**")
    page = _page(table)
    cols = {
        "name": t("incentives.name"),
        "level": t("incentives.level"),
        "revenue_old": t("incentives.sim.revenue_old"),
        "revenue_new": t("incentives.sim.revenue_new"),
        "payout_old": t("incentives.sim.payout_old"),
        "payout_new": t("incentives.sim.payout_new"),
        "delta": t("incentives.sim.delta"),
        "delta_pct": t("incentives.sim.delta_pct"),
    }
    levels = {lv: level_label(lv) for lv in table["level"].unique().to_list()}

    def labelled(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(
            pl.col("level").replace_strict(levels, return_dtype=pl.String)
        ).select([pl.col(k).alias(v) for k, v in cols.items()])

    shown = labelled(table)
    config = money_config(
        shown,
        [cols[c] for c in ("revenue_old", "revenue_new", "payout_old", "payout_new", "delta")],
        [cols["delta_pct"]],
    )
    name = f"what-if-{month_label(start)}-{month_label(end)}"
    rows = shown if page is table else labelled(page)
    table_with_download(shown, name, "incentives_sim_table", column_config=config, rows=rows)


def _save(
    ctx: PageContext,
    version_id: int,
    start: dt.date,
    end: dt.date,
    edits: dict[str, Any],
    assumed: dict[str, Any],
) -> None:
    if note := st.session_state.pop(SAVED_NOTE, None):
        st.success(note)
    with st.form("incentives_sim_save", clear_on_submit=False):
        name = st.text_input(t("incentives.sim.scenario_name"), key="incentives_sim_name")
        if st.form_submit_button(t("incentives.sim.save")):
            try:
                scenario_actions.save_scenario(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    ctx.actor,
                    name,
                    version_id,
                    start,
                    end,
                    edits,
                    assumed,
                )
            except IncentivesError as exc:
                st.warning(exc.message)
            else:  # the saved list and the comparison are outside this fragment: the app reruns
                note = t("incentives.sim.saved_ok", name=name.strip(), count=len(edits))
                st.session_state[SAVED_NOTE] = note
                st.rerun()


def _compare(ctx: PageContext) -> None:
    saved = scenario_reads.scenarios(ctx.engine, ctx.actor)
    if saved.height < 2:
        st.info(t("incentives.sim.compare_need_two"))
        return
    ids = saved["scenario_id"].to_list()
    names = dict(saved.select("scenario_id", "name").iter_rows())
    fmt = labels_now(ids, names.__getitem__)
    left, right = st.columns(2)
    first = left.selectbox(
        t("incentives.sim.scenario_a"), ids, format_func=fmt, key="incentives_cmp_a"
    )
    second = right.selectbox(
        t("incentives.sim.scenario_b"), ids, index=1, format_func=fmt, key="incentives_cmp_b"
    )
    if first == second:
        st.info(t("incentives.sim.compare_same"))
        return
    runs = {}
    booked: dict[int, float] = {}
    for sid in (first, second):
        saved_one = scenario_reads.scenario(ctx.engine, ctx.actor, sid)
        if saved_one is None:
            return
        plan = plan_reads.plan(ctx.engine, saved_one.plan_version_id)
        try:
            changed = apply_edits(plan, saved_one.edits)
        except PlanInvalid:
            changed = plan
        assumptions = simulation.team_assumptions(
            ctx.engine,
            float(saved_one.assumptions.get("everyone") or 0),
            saved_one.assumptions.get("team_root"),  # type: ignore[arg-type]
            float(saved_one.assumptions.get("team") or 0),
        )
        figures = figure_reads.figures_between(
            ctx.engine, ctx.registry, plan, saved_one.start, saved_one.end
        )
        timed = run_scenario(
            figures,
            changed,
            saved_one.start,
            saved_one.end,
            assumptions,
            figure_reads.multipliers(ctx.engine),
        )
        runs[sid] = within(timed.evaluation, ctx.viewer.person_ids)
        booked[sid] = scope_revenue(
            timed.figures, ctx.viewer.person_ids, saved_one.start, saved_one.end
        )
    table = compare(runs[first], runs[second], ctx.people())
    a, b = summaries(table, (booked[first], booked[second]))
    kpi_row(
        [
            Kpi(names[first], a.payout, "currency"),
            Kpi(
                names[second],
                b.payout,
                "currency",
                None if (growth := change(b.payout, a.payout)) is None else f"{growth:+.1%}",
                False,
            ),
            Kpi(t("incentives.sim.cos_a"), a.cost_of_sales, "percent"),
            Kpi(t("incentives.sim.cos_b"), b.cost_of_sales, "percent"),
        ]
    )
    cols = {
        "name": t("incentives.name"),
        "payout_old": names[first],
        "payout_new": names[second],
        "delta": t("incentives.sim.delta"),
    }
    shown = table.select([pl.col(k).alias(v) for k, v in cols.items()])
    config = money_config(shown, list(cols.values())[1:], [])
    table_with_download(shown, "scenario-comparison", "incentives_cmp_table", column_config=config)
