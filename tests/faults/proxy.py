"""A TCP proxy in front of PostgreSQL that a test cuts: at a chosen query, or all at once.

The web process connects to the proxy instead of the server (with sslmode=disable,
so the proxy sees the queries). Cutting closes both sides of a connection, which is
what a crashed database host or a dropped network link looks like to the client;
the server sees its client vanish and rolls back the open transaction.
"""

import socket
import threading
from contextlib import suppress


class PostgresProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refusing = False
        self.cut_at: bytes | None = None
        self.cuts = 0
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def cut_when_client_sends(self, pattern: bytes) -> None:
        """The next connection that sends `pattern` is cut before the server sees it."""
        self.cut_at = pattern

    def cut_all(self, *, refuse: bool) -> None:
        """Cut every open connection; with refuse, new ones are cut as soon as they connect."""
        self.refusing = refuse
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            self._cut(pair)

    def restore(self) -> None:
        self.refusing = False
        self.cut_at = None

    def close(self) -> None:
        self.cut_all(refuse=True)
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            pair = (client, server)
            with self._lock:
                self._pairs.append(pair)
            threading.Thread(target=self._pump, args=(client, server, pair, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, pair, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pair, from_client: bool) -> None:
        tail = b""
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                self._cut(pair)
                return
            pattern = self.cut_at
            if from_client and pattern and pattern in tail + data:
                self.cut_at = None
                self.cuts += 1
                self._cut(pair)
                return
            tail = data[-len(pattern) :] if pattern else b""
            try:
                sink.sendall(data)
            except OSError:
                self._cut(pair)
                return

    def _cut(self, pair: tuple[socket.socket, socket.socket]) -> None:
        for sock in pair:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                sock.close()
