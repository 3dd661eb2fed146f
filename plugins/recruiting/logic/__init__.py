"""Pure logic of the recruiting plugin: no Streamlit, no SQL, no I/O.

- :mod:`.vocabulary`: stages, exits, sources, channels, training kinds (the codes);
- :mod:`.stages`: the candidate's stage machine (which moves are allowed);
- :mod:`.exams`: drawing and grading exam questions;
- :mod:`.analytics`: funnel, time to hire, sources, quality of hire;
- :mod:`.funnel` and :mod:`.learning`: the funnel and learning pages' display-ready frames;
- :mod:`.facts`: the metrics' facts; :mod:`.onboarding`: mentor suggestion;
- :mod:`.labels`: codes put into words; :mod:`.paging`: list pages.
"""
