"""Writes: one ``write_session`` per user action, audited, refusing illegal moves
with a :class:`~plugins.recruiting.errors.RecruitingError`."""
