"""The notebook API: the command center's data, scope and metrics from Jupyter (or any Python).

>>> from command_center.notebook import connect
>>> cc = connect(user="manager")                    # password prompt; or password="…"
>>> cc.metric("revenue", period="2026-10", by="team")
>>> cc.frame("orders")                              # any export kind, scoped, keys beside ids
>>> cc.abc(as_of="2026-06-30", months=12)           # the customers plugin's ``abc``
>>> cc.simulate(plan="plan.yaml", start="2026-01", end="2026-03")  # ``commission simulate``

Everything runs through the code the app and the CLI use: sign-in with
:func:`command_center.org.auth.authenticate` (failures count towards the
lock-out), the viewer's scope from :func:`~command_center.org.auth.viewer_for`,
the metric registry, the export kinds and each plugin's own functions. Nothing
here needs a Jupyter package.

Keys: every frame handed out names people, customers and orders twice, by the
integer id (``person_id``, for joins) and, in the column right after it, by the
external key files and commands speak (``person_key``; see :func:`keys_beside`).
``cc.metric``'s ``node_id`` is the key itself, as the CLI prints it.

Plugins add namespaces (``cc.customers``, ``cc.incentives``, …) through the
``register_notebook`` hook; ``cc.namespaces()`` lists them.

Charts: ``cc.charts`` holds the app's charts as functions returning Altair
charts, built by the SAME builders the pages call (``command_center.charts``
and each plugin's ``charts.py``), with the viewer's scope::

    cc.charts.revenue_trend(period="2026-10", months=12)   # home page's trend
    cc.charts.pareto(as_of="2026-06-30", months=12)        # customers ABC page
    cc.charts.earnings_curve(plan="plan.yaml", start="2026-01", end="2026-03")

A plugin contributes chart functions by putting a ``"charts"`` entry in its
``register_notebook`` answer: a mapping ``{name: function}`` (functions take
keyword arguments and return an Altair chart). ``connect`` merges every
plugin's mapping into ``cc.charts``; first plugin wins a name, a later clash is
reported as that plugin's ``register_notebook`` hook error. ``cc.charts.names()``
lists them.
"""

from __future__ import annotations

import datetime as dt
import getpass
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl
from sqlalchemy import Engine

from command_center import charts as core_charts
from command_center import runtime
from command_center.db import frames
from command_center.db.engine import get_engine
from command_center.i18n import LANGUAGES, language, set_language, t, tn
from command_center.io.errors import UnknownKindError
from command_center.io.runner import export_kind, export_kinds
from command_center.keys import STANDARD_COLUMNS, Kind, pairs_for_ids, with_keys
from command_center.metrics import MetricRegistry, UnknownMetric
from command_center.org.scope import Viewer
from command_center.periods import Period, containing, parse_period
from command_center.plugins import HookResult, PluginHost
from command_center.settings import get_settings

BY = ("team", "person")
METRIC_COLUMNS = ("node_id", "name", "level", "metric", "value", "target", "attainment")
LEVEL_ORDER = ("director", "manager", "supervisor", "rep")
METRIC_SCHEMA: dict[str, pl.DataType] = {
    "node_id": pl.String(),
    "name": pl.String(),
    "level": pl.String(),
    "metric": pl.String(),
    "value": pl.Float64(),
    "target": pl.Float64(),
    "attainment": pl.Float64(),
}


CHARTS_KEY = "charts"


def key_name(column: str) -> str:
    """The key column beside an id column: ``person_id`` -> ``person_key``,
    ``owner_id`` -> ``owner_key``, ``hiring_manager_id`` -> ``hiring_manager_key``."""
    return f"{column.removesuffix('_id')}_key"


def keys_beside(
    engine: Engine, frame: pl.DataFrame, columns: Mapping[str, Kind] = STANDARD_COLUMNS
) -> pl.DataFrame:
    """``frame`` with, right after each integer id column of ``columns`` (name -> kind;
    default ``person_id``, ``manager_id``, ``owner_id``, ``customer_id``, ``order_id``),
    that id's external key under :func:`key_name` (``person_key`` …; null for a null id).

    The ids stay (joins stay integer joins); the keys are what files, commands and
    ``cc.metric``'s ``node_id`` name. A column already holding text (a kind that writes
    its keys itself) or a key column already there is left as it is. Orders' keys are
    looked up for the frame's ids only.
    """
    out = frame
    for name, kind in columns.items():
        target = key_name(name)
        if name not in out.columns or target in out.columns or not out.schema[name].is_integer():
            continue
        pairs = pairs_for_ids(engine, kind, out[name].drop_nulls().unique().to_list())
        mapping = pairs.select(pl.col("id").alias(name), pl.col("key").alias(target))
        order = list(out.columns)
        order.insert(order.index(name) + 1, target)
        out = out.join(mapping, on=name, how="left", maintain_order="left").select(order)
    return out


def file_shaped(
    engine: Engine, frame: pl.DataFrame, columns: Mapping[str, Kind] = STANDARD_COLUMNS
) -> pl.DataFrame:
    """``frame`` as a file holds it: each id column of ``columns`` replaced, in place and
    under the same name, by its key (taken from the key column beside it, which goes)."""
    out = frame
    for name in columns:
        target = key_name(name)
        if name in out.columns and target in out.columns and out.schema[name].is_integer():
            out = out.with_columns(pl.col(target).alias(name)).drop(target)
    return with_keys(engine, out, columns)


class Charts:
    """``cc.charts``: chart functions by name (the core's and the plugins')."""

    def __init__(self, functions: dict[str, Callable[..., Any]]) -> None:
        self._functions = dict(functions)

    def names(self) -> list[str]:
        """Every chart function's name, sorted."""
        return sorted(self._functions)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        functions = self.__dict__.get("_functions", {})
        if name in functions:
            return functions[name]
        known = ", ".join(sorted(functions)) or t("notebook.none")
        raise PluginUnavailable(t("notebook.no_chart", name=name, known=known))

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._functions})

    def __repr__(self) -> str:
        return f"<charts: {', '.join(self.names()) or t('notebook.none')}>"


def period_of(value: str | Period) -> Period:
    """``value`` (``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``) as a period; a translated
    ``ValueError`` naming it otherwise."""
    if isinstance(value, Period):
        return value
    try:
        return parse_period(value)
    except (ValueError, TypeError):
        raise ValueError(t("notebook.bad_period", value=value)) from None


class SignInError(PermissionError):
    """``connect`` refused: wrong login or password, or a locked account."""


class PluginUnavailable(AttributeError):
    """A helper whose plugin is disabled, failed to load, or does not exist."""


def metric_table(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    key: str,
    period: str | Period,
    by: str = "team",
) -> pl.DataFrame:
    """A metric per team or per person of the viewer's scope, as the home page's boards.

    ``by="team"``: one row per leader (director, manager, supervisor) in scope,
    with the figures of their whole team (the registry's roll-up);
    ``by="person"``: one row per rep in scope. Columns :data:`METRIC_COLUMNS`
    (``node_id`` is the person's external key, as files and commands speak);
    ``value``, ``target`` and ``attainment`` are the registry's
    :meth:`~command_center.metrics.MetricRegistry.scorecard`, null where there
    is nothing. Raises ``ValueError`` (bad period or ``by``) or
    :class:`~command_center.metrics.UnknownMetric`. Shared by ``cc.metric``
    and ``command-center metrics``.
    """
    if by not in BY:
        raise ValueError(t("cli.bad_by", by=by, choices=", ".join(BY)))
    chosen = period_of(period)
    card = registry.scorecard(engine, viewer, key, chosen)
    people = frames.people(engine, viewer).select("person_id", "name", "level")
    rows = people.filter((pl.col("level") != "rep") if by == "team" else (pl.col("level") == "rep"))
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    rows = rows.with_columns(pl.col("person_id").alias("_key"))
    rows = with_keys(engine, rows, {"_key": "person"})
    return (
        rows.join(card, left_on="person_id", right_on="node_id", how="left")
        .with_columns(
            pl.col("level").replace_strict(rank, default=len(rank)).alias("_rank"),
            pl.lit(key).alias("metric"),
        )
        .sort("_rank", "person_id")
        .select(
            pl.col("_key").alias("node_id"),
            *[pl.col(c).cast(METRIC_SCHEMA[c]) for c in METRIC_COLUMNS[1:]],
        )
    )


@dataclass
class CommandCenter:
    """A signed-in session: every read is limited to ``viewer``'s scope.

    Build it with :func:`connect`. Plugins' namespaces are attributes
    (``cc.customers``); :meth:`namespaces` lists them.
    """

    engine: Engine
    host: PluginHost
    registry: MetricRegistry
    viewer: Viewer
    lang: str = "en"
    _namespaces: dict[str, object] = field(default_factory=dict, repr=False)
    charts: Charts = field(default_factory=lambda: Charts({}), repr=False)

    def __post_init__(self) -> None:
        plugin_charts: dict[str, Callable[..., Any]] = {}
        self._namespaces = collect_namespaces(self, plugin_charts)
        self.charts = Charts({**plugin_charts, **self._core_charts()})

    def _core_charts(self) -> dict[str, Callable[..., Any]]:
        def revenue_trend(period: str | None = None, months: int = core_charts.TREND_MONTHS) -> Any:
            """Revenue against target per month up to ``period``'s end (home page's trend).

            ``period`` is ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` (default: this month).
            """
            chosen = period_of(period) if period else containing(dt.date.today(), "month")
            data = core_charts.revenue_trend_data(
                self.engine, self.registry, self.viewer, chosen.end, months
            )
            return core_charts.revenue_trend(data)

        return {"revenue_trend": revenue_trend}

    # -- the core's helpers ----------------------------------------------------
    def metric(self, key: str, period: str, by: str = "team") -> pl.DataFrame:
        """``node_id, name, level, metric, value, target, attainment`` (see :func:`metric_table`).

        ``period`` is ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``; ``by`` is ``team`` or ``person``.
        """
        if key not in self.registry:
            known = ", ".join(self.metric_keys())
            raise UnknownMetric(t("cli.unknown_metric", key=key, known=known))
        return metric_table(self.engine, self.registry, self.viewer, key, period, by)

    def metric_keys(self) -> list[str]:
        """The keys of every metric in the registry (core and enabled plugins)."""
        return sorted(self.registry.keys())

    def frame(self, kind: str) -> pl.DataFrame:
        """The rows of export ``kind`` the viewer may see, in the export's columns.

        The same reader as ``command-center export KIND FILE``, with the integer ids
        and each one's key right after it (``person_id, person_key``; see
        :func:`keys_beside`); :meth:`with_keys` gives the file's own shape.
        :meth:`kinds` lists the kinds. Raises ``ValueError`` for an unknown kind.
        """
        try:
            spec = export_kind(self.host, kind)
        except UnknownKindError as exc:
            known = ", ".join(exc.known) or t("notebook.none")
            raise ValueError(t("notebook.unknown_kind", kind=kind, known=known)) from None
        return self.keyed(spec.read(self.engine, self.viewer))

    def keyed(self, frame: pl.DataFrame, columns: Mapping[str, Kind] | None = None) -> pl.DataFrame:
        """``frame`` with the key beside each id (:func:`keys_beside`): ``person_id`` gets
        ``person_key`` … (``columns``: other id columns too, e.g. ``{"referrer_id":
        "person"}``). What every frame of this API and the plugins' helpers goes through."""
        chosen = STANDARD_COLUMNS if columns is None else {**STANDARD_COLUMNS, **columns}
        return keys_beside(self.engine, frame, chosen)

    def with_keys(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` as the export file holds it: its ``person_id``, ``manager_id``,
        ``owner_id``, ``customer_id`` and ``order_id`` columns as the external keys
        (``E-2031``, ``CUST-000123``), the key columns beside them dropped. Frames keep
        the integer ids for joining and the keys beside them for reading; this is for
        comparing with a file or the command line's output."""
        return file_shaped(self.engine, frame, STANDARD_COLUMNS)

    def kinds(self) -> list[str]:
        """Every exportable kind (core and enabled plugins)."""
        return sorted(export_kinds(self.host))

    # -- forwards to plugins' namespaces -----------------------------------------
    def abc(
        self,
        as_of: Any = None,
        months: int | None = None,
        cutoffs: Any = None,
    ) -> pl.DataFrame:
        """``customer_id, revenue, share, cumulative_share, grade``: ``cc.customers.abc``."""
        return self._forward("customers", "abc")(as_of=as_of, months=months, cutoffs=cutoffs)

    def simulate(self, plan: Any, start: Any, end: Any) -> pl.DataFrame:
        """The columns of ``commission simulate``: ``cc.incentives.simulate``."""
        return self._forward("incentives", "simulate")(plan=plan, start=start, end=end)

    def whatif(self, plan: Any, start: Any = None, end: Any = None) -> Any:
        """The simulator's what-if as a widget: ``cc.incentives.whatif`` (needs ipywidgets)."""
        return self._forward("incentives", "whatif")(plan=plan, start=start, end=end)

    def _forward(self, namespace: str, name: str) -> Callable[..., pl.DataFrame]:
        helper = self._namespaces.get(namespace)
        if helper is None or not hasattr(helper, name):
            why = _why_missing(self.host, namespace)
            raise PluginUnavailable(
                t("notebook.needs_plugin", name=name, namespace=namespace, why=why)
            )
        return getattr(helper, name)

    # -- namespaces ---------------------------------------------------------------
    def namespaces(self) -> list[str]:
        """The names plugins added (``cc.NAME``), sorted."""
        return sorted(self._namespaces)

    def __getattr__(self, name: str) -> object:
        # Only called when normal lookup fails: plugin namespaces live here.
        if name.startswith("_"):
            raise AttributeError(name)
        namespaces = self.__dict__.get("_namespaces", {})
        if name in namespaces:
            return namespaces[name]
        host = self.__dict__.get("host")
        why = _why_missing(host, name) if host is not None else t("notebook.why_not_loaded")
        known = ", ".join(sorted(namespaces)) or t("notebook.none")
        raise PluginUnavailable(t("notebook.no_namespace", name=name, why=why, known=known))

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._namespaces})

    def __repr__(self) -> str:
        ids = self.viewer.person_ids
        with language(self.lang):
            scope = t("notebook.everyone") if ids is None else tn("notebook.people", len(ids))
            names = ", ".join(self.namespaces()) or t("notebook.none")
        url = self.engine.url.render_as_string(hide_password=True)
        return (
            f"<CommandCenter {self.viewer.login} ({self.viewer.role}) · {scope} · {url} · "
            f"namespaces: {names}>"
        )


def _why_missing(host: PluginHost, name: str) -> str:
    info = host.infos.get(name)
    if info is None:
        return t("notebook.why_not_installed")
    if info.error:
        return t("notebook.why_failed", error=info.error)
    if not host.enabled(name):
        return t("notebook.why_disabled")
    error = info.hook_errors.get("register_notebook")
    if error:
        return t("notebook.why_hook_failed", error=error)
    return t("notebook.why_no_helper")


def _reserved(name: str) -> bool:
    return hasattr(CommandCenter, name) or name in {f.name for f in fields(CommandCenter)}


def _conventional(cc: CommandCenter) -> list[HookResult]:
    """``notebook.helpers(cc)`` of plugin packages that have no ``register_notebook``.

    The one layout (docs/plugin-guide.md) puts a plugin's helpers in its
    package's ``notebook.py``; a plugin that forwards the hook is called
    through the hook, the others by this convention. A failure is recorded
    as the plugin's ``register_notebook`` hook error.
    """
    hooked = {impl.plugin_name for impl in cc.host.implementations("register_notebook")}
    found: list[HookResult] = []
    for name, module, folder in cc.host.packages():
        if name in hooked or not cc.host.enabled(name) or not (folder / "notebook.py").exists():
            continue
        try:
            helpers = importlib.import_module(f"{module.__name__}.notebook").helpers
            found.append(HookResult(name, helpers(cc)))
        except Exception as exc:
            cc.host.infos[name].hook_errors["register_notebook"] = f"{type(exc).__name__}: {exc}"
    return found


def collect_namespaces(
    cc: CommandCenter, charts: dict[str, Callable[..., Any]] | None = None
) -> dict[str, object]:
    """Every plugin's ``register_notebook`` answer, first plugin wins a name.

    A name that is taken (by another plugin or by the API itself) is reported
    against the later plugin, like duplicate export kinds. The ``"charts"``
    entry of an answer is a mapping of chart functions, merged into ``charts``
    (first plugin wins a chart name; a clash is reported the same way).
    """
    found: dict[str, object] = {}
    owners: dict[str, str] = {}
    chart_owners: dict[str, str] = {}
    reserved_charts = set(cc._core_charts()) if charts is not None else set()
    for result in [*cc.host.call("register_notebook", cc=cc), *_conventional(cc)]:
        answer = dict(result.value)
        for chart_name, function in dict(answer.pop(CHARTS_KEY, None) or {}).items():
            clash = chart_owners.get(chart_name) or (
                t("notebook.the_api") if chart_name in reserved_charts else None
            )
            if clash or not callable(function) or not chart_name.isidentifier():
                cc.host.infos[result.plugin].hook_errors["register_notebook"] = (
                    t("notebook.chart_taken", name=chart_name, owner=clash)
                    if clash
                    else t("notebook.chart_not_public", name=chart_name)
                )
                continue
            if charts is not None:
                charts[chart_name] = function
                chart_owners[chart_name] = result.plugin
        for name, helper in answer.items():
            clash = owners.get(name) or (t("notebook.the_api") if _reserved(name) else None)
            if clash or not name.isidentifier() or name.startswith("_"):
                cc.host.infos[result.plugin].hook_errors["register_notebook"] = (
                    t("notebook.namespace_taken", name=name, owner=clash)
                    if clash
                    else t("notebook.namespace_not_public", name=name)
                )
                continue
            found[name] = helper
            owners[name] = result.plugin
    return found


def connect(
    user: str, password: str | None = None, url: str | None = None, lang: str | None = None
) -> CommandCenter:
    """Sign in as ``user`` and return the session (:class:`CommandCenter`).

    ``password`` is prompted for when omitted (``getpass``). The database is
    ``url``, else ``COMMAND_CENTER_DB_URL``, else the default SQLite file, as
    for ``make run``. A wrong password counts towards the account's lock-out,
    as in the app, and raises :class:`SignInError`.

    ``lang`` (``en``, ``zh_CN`` or ``zh_TW``; default ``COMMAND_CENTER_LANG``, as for the
    CLI) is the language of messages, errors and chart labels from here on.
    """
    from command_center.org.auth import AuthError, authenticate, viewer_for

    chosen = lang or get_settings().language
    if chosen not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise ValueError(t("notebook.bad_language", lang=chosen, known=known))
    set_language(chosen)
    engine = get_engine(url or get_settings().db_url)
    host = runtime.host()
    registry = runtime.registry()
    if password is None:
        password = getpass.getpass(t("cli.password_for", login=user))
    try:
        signed_in = authenticate(engine, user, password)
    except AuthError as exc:
        raise SignInError(t(exc.code, **exc.params)) from None
    return CommandCenter(engine, host, registry, viewer_for(engine, signed_in), chosen)


__all__ = [
    "BY",
    "CHARTS_KEY",
    "METRIC_COLUMNS",
    "Charts",
    "CommandCenter",
    "PluginUnavailable",
    "SignInError",
    "connect",
    "file_shaped",
    "key_name",
    "keys_beside",
    "metric_table",
]
