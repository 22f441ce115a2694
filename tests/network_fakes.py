"""Real local servers that misbehave, for the network tests and ``make bench``: nothing here is mocked.

* :class:`SlowDrip` accepts a connection, reads the request, then sends one byte every ``interval``
  seconds for ever (``phase="headers"``: a status line that never ends; ``phase="body"``: complete
  headers, then a body that never ends). A per-read timeout never fires against it.
* :class:`Blackhole` accepts connections and never sends anything (a proxy or firewall that swallows
  traffic).
* :class:`Refuser` accepts a connection and closes it at once; it counts the connections.
* :class:`BadGateway` answers every request with ``502 Bad Gateway``: what a proxy says when there is no
  network behind it (its name could not be looked up). requests then raises the same kind of error, with
  the full URL (and so any key in it) in its message, as on a laptop without internet. It counts the
  connections, so a test knows whether anything tried to go online.

Each runs in a daemon thread on 127.0.0.1 and is a context manager that stops it.

Example::

    with SlowDrip() as drip:
        requests.get(drip.url, timeout=5)   # would never return
"""

from __future__ import annotations

import socket
import threading
import time


class _Server:
    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = threading.Event()
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        for client in self._clients:
            try:
                client.close()
            except OSError:
                pass
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            self._clients.append(client)
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def _read_request(client: socket.socket) -> None:
    client.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = client.recv(4096)
            if not chunk:
                return
            data += chunk
    except OSError:
        return


class SlowDrip(_Server):
    """Sends one byte every ``interval`` seconds, for ever."""

    def __init__(self, interval: float = 0.5, phase: str = "headers"):
        super().__init__()
        self.interval, self.phase = interval, phase

    def _handle(self, client: socket.socket) -> None:
        _read_request(client)
        if self.phase == "headers":
            start, drip = b"", b"HTTP/1.1 200 OK\r\nX-Drip: " + b"a" * 10_000_000
        else:
            start = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n["
            drip = b"1," * 5_000_000
        try:
            client.sendall(start)
            for byte in drip:
                if self._stop.is_set():
                    return
                client.sendall(bytes([byte]))
                time.sleep(self.interval)
        except OSError:  # the client gave up: exactly what we want
            return


class Blackhole(_Server):
    """Accepts connections and never answers."""

    def _handle(self, client: socket.socket) -> None:
        while not self._stop.wait(0.5):
            pass


class Refuser(_Server):
    """Accepts a connection and closes it at once (counts how many came)."""

    def _handle(self, client: socket.socket) -> None:
        try:
            client.close()
        except OSError:
            pass


class BadGateway(_Server):
    """Answers every request (a proxy's CONNECT included) with 502 Bad Gateway: no network behind it."""

    def _handle(self, client: socket.socket) -> None:
        _read_request(client)
        try:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            client.close()
        except OSError:
            pass
