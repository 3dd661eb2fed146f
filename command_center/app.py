"""Streamlit entry point (a router): ``streamlit run command_center/app.py``.

Everything happens in :mod:`command_center.ui.shell`; the core's own pages
live in the top-level ``pages`` package, not beside this file, so
Streamlit's legacy ``pages/`` folder scan never triggers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without an install
    sys.path.insert(0, str(ROOT))

from command_center.ui.shell import main  # noqa: E402

st.set_page_config(page_title="Sales Command Center", page_icon="🎯", layout="wide")
main()
