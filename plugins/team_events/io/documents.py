"""The review pack and the weekly digest as documents: HTML (printable), Markdown, XLSX.

Shared by the pages (downloads) and the CLI. Every label goes through
``t()``; numbers through the i18n formatters, so a document is in the
language that was active when it was made.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any

import polars as pl
import xlsxwriter

from command_center.i18n import date, fmt_value, money, number, percent, t
from plugins.team_events.logic.comms import Digest
from plugins.team_events.logic.sections import BUILTIN_KEYS, Block, PackSection, section_failed
from plugins.team_events.queries.pack import Pack

CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:60rem;color:#222}
h1{color:#ff6a00;margin-bottom:0}h2{border-bottom:2px solid #ff6a00;padding-bottom:.2rem;
margin-top:2rem}p.meta{color:#666}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left}td.n{text-align:right}
th{background:#fff4ec}.good{color:#2ca02c}.bad{color:#d62728}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table{page-break-inside:avoid}}
"""


def _change(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("percent", "ratio"):
        return t("ui.points", value=f"{value * 100:+.1f}")
    return f"{value:+.1%}"


def results_frame(pack: Pack) -> pl.DataFrame:
    """Results vs target with translated headers and formatted values."""
    rows = [
        {
            t("team_events.pack.metric"): t(r["label"]),
            t("team_events.pack.value"): fmt_value(r["value"], r["unit"]),
            t("team_events.pack.target"): fmt_value(r["target"], r["unit"]),
            t("team_events.pack.attainment"): percent(r["attainment"]),
            t("team_events.pack.previous"): fmt_value(r["previous"], r["unit"]),
            t("team_events.pack.change"): _change(r["change"], r["unit"]),
        }
        for r in pack.results.iter_rows(named=True)
        if r["value"] is not None or r["target"] is not None
    ]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def members_frame(pack: Pack) -> pl.DataFrame:
    rows = [
        {
            t("team_events.pack.name"): r["name"],
            t("team_events.pack.level"): t(f"level.{r['level']}"),
            t("metric.revenue"): money(r["revenue"]),
            t("team_events.pack.target"): money(r["target"]),
            t("team_events.pack.attainment"): percent(r["attainment"]),
            t("team_events.pack.previous"): money(r["previous"]),
            t("metric.growth"): percent(r["growth"]),
        }
        for r in pack.members.iter_rows(named=True)
    ]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def movers_frame(frame: pl.DataFrame) -> pl.DataFrame:
    rows = [
        {
            t("team_events.pack.name"): r["name"],
            t("team_events.pack.this_month"): money(r["current"]),
            t("team_events.pack.last_month"): money(r["previous"]),
            t("team_events.pack.change"): money(r["change"]),
            t("team_events.pack.change_rel"): percent(r["change_rel"]),
        }
        for r in frame.iter_rows(named=True)
    ]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def _honour_value(metric: str | None, value: float | None, units: dict[str, str]) -> str:
    """A computed honour's figure in its metric's unit; a published one (unit unknown)
    as a plain number, with decimals when it is small (a ratio or a score)."""
    if value is None:
        return "—"
    if metric:
        return fmt_value(value, units.get(metric, "count"))
    return number(value, 2 if abs(value) < 10 else 0)


def honours_frame(pack: Pack) -> pl.DataFrame:
    units = dict(pack.results.select("key", "unit").iter_rows())
    rows = [
        {
            t("team_events.pack.honour"): t(r["title_key"]),
            t("team_events.pack.name"): r["name"],
            t("team_events.pack.figure"): _honour_value(r["metric"], r["value"], units),
        }
        for r in pack.honours.iter_rows(named=True)
    ]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def next_targets_frame(pack: Pack) -> pl.DataFrame:
    rows = [
        {
            t("team_events.pack.metric"): t(r["label"]),
            t("team_events.pack.team_target"): fmt_value(r["target"], r["unit"]),
            t("team_events.pack.people_with_target"): number(r["people"]),
        }
        for r in pack.next_targets.iter_rows(named=True)
    ]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def person_targets_frame(pack: Pack) -> pl.DataFrame:
    """One row per person, one column per metric (raw numbers, for sorting and XLSX)."""
    rows = pack.next_person_targets
    if rows.is_empty():
        return pl.DataFrame()
    labels = dict(pack.next_targets.select("metric", "label").iter_rows())
    order = pack.next_targets["metric"].to_list()
    wide = rows.pivot(on="metric", index=["person_id", "name"], values="target").sort("person_id")
    metrics = [m for m in order if m in wide.columns]
    renamed = {m: t(labels.get(m, m)) for m in metrics}
    return wide.select("name", *metrics).rename({"name": t("team_events.pack.name"), **renamed})


def meetings_lines(pack: Pack) -> list[str]:
    m = pack.meetings
    return [
        t("team_events.pack.meetings_held", count=m.get("held", 0)),
        t("team_events.pack.meetings_attendance", rate=percent(m.get("attendance"))),
        t(
            "team_events.pack.meetings_actions",
            raised=m.get("raised", 0),
            closed=m.get("closed", 0),
            overdue=m.get("overdue", 0),
        ),
    ]


def _honours_blocks(pack: Pack, data: Any) -> list[Block]:
    note = {
        "published": t("team_events.pack.honours_published"),
        "computed": t("team_events.pack.honours_computed"),
        "none": t("team_events.pack.honours_none"),
    }[pack.honours_source]
    return [note, honours_frame(pack)]


def _results_sheet(pack: Pack, data: Any) -> pl.DataFrame:
    return pack.results.select(
        pl.col("label").map_elements(t, return_dtype=pl.String).alias(t("team_events.pack.metric")),
        pl.col("value").alias(t("team_events.pack.value")),
        pl.col("target").alias(t("team_events.pack.target")),
        pl.col("attainment").alias(t("team_events.pack.attainment")),
        pl.col("previous").alias(t("team_events.pack.previous")),
        pl.col("change").alias(t("team_events.pack.change")),
    )


def _honours_sheet(pack: Pack, data: Any) -> pl.DataFrame:
    return pack.honours.select(
        pl.col("title_key")
        .map_elements(t, return_dtype=pl.String)
        .alias(t("team_events.pack.honour")),
        pl.col("name").alias(t("team_events.pack.name")),
        pl.col("value").alias(t("team_events.pack.figure")),
    )


BUILTIN_SECTIONS: tuple[PackSection, ...] = (
    PackSection(
        "results", "team_events.pack.results", lambda p, _: [results_frame(p)], sheet=_results_sheet
    ),
    PackSection(
        "members",
        "team_events.pack.members",
        lambda p, _: [members_frame(p)],
        sheet=lambda p, _: p.members.drop("person_id"),
    ),
    PackSection(
        "top_movers",
        "team_events.pack.top_movers",
        lambda p, _: [movers_frame(p.top_movers)],
        sheet=lambda p, _: p.top_movers.drop("person_id"),
    ),
    PackSection(
        "bottom_movers",
        "team_events.pack.bottom_movers",
        lambda p, _: [movers_frame(p.bottom_movers)],
        sheet=lambda p, _: p.bottom_movers.drop("person_id"),
    ),
    PackSection("honours", "team_events.pack.honours", _honours_blocks, sheet=_honours_sheet),
    PackSection(
        "next_targets",
        lambda p: t("team_events.pack.next_targets", month=p.next_month),
        lambda p, _: [next_targets_frame(p), person_targets_frame(p)],
        sheet=lambda p, _: person_targets_frame(p),
        sheet_title="team_events.pack.next_targets_sheet",
    ),
    PackSection("meetings", "team_events.pack.meetings", lambda p, _: meetings_lines(p)),
)
"""The built-in sections, in the order of the meeting (the plugins' follow)."""
assert tuple(section.key for section in BUILTIN_SECTIONS) == BUILTIN_KEYS


def _title(pack: Pack, title: str | Callable[[Pack], str]) -> str:
    if callable(title):
        return title(pack)
    return t(title, month=pack.month, next_month=pack.next_month, team=pack.team_name)


def section_blocks(pack: Pack, builtins: bool = True) -> list[tuple[PackSection, str, list[Block]]]:
    """Each section of ``pack`` (the built-ins unless ``builtins=False``, then the
    plugins'): the section, its heading and its blocks. A plugin's section whose
    content fails is left out (recorded against its plugin)."""
    chosen = [*((s, None) for s in BUILTIN_SECTIONS if builtins), *pack.sections]
    found = []
    for section, data in chosen:
        try:
            blocks = list(section.content(pack, data))
        except Exception as exc:
            if section.plugin == "team_events":
                raise
            section_failed(section, "content", exc)
            continue
        found.append((section, _title(pack, section.title), blocks))
    return found


def _sections(pack: Pack) -> list[tuple[str, pl.DataFrame | list[str]]]:
    """Headings and contents for the HTML and Markdown documents: consecutive
    paragraphs in one list, a heading only on a section's first part."""
    parts: list[tuple[str, pl.DataFrame | list[str]]] = []
    for _, heading, blocks in section_blocks(pack):
        first = len(parts)
        for block in blocks:
            if isinstance(block, str):
                if len(parts) > first and isinstance(parts[-1][1], list):
                    parts[-1][1].append(block)
                    continue
                parts.append(("", [block]))
            else:
                parts.append(("", block))
        if len(parts) > first:
            parts[first] = (heading, parts[first][1])
        else:
            parts.append((heading, []))
    return parts


def title(pack: Pack) -> str:
    return t("team_events.pack.doc_title", team=pack.team_name, month=pack.month)


def subtitle(pack: Pack) -> str:
    return t(
        "team_events.pack.doc_meta",
        count=pack.headcount,
        date=date(pack.generated_on),
    )


def _html_table(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return f"<p>{html.escape(t('team_events.pack.nothing'))}</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.iter_rows():
        cells = []
        for value in row:
            numeric = isinstance(value, int | float)
            shown = number(value, 0) if numeric else ("—" if value is None else str(value))
            css = ' class="n"' if numeric else ""
            cells.append(f"<td{css}>{html.escape(shown)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def pack_html(pack: Pack) -> str:
    """A self-contained, printable HTML document."""
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{html.escape(title(pack))}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title(pack))}</h1>",
        f'<p class="meta">{html.escape(subtitle(pack))}</p>',
    ]
    for heading, content in _sections(pack):
        if heading:
            parts.append(f"<h2>{html.escape(heading)}</h2>")
        if isinstance(content, list):
            parts.extend(f"<p>{html.escape(line)}</p>" for line in content)
        else:
            parts.append(_html_table(content))
    parts.append("</body></html>")
    return "\n".join(parts)


def md(text: object) -> str:
    """User text made inert in Markdown: no raw HTML (``< > &`` escaped), no link or
    image syntax (``[ ]`` escaped), no table break (``|``), one line."""
    escaped = html.escape(str(text), quote=False)
    for char in ("[", "]", "|"):
        escaped = escaped.replace(char, "\\" + char)
    return " ".join(escaped.splitlines())


def _md_table(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return t("team_events.pack.nothing")

    def cell(value: object) -> str:
        if isinstance(value, int | float):
            return number(value, 0)
        return "—" if value is None else md(value)

    lines = [
        "| " + " | ".join(cell(c) for c in frame.columns) + " |",
        "|" + "---|" * len(frame.columns),
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines)


def pack_markdown(pack: Pack) -> str:
    parts = [f"# {md(title(pack))}", "", f"_{md(subtitle(pack))}_", ""]
    for heading, content in _sections(pack):
        if heading:
            parts += [f"## {md(heading)}", ""]
        if isinstance(content, list):
            parts += [*map(md, content), ""]
        else:
            parts += [_md_table(content), ""]
    return "\n".join(parts)


def pack_xlsx(pack: Pack) -> bytes:
    """One sheet per section; figures as numbers where they are numbers."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheets: list[tuple[str, pl.DataFrame]] = []
    for section, data in [*((s, None) for s in BUILTIN_SECTIONS), *pack.sections]:
        try:
            if section.sheet is not None:
                frame: pl.DataFrame | None = section.sheet(pack, data)
            else:
                blocks = section.content(pack, data)
                frame = next((b for b in blocks if isinstance(b, pl.DataFrame)), None)
        except Exception as exc:
            if section.plugin == "team_events":
                raise
            section_failed(section, "sheet", exc)
            continue
        if frame is not None:
            sheets.append((_title(pack, section.sheet_title or section.title), frame))
    used: set[str] = set()
    for name, frame in sheets:
        sheet = _sheet_name(name, used)
        if frame.is_empty() and not frame.columns:
            book.add_worksheet(sheet).write(0, 0, t("team_events.pack.nothing"))
            continue
        frame.write_excel(workbook=book, worksheet=sheet, autofit=True)
    book.close()
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\ , unique."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[:28]}~{n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def digest_markdown(digest: Digest, team_name: str) -> str:
    """The weekly digest as Markdown (to paste into a chat group or e-mail)."""
    lines = [
        "# "
        + t(
            "team_events.digest.doc_title",
            team=md(team_name),
            start=date(digest.week_start),
            end=date(digest.week_end),
        ),
        "",
        "## " + t("team_events.digest.sales"),
        t(
            "team_events.digest.sales_line",
            revenue=money(digest.revenue),
            lines=number(digest.order_lines),
            previous=money(digest.previous_revenue),
        ),
    ]
    lines += [
        f"- {md(r['name'])}: {money(r['revenue'])}"
        for r in digest.top_sellers.iter_rows(named=True)
    ]
    lines += [
        "",
        "## " + t("team_events.digest.meetings"),
        t(
            "team_events.digest.meetings_line",
            count=digest.meetings.height,
            rate=percent(digest.attendance_rate),
        ),
    ]
    lines += [
        f"- {date(r['event_date'])} {md(r['start_time'])} {md(r['title'])}"
        for r in digest.meetings.iter_rows(named=True)
    ]
    lines += [
        "",
        "## " + t("team_events.digest.actions"),
        t(
            "team_events.digest.actions_line",
            raised=digest.actions_raised,
            closed=digest.actions_closed,
            overdue=digest.overdue.height,
        ),
    ]
    lines += [
        "- "
        + t(
            "team_events.digest.overdue_line",
            title=md(r["title"]),
            owner=md(r.get("owner", "")),
            days=r["days_overdue"],
        )
        for r in digest.overdue.head(10).iter_rows(named=True)
    ]
    lines += ["", "## " + t("team_events.digest.announcements")]
    lines += [
        f"- {md(r['title'])} ({t('team_events.digest.read_rate', rate=percent(r['read_rate']))})"
        for r in digest.announcements.iter_rows(named=True)
    ] or [t("team_events.pack.nothing")]
    lines += ["", "## " + t("team_events.digest.upcoming")]
    lines += [
        f"- {date(r['event_date'])} {md(r['start_time'])} {md(r['title'])}"
        for r in digest.upcoming.iter_rows(named=True)
    ] or [t("team_events.pack.nothing")]
    lines += ["", t("team_events.digest.spend_line", amount=money(digest.spend))]
    return "\n".join(lines) + "\n"
