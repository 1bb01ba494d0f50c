"""Running PostgreSQL's client programs (pg_dump, pg_restore) against the configured database.

The programs are the ones pgserver ships (PostgreSQL 16), whether the database is the embedded
server or a ``DATABASE_URL`` server: they read servers of older versions too. Every connection
setting goes through the environment (``PGHOST``, ``PGPASSWORD``...), so that no password ever
appears on a command line, where other users of the machine could read it in the process list.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.db import connections

from healtorture import embedded_db

# Connection parameters as psycopg takes them, and the libpq variable that carries each one.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "channel_binding": "PGCHANNELBINDING",
    "gssencmode": "PGGSSENCMODE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
}


def client_environment(params: dict) -> dict[str, str]:
    """The environment for a client program that connects with ``params`` (psycopg's
    connection parameters): ours, with no PG* variable of the caller's left to interfere."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for name, variable in LIBPQ_ENVIRONMENT.items():
        value = params.get(name)
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def database_parameters(alias: str = "default") -> dict:
    """The configured database's connection parameters (starting the embedded server first if
    that is the one used)."""
    return connections[alias].get_connection_params()


def describe(params: dict) -> str:
    """Which database, where: for messages (never the password)."""
    where = params.get("host") or "localhost"
    if params.get("port"):
        where += f":{params['port']}"
    return f"database '{params.get('dbname')}' on {where}"


def run(program: str, args: list[str], params: dict) -> subprocess.CompletedProcess:
    """Run one of PostgreSQL's client programs against the database of ``params``."""
    executable = Path(embedded_db.bin_path()) / program
    return subprocess.run(  # noqa: S603 - our own binary, arguments without any secret
        [str(executable), "--no-password", *args],
        env=client_environment(params),
        capture_output=True,
        text=True,
        check=False,
    )
