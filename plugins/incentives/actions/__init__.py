"""Writes of the incentives plugin: one ``write_session`` per user action, role-checked, audited.

Every function refuses an illegal move with
:class:`plugins.incentives.errors.IncentivesError` before anything is
written. Plans get a new version (never an edit in place); a settlement is
computed as a new draft version, locked, or unlocked (kept as history; a
recompute makes the next version). Locked rows are never updated or deleted.
"""
