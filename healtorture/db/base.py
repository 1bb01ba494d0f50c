"""PostgreSQL backend that starts the embedded server on first use.

Used when ``DATABASE_URL`` is unset. It is Django's own PostgreSQL backend, except that the
connection parameters come from the running embedded server (its socket folder and port), which is
started, or repaired after a reboot, the first time a process connects.
"""

from pathlib import Path

from django.db.backends.postgresql import base

from healtorture import embedded_db


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        options = self.settings_dict.get("OPTIONS", {})
        info = embedded_db.ensure_server(Path(options.get("pgdata", embedded_db.DEFAULT_PGDATA)))
        app_db = options.get("app_database")
        if app_db and app_db not in _created:
            embedded_db.ensure_database(info, app_db)
            _created.add(app_db)
        params.pop("pgdata", None)
        params.pop("app_database", None)
        params.update(host=str(info.socket_dir), port=info.port, user=embedded_db.SUPERUSER)
        return params


_created: set[str] = set()
