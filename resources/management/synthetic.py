"""The words ``manage.py generate_resources`` makes synthetic resources of.

They are data, not code: ``fixtures/generator/vocabulary.toml``, read when the command runs
(never on import) and checked, so that a type, access, language or kind the models do not know
stops the command with the file's name instead of writing rows no page can show.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from organizations.models import Organization
from resources.models import LANGUAGES, Resource
from thesaurus.models import Region

# Text that says "torture" or "survivor" goes only into torture-focused rows.
TORTURE_WORDS = re.compile(r"tortur|surviv", re.IGNORECASE)

# (values, cumulative weights), ready for ``random.choices(values, cum_weights=...)``.
Weighted = tuple[list, list[int]]


def vocabulary_file() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "generator" / "vocabulary.toml"


@dataclass(frozen=True)
class TopicWords:
    name: str
    weight: int
    phrase: str  # as sentences say it: "working with interpreters"
    titles: list[str]
    sentence: str  # for the description

    @property
    def is_about_torture(self) -> bool:
        texts = (self.name, self.phrase, self.sentence, *self.titles)
        return any(TORTURE_WORDS.search(text) for text in texts)


@dataclass(frozen=True)
class Vocabulary:
    """Everything the generator draws from; weighted choices by whether a row is about torture
    (``True``) or not."""

    topics: list[TopicWords]
    topic_choices: dict[bool, Weighted]  # indexes into ``topics``
    people: dict[bool, Weighted]
    contexts: Weighted
    actions: list[str]
    angles: list[str]
    openers: list[str]
    second_sentences: Weighted
    rare_sentences: list[str]
    body_torture: list[str]
    body_neutral: list[str]
    key_points: list[str]
    first_names: list[str]
    last_names: list[str]
    roles: list[str]
    organization_places: list[str]
    organization_types: list[tuple[str, str]]  # (name, Organization.Kind)
    regions: list[tuple[str, str, str, str]]  # (slug, name, Region.Kind, ISO code)
    kinds: Weighted
    kind_labels: dict[str, list[str]]
    timed_kinds: frozenset[str]
    languages: Weighted
    access: Weighted
    timezones: list[str]


def cumulative(pairs) -> Weighted:
    """(values, cumulative weights) for ``random.choices``."""
    values, weights, total = [], [], 0
    for value, weight in pairs:
        values.append(value)
        total += weight
        weights.append(total)
    return values, weights


def load(path: Path | None = None) -> Vocabulary:
    """The vocabulary in ``path`` (by default the project's), checked."""
    path = path or vocabulary_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CommandError(f"{path}: {error}") from error
    try:
        return _vocabulary(data)
    except (KeyError, TypeError, ValueError) as error:
        raise CommandError(f"{path}: {error!r}") from error


def _vocabulary(data: dict) -> Vocabulary:
    topics = [TopicWords(**topic) for topic in data["topic"]]
    neutral = [i for i, topic in enumerate(topics) if not topic.is_about_torture]
    kinds = _weighted(data["kinds"], Resource.Kind.values, "type")
    labels = data["kind_labels"]
    _known(set(kinds[0]) - set(labels), "type without labels")
    timed = frozenset(data["sessions"]["kinds"])
    return Vocabulary(
        topics=topics,
        topic_choices={
            True: cumulative((i, topic.weight) for i, topic in enumerate(topics)),
            False: cumulative((i, topics[i].weight) for i in neutral),
        },
        people={
            True: _weighted(data["people"]["torture"]),
            False: _weighted(data["people"]["neutral"]),
        },
        contexts=_weighted(data["contexts"]),
        actions=data["titles"]["actions"],
        angles=data["titles"]["angles"],
        openers=data["summaries"]["openers"],
        second_sentences=_weighted(data["summaries"]["seconds"]),
        rare_sentences=data["summaries"]["rare_sentences"],
        body_torture=data["descriptions"]["torture"],
        body_neutral=data["descriptions"]["neutral"],
        key_points=data["descriptions"]["key_points"],
        first_names=data["presenters"]["first_names"],
        last_names=data["presenters"]["last_names"],
        roles=data["presenters"]["roles"],
        organization_places=data["organizations"]["places"],
        organization_types=[
            (name, _one_of(kind, Organization.Kind.values, "organisation kind"))
            for name, kind in data["organizations"]["types"].items()
        ],
        regions=[
            (slug, name, _one_of(kind, Region.Kind.values, "region kind"), code)
            for slug, (name, kind, code) in _regions(data["regions"])
        ],
        kinds=kinds,
        kind_labels=labels,
        timed_kinds=frozenset(_one_of(kind, kinds[0], "session type") for kind in timed),
        languages=_weighted(data["languages"], [code for code, _name in LANGUAGES], "language"),
        access=_weighted(data["access"], Resource.Access.values, "access"),
        timezones=data["sessions"]["timezones"],
    )


def _regions(table: dict[str, dict]):
    for slug, region in table.items():
        yield slug, (region["name"], region["kind"], region.get("code", ""))


def _weighted(table: dict[str, int], known=None, what: str = "") -> Weighted:
    """A ``text = weight`` table, in the order written; its texts checked against ``known``."""
    for value, weight in table.items():
        if known is not None:
            _one_of(value, known, what)
        if not isinstance(weight, int) or weight < 1:
            raise ValueError(f"the weight of {value!r} should be a whole number from 1")
    return cumulative(table.items())


def _one_of(value: str, known, what: str) -> str:
    _known({value} - set(known), what)
    return value


def _known(unknown: set, what: str) -> None:
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(sorted(map(repr, unknown)))}")
