"""The demo's teams: every supervisor's and every manager's subtree (people still with us)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Team:
    """A leader and the people in their subtree who have not left (leader first)."""

    leader: int
    name: str
    region: str
    members: np.ndarray  # person ids, leader first
    reps: np.ndarray  # the reps among them (sorted)
    supervisors: np.ndarray  # the supervisors among them (a manager's team)
    on_leave: frozenset[int]


def build_teams(people: pl.DataFrame) -> tuple[list[Team], list[Team]]:
    """``(supervisor teams, manager teams)``, each sorted by leader id."""
    here = people.filter(pl.col("status") != "left")
    leave = frozenset(here.filter(pl.col("status") == "leave")["person_id"].to_list())
    reps = here.filter(pl.col("level") == "rep")
    sups = here.filter(pl.col("level") == "supervisor").sort("person_id")
    mgrs = here.filter(pl.col("level") == "manager").sort("person_id")
    reps_of = {
        int(k[0]): np.sort(g["person_id"].to_numpy())
        for k, g in reps.group_by("manager_id")
        if k[0] is not None
    }
    empty = np.array([], dtype=np.int64)
    sup_teams = []
    for pid, name, region in sups.select("person_id", "name", "region").iter_rows():
        own = reps_of.get(pid, empty)
        sup_teams.append(
            Team(
                pid, name, region, np.concatenate([[pid], own]).astype(np.int64), own, empty, leave
            )
        )
    sups_of = {
        int(k[0]): np.sort(g["person_id"].to_numpy())
        for k, g in sups.group_by("manager_id")
        if k[0] is not None
    }
    mgr_teams = []
    for pid, name, region in mgrs.select("person_id", "name", "region").iter_rows():
        below = sups_of.get(pid, empty)
        their_reps = (
            np.sort(np.concatenate([reps_of.get(int(s), empty) for s in below]))
            if below.size
            else empty
        )
        members = np.concatenate([[pid], below, their_reps]).astype(np.int64)
        mgr_teams.append(Team(pid, name, region, members, their_reps, below, leave))
    return sup_teams, mgr_teams


HOLIDAYS = {(1, 1), (5, 1), (5, 2), (5, 3), (5, 4), (5, 5), *((10, d) for d in range(1, 8))}


def is_holiday(day: dt.date) -> bool:
    """New Year's Day, the May Day and the National Day holidays: no meetings."""
    return (day.month, day.day) in HOLIDAYS


def customers_by_owner(customers: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, pl.Series]:
    """Owner ids (sorted), each owner's first row and the customer names in that order."""
    ordered = customers.filter(pl.col("owner_id").is_not_null()).sort("owner_id", "customer_id")
    owners = ordered["owner_id"].to_numpy()
    unique, first = np.unique(owners, return_index=True)
    return unique, np.append(first, owners.size), ordered["name"]
