"""Reads of the customers plugin: SQL -> Polars frames, scoped by a Viewer.

Unscoped helpers (named ``all_*``) exist only to compute derived figures
(company grades, cadence, metrics); what a page, export or command shows
always goes through a function that takes the :class:`Viewer`.
"""
