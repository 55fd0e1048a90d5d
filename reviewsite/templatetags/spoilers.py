"""`{% load spoilers %}{{ review.body_html|safe|open_spoilers:request.user }}`

Spoiler sections are `<details class="spoiler">` in stored HTML (reviews and comments alike).
Comments' inline spoilers are a checkbox toggle (`input.spoiler-check`). For a reader who
chose "Always show spoilers" they render open (checked); everyone else gets them closed, as
stored. Safe input stays safe: only the `open` and `checked` attributes are added.
"""

import re

from django import template

register = template.Library()

SPOILER_TAG = re.compile(r'<details(?=[^>]*\bclass="spoiler")')
INLINE_SPOILER_TOGGLE = '<input type="checkbox" class="spoiler-check">'


@register.filter(is_safe=True)
def open_spoilers(html, user):
    if not getattr(user, "always_show_spoilers", False):
        return html
    html = SPOILER_TAG.sub("<details open", str(html))
    # Comments' inline spoilers: the toggle starts checked (bleach writes it exactly so).
    return html.replace(INLINE_SPOILER_TOGGLE, '<input type="checkbox" class="spoiler-check" checked>')
