"""What appraisal exports: ``appraisal_results``, closed cycles' results scoped to the viewer."""

from __future__ import annotations

from command_center.types import ExportKind
from plugins.appraisal.queries import read_results

EXPORTS: list[ExportKind] = [
    ExportKind("appraisal_results", read_results, "appraisal.export.results")
]
