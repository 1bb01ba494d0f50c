"""The embedded PostgreSQL server used when ``DATABASE_URL`` is not set.

The ``pgserver`` package ships PostgreSQL's binaries in its wheel. We start one server per data
folder (``var/pgdata/`` by default), once, and every later process (gunicorn workers, manage.py,
tests) reuses it. Nothing here runs at import time: the database backend in ``healtorture.db``
calls :func:`ensure_server` when Django opens its first connection.

Traps handled here, each with a test in ``tests/test_embedded_db.py``:

- ``get_server(..., cleanup_mode=None)``: the default mode lets a process that merely attached stop
  the server for everyone when it exits.
- After a reboot, ``postmaster.pid`` may name a PID that now belongs to another process. pgserver
  would take that as "running" and hand out a server that does not answer, and PostgreSQL itself
  refuses to start while the file names a live process. We check that the PID really is this data
  folder's postmaster and that a connection works, and remove a stale file.
- As root, pgserver runs PostgreSQL as a ``pgserver`` system user and makes every parent folder of
  the data folder world-traversable (``o+rx``). We say which folders it is about to change.
- ``platformdirs`` warns on import when ``XDG_RUNTIME_DIR`` is unset; we point it at ``var/run/``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = BASE_DIR / "var" / "pgdata"
SUPERUSER = "postgres"

# Data folders already checked by this process: the check costs a connection, so it runs once.
_ready: dict[Path, ServerInfo] = {}


@dataclass(frozen=True)
class ServerInfo:
    """Where a running embedded server listens, read from its ``postmaster.pid``."""

    pid: int
    pgdata: Path
    socket_dir: Path
    port: int
    start_time: int

    def connection_kwargs(self, dbname: str = "postgres") -> dict:
        return {
            "host": str(self.socket_dir),
            "port": self.port,
            "user": SUPERUSER,
            "dbname": dbname,
        }


def read_postmaster_pid(pgdata: Path) -> ServerInfo | None:
    """Parse ``postmaster.pid``; ``None`` when there is none or it is unreadable/incomplete."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    try:
        return ServerInfo(
            pid=int(lines[0]),
            pgdata=Path(lines[1]),
            start_time=int(lines[2]),
            port=int(lines[3]),
            socket_dir=Path(lines[4]) if lines[4].strip() else pgdata,
        )
    except (IndexError, ValueError):
        return None


def _is_postmaster_of(pid: int, pgdata: Path) -> bool:
    """True when ``pid`` is a live ``postgres`` process serving ``pgdata``."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return proc.name() == "postgres" and str(pgdata) in " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def can_connect(info: ServerInfo, timeout: int = 3) -> bool:
    import psycopg

    try:
        with psycopg.connect(**info.connection_kwargs(), connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def folders_pgserver_would_widen(pgdata: Path) -> list[Path]:
    """The parent folders that pgserver, run as root, would make world-traversable."""
    wanted = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    changed = []
    for parent in pgdata.resolve().parents:
        with contextlib.suppress(FileNotFoundError):
            if parent.stat().st_mode & wanted != wanted:
                changed.append(parent)
    return changed


def _prepare_environment(pgdata: Path) -> None:
    var_dir = pgdata.parent
    var_dir.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = var_dir / "run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


@contextlib.contextmanager
def _exclusive(pgdata: Path):
    """A lock across processes, so two workers never repair or start the same server at once."""
    with open(pgdata.parent / f".{pgdata.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _running(pgdata: Path) -> ServerInfo | None:
    info = read_postmaster_pid(pgdata)
    if info and _is_postmaster_of(info.pid, pgdata) and can_connect(info):
        return info
    return None


def ensure_server(pgdata: Path = DEFAULT_PGDATA) -> ServerInfo:
    """Return the running server for ``pgdata``, starting it (and repairing a stale PID file) first
    if needed. Cheap once a process has checked: the answer is kept for the process's life."""
    pgdata = Path(pgdata).resolve()
    if pgdata in _ready:
        return _ready[pgdata]
    _prepare_environment(pgdata)
    info = _running(pgdata)
    if info is None:
        with _exclusive(pgdata):
            info = _running(pgdata) or _start(pgdata)
    _ready[pgdata] = info
    return info


def forget_server(pgdata: Path = DEFAULT_PGDATA) -> None:
    """Forget what this process knew of the server for ``pgdata`` (a connection to it failed):
    the next :func:`ensure_server` checks again, and starts it if it has stopped."""
    _ready.pop(Path(pgdata).resolve(), None)


def _start(pgdata: Path) -> ServerInfo:
    stale = read_postmaster_pid(pgdata)
    if stale is not None and not _is_postmaster_of(stale.pid, pgdata):
        logger.warning(
            "Removing a stale %s: PID %s is not this data folder's PostgreSQL "
            "(left over from before a reboot or a crash).",
            pgdata / "postmaster.pid",
            stale.pid,
        )
        (pgdata / "postmaster.pid").unlink(missing_ok=True)

    if os.geteuid() == 0:
        widened = folders_pgserver_would_widen(pgdata)
        if widened:
            logger.warning(
                "Running as root: the embedded PostgreSQL runs as the 'pgserver' system user, and "
                "pgserver makes these folders readable and traversable by all users so that it can "
                "reach its data: %s. Set DATABASE_URL to use your own PostgreSQL instead.",
                ", ".join(map(str, widened)),
            )

    import pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    # pgserver caches one handle per data folder for the life of the process and hands it back
    # without checking that the server still runs: forget it so that a stopped server restarts.
    pgserver.postgres_server.PostgresServer._instances.pop(pgdata, None)
    try:
        # cleanup_mode=None: the server outlives this process and every other that attaches.
        pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:
        raise RuntimeError(
            f"The embedded PostgreSQL in {pgdata} did not start ({exc}). "
            f"Its log is {pgdata / 'log'}. Stop any other server using that folder, or set "
            "DATABASE_URL to use your own PostgreSQL."
        ) from exc
    info = read_postmaster_pid(pgdata)
    if info is None or not can_connect(info, timeout=10):
        raise RuntimeError(
            f"The embedded PostgreSQL in {pgdata} started but does not accept connections; "
            f"see {pgdata / 'log'}."
        )
    logger.info("Embedded PostgreSQL ready (PID %s, socket in %s)", info.pid, info.socket_dir)
    return info


def ensure_database(info: ServerInfo, name: str) -> None:
    """Create the application database on the embedded server if it does not exist yet."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(**info.connection_kwargs(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another process won
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stop_server(pgdata: Path = DEFAULT_PGDATA) -> bool:
    """Stop the embedded server for ``pgdata``. Returns False when none was running."""
    pgdata = Path(pgdata).resolve()
    _ready.pop(pgdata, None)
    info = read_postmaster_pid(pgdata)
    if info is None or not _is_postmaster_of(info.pid, pgdata):
        return False
    _prepare_environment(pgdata)
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    return True


def bin_path() -> Path:
    """Folder of the PostgreSQL client programs pgserver ships (psql, pg_dump, pg_restore)."""
    _prepare_environment(DEFAULT_PGDATA)
    from pgserver._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH
