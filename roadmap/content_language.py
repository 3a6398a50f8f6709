"""Which version of a record's words a reader gets: the Simplified Chinese one when they chose
简体中文 and it exists, otherwise the original (English), marked as such.

The versions are plain fields beside the originals (``title`` and ``title_zh_hans``), so picking one
never costs a query.
"""

from dataclasses import dataclass

from django.utils import translation

ORIGINAL_LANGUAGE = "en"
# The active language's code -> the suffix of the fields holding its version.
VERSIONS = {"zh-hans": "zh_hans"}


@dataclass(frozen=True)
class Text:
    """Words and the language they are in; ``fallback`` when they are not in the one asked for."""

    text: str
    language: str
    fallback: bool = False

    def __str__(self):
        return self.text


def text_for(obj, field: str, language: str | None = None) -> Text:
    """Return ``obj``'s ``field`` in ``language`` (the active one by default), or its original."""
    language = (language or translation.get_language() or ORIGINAL_LANGUAGE).lower()
    original = getattr(obj, field)
    suffix = VERSIONS.get(language)
    if suffix is None:
        return Text(original, ORIGINAL_LANGUAGE)
    version = getattr(obj, f"{field}_{suffix}")
    if version:
        return Text(version, language)
    return Text(original, ORIGINAL_LANGUAGE, fallback=bool(original))


def local(obj, field: str) -> str:
    """Return ``obj``'s ``field`` in the active language, or its original: the words alone."""
    return text_for(obj, field).text
