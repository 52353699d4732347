"""The run lock on a redis server (`should_lock_run`): serializes writers that share no lock of the workspace.

A task's lock is a key named after its output (`kartwheel:run-lock:<output path>`, so two workspaces never
share one), taken with `SET key token NX PX timeout`, renewed by a thread while held, and deleted on
release only if it still holds this holder's token. A holder that dies stops renewing: its key expires
after `redis_timeout` seconds and the next writer takes it. Needs the redis client
(`pip install 'kartwheel[redis]'`), imported only when a task sets should_lock_run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

from ..errors import MissingDependencyError, RunLockError
from . import leftovers
from .locks import renewing

__all__ = ["KEY_PREFIX", "lock_key", "redis_lock", "require_client"]

logger = logging.getLogger(__name__)

KEY_PREFIX = "kartwheel:run-lock:"
_LONGEST_WAIT = 1.0  # seconds between a waiter's attempts, at most

# Renew, or delete, the key only while it still holds our token (another holder's lock is never touched).
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

_clients: dict[tuple[str, int, int], Any] = {}


def require_client() -> Any:
    """The `redis` module, or a MissingDependencyError saying how to install it."""
    try:
        import redis
    except ImportError as exc:
        raise MissingDependencyError(
            "should_lock_run=True needs the redis client; install it with `pip install 'kartwheel[redis]'` "
            "(or set should_lock_run=False: the writer lock beside each output still applies)"
        ) from exc
    return redis


def lock_key(output_path: str) -> str:
    """The redis key of the run lock of the task writing `output_path` (a local path is made absolute)."""
    location = output_path if "://" in output_path else os.path.abspath(output_path)
    return KEY_PREFIX + location


def _client(host: str, port: int) -> Any:
    """One client per server and process (a forked worker opens its own connections)."""
    key = (host, port, os.getpid())
    client = _clients.get(key)
    if client is None:
        redis = require_client()
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries inside the client: an unreachable server is reported at once, and the renewing
        # thread tries again on its own schedule.
        client = redis.Redis(
            host=host, port=port, socket_connect_timeout=5, socket_timeout=10, retry=Retry(NoBackoff(), 0)
        )
        _clients[key] = client
    return client


def _unreachable(host: str, port: int, key: str, exc: BaseException) -> RunLockError:
    return RunLockError(
        f"cannot reach the redis server at {host}:{port} for the run lock {key} ({type(exc).__name__}: {exc}); "
        f"start it (`redis-server --port {port}`), fix redis_host/redis_port, or set should_lock_run=False. "
        "The task did not run"
    )


@contextlib.contextmanager
def redis_lock(host: str, port: int, timeout_seconds: float, key: str) -> Iterator[bool]:
    """Hold the lease `key` on the redis server at host:port; yields whether another holder made us wait."""
    redis = require_client()
    client = _client(host, port)
    token = f"{leftovers.HOST}:{os.getpid()}:{uuid.uuid4().hex}"
    milliseconds = max(1, int(timeout_seconds * 1000))
    waited, delay = False, 0.05
    try:
        while not client.set(key, token, nx=True, px=milliseconds):
            if not waited:
                logger.info("waiting for the run lock %s, held by %s", key, _holder(client, key))
            waited = True
            time.sleep(delay)
            delay = min(delay * 2, _LONGEST_WAIT, timeout_seconds / 2)
    except redis.RedisError as exc:
        raise _unreachable(host, port, key, exc) from None
    unreachable = False  # said once while the server does not answer a renewal

    def renew() -> bool:
        nonlocal unreachable
        try:
            renewed = client.eval(_RENEW, 1, key, token, milliseconds)
        except redis.RedisError as exc:
            if not unreachable:
                logger.warning("cannot renew the run lock %s (%s); trying again", key, exc)
            unreachable = True
            return True
        unreachable = False
        if not renewed:
            logger.warning("lost the run lock %s (it expired); another writer may start", key)
        return bool(renewed)

    try:
        with renewing(renew, milliseconds / 3000, f"run lock {key}"):
            yield waited
    finally:
        try:
            client.eval(_RELEASE, 1, key, token)
        except redis.RedisError as exc:
            logger.warning("could not release the run lock %s (%s); it expires in %s s", key, exc, timeout_seconds)


def _holder(client: Any, key: str) -> str:
    """Who holds `key` (host:pid:token), for the log; '?' when it just went."""
    with contextlib.suppress(Exception):
        value = client.get(key)
        if value is not None:
            return value.decode(errors="replace")
    return "?"
