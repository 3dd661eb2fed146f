"""The pipeline's demo data: ``seed(ctx)`` (deals, contracts, execution and after-sales in
:mod:`.deals`, the texts reps would type in :mod:`.words`)."""

from __future__ import annotations

from plugins.pipeline.demo.deals import seed

__all__ = ["seed"]
