"""The benchmark's own PostgreSQL database: found, dropped, created, dropped again."""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "canting_bench"


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server, from DATABASE_URL when given (only its server part is used)."""

    url: str

    @classmethod
    def from_env(cls) -> "Server":
        return cls(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)

    def url_for(self, database: str) -> str:
        parts = urlsplit(self.url)
        scheme = "postgres" if parts.scheme.startswith("postgres") else parts.scheme
        return urlunsplit((scheme, parts.netloc, "/" + database, parts.query, ""))

    @property
    def where(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url_for("postgres"), autocommit=True, connect_timeout=5)

    def recreate(self, database: str = BENCH_DATABASE) -> str:
        """Drop `database` if it exists and create it empty; returns its URL."""
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        return self.url_for(database)

    def drop(self, database: str = BENCH_DATABASE) -> None:
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
