"""
Template helpers of the portal's public pages: bilingual reference texts, the language
switcher's target address, and readable text on the global goals' colours.
"""

from __future__ import annotations

from django import template
from django.db import models
from django.urls import NoReverseMatch, ResolverMatch, reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, override

from goals.models import LocalizedText
from goals.models import localized as localized_text

register = template.Library()

BLACK = "#000000"
WHITE = "#FFFFFF"

# WCAG 2.1 success criterion 1.4.3 (contrast, minimum) for normal text.
AA_CONTRAST = 4.5


@register.simple_tag
def translated_path(path: str, lang_code: str, match: ResolverMatch | None = None) -> str:
    """The address of the page at ``path`` in ``lang_code`` (``/`` ↔ ``/en/``).

    With ``match``, the request's own resolver match, the address is reversed from it
    rather than resolved from ``path`` first (which takes longer). Paths that do not
    resolve (such as a 404 page) come back unchanged.
    """
    if not isinstance(match, ResolverMatch) or not match.view_name:
        return translate_url(path, lang_code)
    _path, question_mark, query = path.partition("?")
    with override(lang_code):
        try:
            translated = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return translate_url(path, lang_code)
    return f"{translated}{question_mark}{query}"


@register.simple_tag
def localized(obj: models.Model, field: str) -> SafeString:
    """``obj.<field>`` in the page's language, marked ``lang="en"`` where English stands in.

    Screen readers then pronounce the English fallback text as English (WCAG 3.1.2).
    """
    return lang_marked(localized_text(obj, field))


@register.filter
def lang_marked(text: LocalizedText) -> SafeString:
    """A bilingual text, wrapped in ``<span lang>`` when it is not in the page's language."""
    page_language = (get_language() or "").split("-")[0]
    if text.text and text.lang != page_language:
        return format_html('<span lang="{}">{}</span>', text.lang, text.text)
    return format_html("{}", text.text)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """The WCAG relative luminance of a colour such as ``#E5243B``: 0 (black) to 1 (white)."""
    value = hex_colour.strip().lstrip("#")
    if len(value) != 6:
        raise ValueError(f"Not a six-digit hex colour: {hex_colour!r}")
    r, g, b = (_channel(int(value[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@register.filter
def text_colour(background: str) -> str:
    """Black or white, whichever is more readable on ``background`` (e.g. ``#FCC30B`` → black).

    An empty or invalid colour gives black, the text colour of the page.
    """
    try:
        on_black = contrast_ratio(background, BLACK)
    except ValueError:
        return BLACK
    return BLACK if on_black >= contrast_ratio(background, WHITE) else WHITE
