"""Fail fast when the central scheduler (luigid) was never reachable, instead of luigi's minutes of retries.

luigi retries every request 3 times 30 s apart, which is right for a scheduler that restarts mid-run and
wrong for one that was never started: that costs minutes and pages of tracebacks. So one connection is
tried before the run; luigi's retries stay for a scheduler that answered once and then dropped.
"""

from __future__ import annotations

import socket
import urllib.parse

import luigi.interface

__all__ = ["unreachable_scheduler"]

PROBE_TIMEOUT_SECONDS = 3.0


def _address() -> tuple[str, int] | None:
    """The (host, port) luigi will talk to, or None for the in-process scheduler or a non-TCP URL."""
    core = luigi.interface.core()
    if core.local_scheduler:
        return None
    if core.scheduler_url:
        url = urllib.parse.urlsplit(core.scheduler_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            return None
        return url.hostname, url.port or (443 if url.scheme == "https" else 80)
    return core.scheduler_host, int(core.scheduler_port)


def unreachable_scheduler() -> str | None:
    """One line saying that no scheduler answers and what to do, or None when it answers (or is local).

    Call it inside luigi's command-line context, so that `--scheduler-host`/`--scheduler-port` apply.
    """
    address = _address()
    if address is None:
        return None
    host, port = address
    try:
        socket.create_connection((host, port), timeout=PROBE_TIMEOUT_SECONDS).close()
    except OSError as exc:
        return (
            f"no central scheduler at {host}:{port} ({exc.strerror or exc}): start one with "
            f"`luigid --port {port}` on {host}, or use `--local-scheduler` to run in this process alone"
        )
    return None
