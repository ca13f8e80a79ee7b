"""Which characters text may hold, and how to carry what is already stored into XML.

Refused in every text a caller sends (names, descriptions, search words, filters, ids):
- C0 control characters (U+0000-U+001F) and DEL (U+007F): they break exports (XML 1.0 cannot hold
  most of them at all) and hide text in logs and terminals. TAB, LF and CR are the exception in
  multi-line text (descriptions, terms), where they are ordinary layout; a name, title or other
  single-line value refuses them too.
- C1 control characters (U+0080-U+009F): never meaningful in Unicode text.
- Surrogates (U+D800-U+DFFF): in a decoded string they can only be unpaired halves, which UTF-8
  cannot encode, so Neo4j and every response would fail on them.
- Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make a
  name display as something else ("Trojan Source").
- Noncharacters (U+FDD0-U+FDEF and the last two code points of every plane): reserved for a
  program's internal use; XML cannot hold U+FFFE and U+FFFF.
"""

from __future__ import annotations

import re

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069" + _NONCHARACTERS
_REFUSED_IN_TEXT = re.compile(f"[{_ALWAYS}]")
_REFUSED_IN_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")

# What XML 1.0 cannot carry at all, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def _kind(char: str) -> str:
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "the control character"
    if 0xD800 <= code <= 0xDFFF:
        return "the unpaired surrogate"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "the bidirectional control"
    return "the noncharacter"


def refused_character(value: str, *, multiline: bool = True) -> str | None:
    """Why `value` is refused (the first offending character and where), or None if it is fine."""
    found = (_REFUSED_IN_TEXT if multiline else _REFUSED_IN_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    problem = f"must not hold {_kind(char)} U+{ord(char):04X} (at character {found.start() + 1})"
    if char in "\t\n\r":
        return f"{problem}: tabs and line breaks belong only in multi-line text such as descriptions"
    return problem


def for_xml(value: str) -> str:
    """`value` with each character XML 1.0 cannot represent replaced by U+FFFD.

    Text stored before inputs were checked (or loaded from elsewhere) may hold such characters;
    an export must stay well-formed, so they are replaced rather than dropped, which keeps the
    place of the loss visible.
    """
    return _NOT_XML.sub(REPLACEMENT, value)
