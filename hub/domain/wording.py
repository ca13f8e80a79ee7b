"""Small pieces of English for messages."""

from __future__ import annotations


def with_article(word: object) -> str:
    """`word` after its indefinite article: "an ANALYST", "a PARTNER", "an Institution".

    Chosen by the first letter, which is right for the words the hub puts in messages (roles,
    statuses, type and kind names); it is not a full English rule ("an hour", "a unit").
    """
    text = str(word)
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"
