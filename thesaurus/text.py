"""How labels and typed words are compared: folded, unaccented, split into words, and stemmed.

Two texts match when their words are the same after folding case and accents, or when a label's
words, stemmed in the label's language, are the typed words stemmed in that language (so
"refugee" matches "Refugees", "réfugiés" matches "Réfugiés" and "refugies"). Typed words are
stemmed as English and as the visitor's language only: a short English word stemmed as French
could otherwise land on an unrelated French label. Snowball stems, the algorithms PostgreSQL's own
dictionaries use, so that what the thesaurus matches is what the full-text search finds.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer

# Snowball stemmers for the languages labels are written in.
STEMMER_LANGUAGES = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic"}
WORD_RE = re.compile(r"[^\W_]+")
# Arabic letters that are written several ways: alef forms (the hamza and madda marks are dropped
# with the other combining marks), alef maqsura, teh marbuta; and the tatweel that stretches words.
ARABIC_FOLD = str.maketrans({"ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})


def fold(text: str) -> str:
    """Lower case, no accents or Arabic vowel marks, one way of writing each Arabic letter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain).translate(ARABIC_FOLD)


def words(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` ("Post-traumatic stress" -> post, traumatic, stress)."""
    return tuple(WORD_RE.findall(fold(text)))


@functools.cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMER_LANGUAGES[language])


def stems(tokens: tuple[str, ...], language: str) -> tuple | None:
    """``tokens`` stemmed in ``language`` (None for a language without a stemmer here)."""
    if language not in STEMMER_LANGUAGES:
        return None
    return (language, tuple(_stemmer(language).stemWords(list(tokens))))
