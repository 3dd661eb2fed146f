"""Streamlit entry point (a router): ``streamlit run command_center/app.py``.

Everything happens in :mod:`command_center.ui.shell`; the core's own pages
live in the top-level ``pages`` package, not beside this file, so
Streamlit's legacy ``pages/`` folder scan never triggers.

Failures the app catches show a message and an error id
(:mod:`command_center.errors`). For anything Streamlit catches itself (an
exception in a widget callback), the browser shows the exception's type only,
never its message or traceback — unless the operator configured
``client.showErrorDetails`` (config.toml, ``--client.showErrorDetails`` or
``STREAMLIT_CLIENT_SHOW_ERROR_DETAILS``), e.g. ``full`` while developing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from streamlit import config

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# `streamlit run` puts this file's folder first on sys.path, where
# command_center/plugins.py would shadow the top-level `plugins` package of
# built-ins (and types.py the stdlib's `types`). Put the project root first
# and drop the script folder.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if p and Path(p).resolve() not in (HERE, ROOT)]

from command_center.ui.shell import main  # noqa: E402

ERROR_DETAILS = "client.showErrorDetails"
if config.get_where_defined(ERROR_DETAILS) == config.ConfigOption.DEFAULT_DEFINITION:
    st.set_option(ERROR_DETAILS, "type")  # no message, no trace: they may hold data
st.set_page_config(page_title="Sales Command Center", page_icon="🎯", layout="wide")
main()
