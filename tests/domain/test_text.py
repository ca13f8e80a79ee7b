"""Which characters text may hold, and how stored text is carried into XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest

from hub.domain.text import for_xml, refused_character


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("a\x00", "the control character U+0000"),
        ("a\x1f", "the control character U+001F"),
        ("a\x7f", "the control character U+007F"),
        ("a\x85", "the control character U+0085"),
        ("a\ud800", "the unpaired surrogate U+D800"),
        ("a\udfff", "the unpaired surrogate U+DFFF"),
        ("a\u202a", "the bidirectional control U+202A"),
        ("a\u202e", "the bidirectional control U+202E"),
        ("a\u2066", "the bidirectional control U+2066"),
        ("a\u2069", "the bidirectional control U+2069"),
        ("a\ufdd0", "the noncharacter U+FDD0"),
        ("a\uffff", "the noncharacter U+FFFF"),
        ("a\U0010fffe", "the noncharacter U+10FFFE"),
    ],
)
def test_refused_characters_are_named_with_their_place(text: str, kind: str) -> None:
    assert refused_character(text) == f"must not hold {kind} (at character 2)"
    assert refused_character(text, multiline=False) == f"must not hold {kind} (at character 2)"


def test_ordinary_text_passes_and_line_breaks_only_in_multiline_text() -> None:
    for fine in ("Thamesgate Bank (China)", "雪绒花私人银行", "Café Zürich", "emoji 🏦", "ٱلْبَنْك", "a\u200fb"):
        assert refused_character(fine, multiline=False) is None, fine
    for layout in ("two\nlines", "tab\there", "windows\r\nline"):
        assert refused_character(layout) is None
        assert "tabs and line breaks belong only" in (refused_character(layout, multiline=False) or "")


def test_for_xml_leaves_only_what_xml_can_hold() -> None:
    every_bmp_character = "".join(chr(c) for c in range(0x10000))
    carried = for_xml(every_bmp_character + "\U0001f3e6")
    ET.fromstring(f"<t>{escape(carried)}</t>")  # well-formed
    assert len(carried) == 0x10000 + 1
    assert carried[0x01] == carried[0xD800] == carried[0xFFFF] == "\ufffd"
    assert carried[0x09] == "\t" and carried[0x85] == "\x85" and carried[0x202E] == "\u202e"
