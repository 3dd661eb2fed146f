"""Pure Python/Polars of the incentives plugin: no Streamlit, no SQL, no I/O.

- :mod:`.plan_model`, :mod:`.plan_yaml`, :mod:`.plan_edits`: the plan document
  (its shape and checks, strict YAML, edits at YAML paths);
- :mod:`.figures`, :mod:`.engine`, :mod:`.earnings_curve`: the commission engine
  over person-period figures;
- :mod:`.settlement`: statement rows, lines, order credits and clawbacks;
- :mod:`.whatif`, :mod:`.levers`: scenarios, their levers and comparison;
- :mod:`.honours`: ranking people for honour titles;
- :mod:`.wording`: plans, lines and tables put into words for the pages.
"""
