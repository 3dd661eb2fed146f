"""Targets set and cascaded in the app (issue 14, item 3).

A director sets the force's and each region's targets of a year by month; a
manager splits a region's onto supervisors, a supervisor onto reps. Each split
is a plan (:mod:`command_center.db.target_plans`), draft -> submitted ->
approved; approval writes it into the core ``targets`` table, which every
reader (the registry, incentives' quotas, appraisal's KPI targets) reads.

- :mod:`~command_center.targets.logic`: seasonality, splits, the sum check (pure);
- :mod:`~command_center.targets.queries`: plans, versions, parents' and last year's figures;
- :mod:`~command_center.targets.actions`: save, submit, send back, approve (role checks).

Rules and the walk-through: ``docs/targets.md``.
"""
