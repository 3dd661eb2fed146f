"""Writes of the customers plugin: one ``write_session`` per user action, audited.

Every function refuses an illegal move with
:class:`plugins.customers.errors.ActionRefused` (a translation key and its
parameters) before anything is written.
"""
