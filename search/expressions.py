"""SQL expressions of the search: a constant tsquery, and a value chosen by each row's language."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db.models import Expression, F, TextField

from resources.models import FALLBACK_TEXT_SEARCH_CONFIG, TEXT_SEARCH_CONFIGS


class ConstantQuery(SearchQuery):
    """A tsquery built by ``resources.query``, given as text: ``%s::tsquery``."""

    def __init__(self, tsquery: str):
        super().__init__(tsquery)
        self.tsquery = tsquery

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [self.tsquery]


class ByLanguage(Expression):
    """``CASE language WHEN 'fr' THEN <branch('french')> ... ELSE <branch('simple')> END``: a
    value that depends on the row's language, written as one piece of SQL. (The same thing
    built from ``Case`` and ``When`` took Django longer to compile than PostgreSQL to run.)"""

    def __init__(self, branch, output_field):
        super().__init__(output_field=output_field)
        self.branch = branch  # config -> (sql, params)
        self.language = F("language")

    def get_source_expressions(self):
        return [self.language]

    def set_source_expressions(self, expressions):
        (self.language,) = expressions

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.language)
        parts = [f"CASE {column}"]
        params = list(params)
        for code, config in TEXT_SEARCH_CONFIGS.items():
            sql, branch_params = self.branch(config)
            parts.append(f"WHEN '{code}' THEN {sql}")
            params.extend(branch_params)
        sql, branch_params = self.branch(FALLBACK_TEXT_SEARCH_CONFIG)
        parts.append(f"ELSE {sql} END")
        params.extend(branch_params)
        return f"({' '.join(parts)})", params


def own_language(per_config: dict[str, str], extra: str = "") -> ByLanguage:
    """The tsquery of the row's own language (for rank and headline; never in WHERE: a query that
    varies by row cannot use the index), OR-ed with ``extra`` if given."""

    def reading(config):
        query = per_config.get(config, "")
        if extra:
            query = f"({query}) | ({extra})" if query else extra
        return "%s::tsquery", [query]

    return ByLanguage(reading, SearchQueryField())


def own_language_config() -> ByLanguage:
    """The text search configuration of the row's language, for highlighting."""
    return ByLanguage(lambda config: (f"'{config}'::regconfig", []), TextField())
