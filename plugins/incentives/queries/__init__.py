"""Reads of the incentives plugin: SQL -> Polars frames.

Every read of a person's rows takes the :class:`command_center.org.scope.Viewer`
and filters by its scope in SQL. Plans, settlement versions and scenarios
hold no person's rows; the engine's input (:mod:`.figures`) covers the whole
force (pools and team figures need everyone) and every result a person sees
is cut to the viewer's scope afterwards (:mod:`.simulation`).
"""
