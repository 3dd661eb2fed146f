"""Import and export: all-or-nothing imports, scoped exports, CSV and XLSX.

- :func:`run_import` checks a whole file (columns in Polars, then the kind's
  ``check``) and writes it in one transaction, or raises :class:`ImportFailed`
  listing every ``FILE:ROW: column: reason`` and writes nothing.
- :func:`run_export` writes what a :class:`~command_center.org.scope.Viewer`
  may see, in the kind's column order.
- Plugin authors build an :class:`~command_center.types.ImportKind` from
  :class:`~command_center.types.Column` specs and write with :func:`upsert`.
"""

from __future__ import annotations

from command_center.io.core_kinds import CORE_EXPORTS, CORE_IMPORTS
from command_center.io.errors import MAX_ERRORS, ImportFailed, UnknownKindError
from command_center.io.files import (
    csv_safe,
    csv_text,
    printable,
    read_table_file,
    write_csv,
    write_table_file,
)
from command_center.io.runner import (
    ImportReport,
    export_file,
    export_kinds,
    import_file,
    import_kinds,
    run_export,
    run_import,
)
from command_center.io.upsert import upsert
from command_center.io.validate import ROW, check_header, validate_frame

__all__ = [
    "CORE_EXPORTS",
    "CORE_IMPORTS",
    "MAX_ERRORS",
    "ROW",
    "ImportFailed",
    "ImportReport",
    "UnknownKindError",
    "check_header",
    "csv_safe",
    "csv_text",
    "export_file",
    "export_kinds",
    "import_file",
    "import_kinds",
    "printable",
    "read_table_file",
    "run_export",
    "run_import",
    "upsert",
    "validate_frame",
    "write_csv",
    "write_table_file",
]
