"""An overall time limit for one network exchange, however slowly the server sends.

requests' ``timeout`` limits each wait for the *next* bytes, not the whole exchange: a server that
sends one byte every few seconds (a broken proxy, a captive portal, an overloaded server) keeps a
request going forever. :class:`Deadline` adds the missing limit. While it is active, every connection
the session uses is registered with it (through :class:`DeadlineAdapter`, mounted on our sessions);
when time is up a watchdog thread shuts those connections down, which ends any read in progress at
once, and the session reports the same clear error as a timeout.

The limit is :func:`civicdata.core.settings.network_deadline` (30 s unless ``CIVICDATA_NETWORK_DEADLINE``
says otherwise).

Example:
    >>> with Deadline(5) as limit:
    ...     pass
    >>> limit.expired
    False
"""

from __future__ import annotations

import socket
import threading
import time

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool

# The deadline of the exchange running in this thread (None: no limit is active).
_ACTIVE = threading.local()


class Deadline:
    """Context manager: an overall limit of ``seconds`` for the network exchange inside the ``with`` block.

    After the block, ``expired`` says whether the limit was reached (the exchange was then cut off, and
    whatever it returned must not be used).
    """

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.expired = False
        self._connections: list = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._outer: Deadline | None = None

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def register(self, connection) -> None:
        """Remember a connection used inside the block (and any enclosing one), to cut it off when time is up."""
        with self._lock:
            self._connections.append(connection)
        if self.expired:
            self._cut()
        if self._outer is not None:
            self._outer.register(connection)

    def _cut(self) -> None:
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            sock = getattr(connection, "sock", None)
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)  # ends a blocked read in the other thread at once
            except OSError:
                pass

    def _watch(self) -> None:
        if self._done.wait(self.seconds):
            return
        self.expired = True
        while not self._done.is_set():  # a connection opened just now gets cut on the next round
            self._cut()
            self._done.wait(0.2)

    def __enter__(self) -> Deadline:
        self._ends = time.monotonic() + self.seconds
        self._outer = getattr(_ACTIVE, "deadline", None)
        _ACTIVE.deadline = self
        threading.Thread(target=self._watch, name="civicdata-network-deadline", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        _ACTIVE.deadline = self._outer


def active_deadline() -> Deadline | None:
    """The :class:`Deadline` of the exchange running in this thread, if any."""
    return getattr(_ACTIVE, "deadline", None)


def _registering(pool_class):
    """A urllib3 pool class whose connections join the active deadline when they are taken out of the pool."""

    class Pool(pool_class):
        def _get_conn(self, timeout=None):
            connection = super()._get_conn(timeout)
            deadline = active_deadline()
            if deadline is not None:
                deadline.register(connection)
            return connection

    Pool.__name__ = Pool.__qualname__ = f"Deadline{pool_class.__name__}"
    return Pool


_POOLS = {"http": _registering(HTTPConnectionPool), "https": _registering(HTTPSConnectionPool)}


class DeadlineAdapter(HTTPAdapter):
    """requests' HTTP adapter whose connections (direct or through a proxy) obey the active :class:`Deadline`."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager
