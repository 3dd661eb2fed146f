"""The C allocator's settings for the app's processes (measured in bench/results.md).

glibc's malloc gives each thread that allocates concurrently an arena of its
own (up to eight per CPU) and keeps what is freed in each of them: Streamlit
runs every session's script in its own thread, so a long-lived app process
collects arenas full of freed memory. ``MALLOC_ARENA_MAX=2`` caps them; at the
large demo a director's tour of every page ended 180–240 MiB lower with it
(bench/results.md). It must be in the environment before the process starts, so
``command-center run`` sets it (:func:`configure`) before it starts Streamlit. Polars'
own allocator (jemalloc) is not glibc's and already returns memory within a
second (Polars sets ``dirty_decay_ms:500,muzzy_decay_ms:1000``); a shorter
decay gained nothing in the same tour.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import MutableMapping

APP_ENV: dict[str, str] = {"MALLOC_ARENA_MAX": "2"}
"""Set for the app process unless the environment already says otherwise."""


def configure(environ: MutableMapping[str, str]) -> None:
    """Add :data:`APP_ENV` to ``environ`` (``os.environ``: what a process started or
    exec'd next gets) where it sets nothing: a user's own value wins."""
    for key, value in APP_ENV.items():
        environ.setdefault(key, value)


def trim() -> bool:
    """Give glibc's free memory back to the system (``malloc_trim(0)``); False where
    there is no glibc (another C library or system): nothing is done then."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        malloc_trim = libc.malloc_trim
    except (OSError, AttributeError):
        return False
    malloc_trim.argtypes = [ctypes.c_size_t]
    malloc_trim.restype = ctypes.c_int
    malloc_trim(0)
    return True
