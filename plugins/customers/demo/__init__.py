"""The customers plugin's demo data: ``seed(ctx)`` (history in :mod:`.history`, word lists in
:mod:`.words`)."""

from __future__ import annotations

from plugins.customers.demo.history import seed

__all__ = ["seed"]
