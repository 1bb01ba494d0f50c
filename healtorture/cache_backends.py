"""Django's database cache, with an increment that is atomic across processes.

django-ratelimit counts requests with ``cache.add`` then ``cache.incr``. Django's database cache
increments by reading then writing, so two gunicorn workers counting the same address at once
could both read 4 and write 5. Here the row is locked (``SELECT ... FOR UPDATE``) for the read and
the write, which makes the count exact without adding a server to the stack (use REDIS_URL for a
faster shared cache).
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        table = connections[db].ops.quote_name(self._table)
        with transaction.atomic(using=db), connections[db].cursor() as cursor:
            cursor.execute(
                f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                [self.make_and_validate_key(key, version=version)],
            )
            return super().incr(key, delta, version=version)
