"""Broker reachability probe: a real ApiVersions round trip, so a paused broker reads as down."""

from __future__ import annotations

import socket
import struct
import threading
import time

_API_VERSIONS = 18


def api_versions_round_trip(host: str, port: int, timeout_s: float) -> bool:
    """Send an ApiVersions v0 request and wait for its answer."""
    client = b"psymatch-probe"
    body = struct.pack(">hhih", _API_VERSIONS, 0, 7, len(client)) + client
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as sock:
            sock.settimeout(timeout_s)
            sock.sendall(struct.pack(">i", len(body)) + body)
            header = _read_exact(sock, 8)
            return struct.unpack(">ii", header)[1] == 7
    except OSError:
        return False


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("connection closed")
        data += chunk
    return data


class BrokerProbe:
    """Caches the answer for a short time so `/ready` stays cheap."""

    def __init__(self, bootstrap_servers: str, timeout_s: float = 1.0, ttl_s: float = 2.0) -> None:
        host, _, port = bootstrap_servers.split(",")[0].rpartition(":")
        self._address = (host or "127.0.0.1", int(port or 9092))
        self._timeout_s = timeout_s
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._last = False

    def reachable(self) -> bool:
        with self._lock:
            if time.monotonic() - self._checked_at > self._ttl_s:
                self._last = api_versions_round_trip(*self._address, self._timeout_s)
                self._checked_at = time.monotonic()
            return self._last
