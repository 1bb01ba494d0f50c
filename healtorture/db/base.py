"""PostgreSQL backend that starts the embedded server on first use.

Used when ``DATABASE_URL`` is unset. It is Django's own PostgreSQL backend, except that the
connection parameters come from the running embedded server (its socket folder and port), which is
started, or repaired after a reboot, the first time a process connects.

If the server stops while the site runs (``make db-stop``, a crash), a connection that fails makes
the process forget where the server was: the next connection checks again and starts it, so the
site recovers by itself (a request in between answers the friendly 503 page).
"""

from pathlib import Path

from django.db import OperationalError
from django.db.backends.postgresql import base

from healtorture import embedded_db


class DatabaseWrapper(base.DatabaseWrapper):
    def _pgdata(self) -> Path:
        options = self.settings_dict.get("OPTIONS", {})
        return Path(options.get("pgdata", embedded_db.DEFAULT_PGDATA))

    def get_connection_params(self):
        params = super().get_connection_params()
        options = self.settings_dict.get("OPTIONS", {})
        try:
            info = embedded_db.ensure_server(self._pgdata())
        except RuntimeError as exc:
            # Not started (yet): for the site, an unavailable database like any other.
            raise OperationalError(str(exc)) from exc
        app_db = options.get("app_database")
        if app_db and app_db not in _created:
            embedded_db.ensure_database(info, app_db)
            _created.add(app_db)
        params.pop("pgdata", None)
        params.pop("app_database", None)
        params.update(host=str(info.socket_dir), port=info.port, user=embedded_db.SUPERUSER)
        return params

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except self.Database.OperationalError:
            embedded_db.forget_server(self._pgdata())
            raise


_created: set[str] = set()
