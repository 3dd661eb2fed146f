"""connectorx reads of SQLite files, run in a separate worker process.

connectorx links its own copy of SQLite. Two SQLite libraries in one process
break SQLite's POSIX locking (closing a file in one drops the other's locks;
see "How To Corrupt An SQLite Database File", section 2.2.1): reads come back
stale and writers hit "disk I/O error" (we saw both). In a separate process
each library has its own locks and WAL works as designed, so SQLite files
are read by connectorx in a long-lived child process (``python -m
command_center.db.cx_worker``) that answers one query at a time with an
Arrow IPC stream. PostgreSQL needs none of this.

Protocol: one JSON line ``{"sql": ..., "uri": ...}`` in; ``OK <n>\\n`` and
``n`` bytes of Arrow IPC, or ``ERR <n>\\n`` and ``n`` bytes of message, out.
"""

from __future__ import annotations

import atexit
import io
import json
import subprocess
import sys
import threading
from typing import IO

import polars as pl

from command_center.allocator import trim

RECYCLE_AFTER_BYTES = 64 * 1024 * 1024
"""After a reply this big the worker is stopped (the next read starts a new one in
~0.3 s): its allocator keeps the peak of a big read (540 MiB after the 5M-row
summary at the large demo) for as long as it lives."""


class WorkerError(RuntimeError):
    """The query failed in the worker; the message is connectorx's."""


class _Worker:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "command_center.db.cx_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self.proc

    def query(self, sql: str, uri: str) -> pl.DataFrame:
        with self.lock:
            for attempt in (1, 2):
                proc = self._start()
                assert proc.stdin is not None and proc.stdout is not None
                try:
                    proc.stdin.write(json.dumps({"sql": sql, "uri": uri}).encode() + b"\n")
                    proc.stdin.flush()
                    status, payload = _read_reply(proc.stdout)
                except (BrokenPipeError, EOFError):
                    self.stop()  # the worker died (e.g. killed for memory): start afresh once
                    if attempt == 2:
                        raise
                    continue
                if status == b"ERR":
                    raise WorkerError(payload.decode("utf-8", "replace"))
                if len(payload) > RECYCLE_AFTER_BYTES:
                    self.stop()
                return pl.read_ipc_stream(io.BytesIO(payload))
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def _read_reply(stream: IO[bytes]) -> tuple[bytes, bytes]:
    header = stream.readline()
    if not header:
        raise EOFError("worker closed")
    status, size = header.split()
    payload = stream.read(int(size))
    if len(payload) != int(size):
        raise EOFError("worker closed mid-reply")
    return status, payload


_worker = _Worker()
atexit.register(_worker.stop)


def read_sqlite(sql: str, uri: str) -> pl.DataFrame:
    """Run ``sql`` against the SQLite file ``uri`` with connectorx, out of process."""
    return _worker.query(sql, uri)


def _answer(request: dict[str, str]) -> tuple[bytes, bytes]:
    """The status and payload for one request (the frame is let go on return)."""
    try:
        frame = pl.read_database_uri(request["sql"], request["uri"], engine="connectorx")
        buffer = io.BytesIO()
        frame.write_ipc_stream(buffer)
        return b"OK", buffer.getvalue()
    except Exception as exc:
        return b"ERR", f"{type(exc).__name__}: {exc}".encode()


def _serve() -> None:
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        status, payload = _answer(json.loads(line))
        out.write(status + b" " + str(len(payload)).encode() + b"\n")
        out.write(payload)
        out.flush()
        del payload
        trim()  # the reply's copies were glibc's: give them back while the worker waits


if __name__ == "__main__":
    _serve()
