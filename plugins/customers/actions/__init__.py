"""Writes of the customers plugin: one ``write_session`` per user action, audited.

Every function refuses an illegal move with :class:`ActionRefused` (a
translation key and its parameters) before anything is written.
"""

from plugins.customers.actions.common import ActionRefused, DuplicateFound

__all__ = ["ActionRefused", "DuplicateFound"]
