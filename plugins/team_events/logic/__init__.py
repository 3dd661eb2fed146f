"""Pure functions over Polars frames: no Streamlit, no SQL, no I/O."""

from plugins.team_events.logic import attendance, budget, calendar, comms, items, recurrence, review

__all__ = ["attendance", "budget", "calendar", "comms", "items", "recurrence", "review"]
