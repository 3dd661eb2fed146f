"""Data: the product catalogue with today's prices, import files (all or nothing, with
progress) and export within scope."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from command_center.context import PageContext
from command_center.db import catalog
from command_center.i18n import has, labels_now, t
from command_center.io import (
    ImportFailed,
    export_kinds,
    run_export,
    run_import,
)
from command_center.io.runner import importable_kinds
from command_center.types import ExportKind, ImportKind
from command_center.ui.widgets import data_table, money_column


def render(ctx: PageContext) -> None:
    st.title(t("data.title"))
    if catalog.reads_catalogue(ctx.viewer):
        _products(ctx)
    specs = importable_kinds(ctx.host, ctx.viewer)  # the runner's policy: role, then scope
    if specs:
        _import(ctx, specs)
    _export(ctx)


def _products(ctx: PageContext) -> None:
    """The catalogue with each product's price today (valid price list, else list price)."""
    today = dt.date.today()
    st.subheader(t("data.products"))
    table = catalog.priced_products(ctx.engine, ctx.viewer, today)
    if table.is_empty():
        st.caption(t("data.no_products"))
        return
    st.caption(t("data.products_caption", day=today.isoformat()))
    data_table(
        table,
        {
            "product_id": t("data.product_id"),
            "name": t("data.product_name"),
            "category": t("data.category"),
            "list_price": money_column(t("data.list_price")),
            "price": money_column(t("data.price_today")),
            "price_list": t("data.price_list"),
            "active": st.column_config.CheckboxColumn(t("data.active")),
        },
        key="data_products",
    )


def _labeller(kinds: dict[str, ImportKind] | dict[str, ExportKind]) -> Callable[[str], str]:
    """ "People (people)": the core's ``kind.<kind>`` message, else the kind's own label key."""

    def label(kind: str) -> str:
        for key in (f"kind.{kind}", kinds[kind].label):
            if key and has(key):
                return f"{t(key)} ({kind})"
        return kind

    return labels_now(list(kinds), label)


def _import(ctx: PageContext, specs: dict[str, ImportKind]) -> None:
    st.subheader(t("data.import"))
    kind = st.selectbox(
        t("data.kind"), sorted(specs), format_func=_labeller(specs), key="import_kind"
    )
    upload = st.file_uploader(t("data.file"), type=["csv", "xlsx"], key="import_file")
    dry_run = st.checkbox(t("data.dry_run"), value=False, key="import_dry")
    if (
        not st.button(
            t("data.run_import"), type="primary", disabled=upload is None, key="import_go"
        )
        or upload is None
    ):
        return
    bar = st.progress(0.0, text=t("data.reading"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            report = run_import(
                ctx.engine,
                ctx.host,
                kind,
                path,
                dry_run=dry_run,
                actor=ctx.actor,
                progress=lambda fraction, message: bar.progress(min(1.0, fraction), text=message),
            )
        except ImportFailed as exc:
            bar.empty()
            st.error(t("data.import_failed", count=exc.total))
            st.code("\n".join(line.replace(str(path), upload.name) for line in exc.errors))
            return
        except (KeyError, ValueError, OSError) as exc:
            bar.empty()
            st.error(str(exc))
            return
    bar.progress(1.0, text=t("data.done"))
    key = "data.checked" if dry_run else "data.imported"
    st.success(t(key, rows=report.rows, inserted=report.inserted, updated=report.updated))


def _export(ctx: PageContext) -> None:
    st.subheader(t("data.export"))
    st.caption(t("data.export_scope"))
    specs = export_kinds(ctx.host)
    kind = st.selectbox(
        t("data.kind"), sorted(specs), format_func=_labeller(specs), key="export_kind"
    )
    fmt = st.radio(t("data.format"), ["csv", "xlsx"], horizontal=True, key="export_fmt")
    if not st.button(t("data.prepare"), key="export_go"):
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{kind}.{fmt}"
        rows = run_export(ctx.engine, ctx.host, kind, path, ctx.viewer)
        payload = path.read_bytes()
    st.success(t("data.exported", rows=rows))
    st.download_button(t("data.download"), payload, file_name=path.name, key="export_dl")
