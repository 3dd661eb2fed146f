"""Files in and out: the plugin's export kinds (it has no import kinds).

``payouts``: every line of every locked statement in the viewer's scope
(:func:`plugins.incentives.queries.payouts.payouts`). One statement as a
file (CSV, XLSX, printable HTML) is built by :mod:`.statement_files`.
"""

from __future__ import annotations

from command_center import ExportKind, ImportKind
from plugins.incentives.queries.payouts import payouts

IMPORTS: list[ImportKind] = []
EXPORTS: list[ExportKind] = [ExportKind("payouts", payouts, "incentives.export.payouts")]
