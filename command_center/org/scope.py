"""Who is looking, and which people's rows they may see.

Scope is applied in the data layer: every analytic read takes a
:class:`Viewer` and filters by :attr:`Viewer.person_ids`, so no page, export
or command can show a row outside it.

- director: everyone;
- manager and supervisor: their subtree (themselves and everyone below);
- rep: themselves;
- admin: users and plugins, no business rows;
- the operator (CLI without ``--user``): everyone, as the machine's owner.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from command_center.db.engine import read_session
from command_center.db.models import Person
from command_center.org.tree import children_map, subtree


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the data layer sees them."""

    login: str
    role: str
    person_id: int | None
    person_ids: frozenset[int] | None  # None = everyone

    @property
    def sees_all(self) -> bool:
        return self.person_ids is None

    def can_see(self, person_id: int | None) -> bool:
        return self.person_ids is None or (person_id is not None and person_id in self.person_ids)

    def filter(self, frame: pl.DataFrame, column: str = "person_id") -> pl.DataFrame:
        """Keep only the rows whose ``column`` is a person in scope."""
        if self.person_ids is None:
            return frame
        return frame.filter(pl.col(column).is_in(sorted(self.person_ids)))

    def narrow(self, person_ids: frozenset[int]) -> Viewer:
        """The same viewer looking at ``person_ids`` only, never beyond their scope."""
        allowed = person_ids if self.person_ids is None else person_ids & self.person_ids
        return Viewer(self.login, self.role, self.person_id, frozenset(allowed))


OPERATOR = Viewer("operator", "director", None, None)


def people_edges(engine: Engine) -> dict[int, int | None]:
    with read_session(engine) as session:
        rows = session.execute(select(Person.person_id, Person.manager_id)).all()
        return {pid: mid for pid, mid in rows}


def scope_for(
    role: str, person_id: int | None, edges: dict[int, int | None]
) -> frozenset[int] | None:
    """The person ids a ``role`` linked to ``person_id`` may see."""
    if role == "director":
        return None
    if role == "admin" or person_id is None:
        return frozenset()
    if role == "rep":
        return frozenset({person_id})
    return frozenset(subtree(person_id, children_map(edges.items())))


def team_viewer(viewer: Viewer, root: int | None, edges: dict[int, int | None]) -> Viewer:
    """``viewer`` narrowed to ``root``'s subtree (the sidebar's team filter)."""
    if root is None:
        return viewer
    return viewer.narrow(frozenset(subtree(root, children_map(edges.items()))))
