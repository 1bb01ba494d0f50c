"""Merging concepts, and the rule that broader links never make a cycle."""

from __future__ import annotations

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Concept, Label
from .signals import concepts_merged


def ancestors(concept_ids: set[int]) -> set[int]:
    """Every concept broader than these, at any depth, read from the database."""
    found: set[int] = set()
    todo = set(concept_ids)
    while todo:
        parents = set(
            Concept.broader.through.objects.filter(from_concept_id__in=todo).values_list(
                "to_concept_id", flat=True
            )
        )
        todo = parents - found
        found |= parents
    return found


def check_broader(concept: Concept, broader_ids: set[int]) -> None:
    """Refuse broader concepts that are this concept or narrower than it."""
    if concept.pk is None:
        return
    if concept.pk in broader_ids or concept.pk in ancestors(broader_ids):
        raise ValidationError(
            _("A concept cannot be broader than itself: that would make a cycle of broader "
              "concepts.")
        )  # fmt: skip


def merge_concepts(keep: Concept, others: list[Concept], *, user=None) -> list[str]:
    """Merge ``others`` into ``keep``: their labels become its labels (a second preferred label in
    a language becomes an alternative one), their links its links, and whatever was tagged or
    filtered with them follows (receivers of ``concepts_merged``). Returns the names merged.
    Raises ValidationError, having changed nothing, when the merge cannot be done."""
    others = [other for other in others if other.pk != keep.pk]
    names = [str(other) for other in others]
    kinds = {keep.kind, *(other.kind for other in others)} - {Concept.Kind.TERM}
    if len(kinds) > 1:
        raise ValidationError(
            _("Concepts of different kinds (a topic and a region, say) cannot be merged.")
        )
    with transaction.atomic(), reversion.create_revision():
        if kinds and keep.kind == Concept.Kind.TERM:
            keep.kind = kinds.pop()
            keep.save(update_fields=["kind", "updated_at"])
        for other in others:
            _merge_one(keep, other, user)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(
            "Merged into this concept: " + ", ".join(f"“{name}”" for name in names)
        )
        reversion.add_to_revision(keep)
    return names


def _merge_one(keep: Concept, other: Concept, user) -> None:
    kept = {(label.language, label.text.casefold()) for label in keep.labels.all()}
    preferred = {
        label.language for label in keep.labels.all() if label.kind == Label.Kind.PREFERRED
    }
    for label in other.labels.all():
        if (label.language, label.text.casefold()) in kept:
            label.delete()
            continue
        if label.kind == Label.Kind.PREFERRED and label.language in preferred:
            label.kind = Label.Kind.ALTERNATIVE
        elif label.kind == Label.Kind.PREFERRED:
            preferred.add(label.language)
        label.concept = keep
        label.save()
        kept.add((label.language, label.text.casefold()))
    above = ancestors({keep.pk})
    below = {keep.pk} | _descendants(keep.pk)
    keep.broader.add(*[c for c in other.broader.all() if c.pk not in below])
    for child in other.narrower.all():
        if child.pk not in above and child.pk != keep.pk:
            child.broader.add(keep)
    keep.related.add(*other.related.exclude(pk=keep.pk))
    if not keep.notation and other.notation:
        keep.notation = other.notation
    if not keep.definition and other.definition:
        keep.definition = other.definition
    keep.save()
    concepts_merged.send(sender=Concept, keep=keep, merged=other, user=user)
    other.delete()


def _descendants(concept_id: int) -> set[int]:
    found: set[int] = set()
    todo = {concept_id}
    while todo:
        children = set(
            Concept.broader.through.objects.filter(to_concept_id__in=todo).values_list(
                "from_concept_id", flat=True
            )
        )
        todo = children - found
        found |= children
    return found


def find_cycle(parents: dict[str, set[str]]) -> list[str] | None:
    """A cycle among ``parents`` (each key's broader keys), as the path that closes it, if any."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(parents):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(parents.get(start, ())))]
        state[start] = 1
        while stack:
            node = next(stack[-1], None)
            if node is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(node) == 1:
                return [*path[path.index(node) :], node]
            elif not state.get(node):
                state[node] = 1
                path.append(node)
                stack.append(iter(sorted(parents.get(node, ()))))
    return None
