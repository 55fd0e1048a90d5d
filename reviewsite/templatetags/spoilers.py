"""`{% load spoilers %}{{ review.body_html|safe|open_spoilers:request.user }}`

Spoiler sections are `<details class="spoiler">` in stored HTML (reviews and comments alike).
For a reader who chose "Always show spoilers" they render open; everyone else gets them
closed, as stored. Safe input stays safe: only the `open` attribute is added.
"""

import re

from django import template

register = template.Library()

SPOILER_TAG = re.compile(r'<details(?=[^>]*\bclass="spoiler")')


@register.filter(is_safe=True)
def open_spoilers(html, user):
    if not getattr(user, "always_show_spoilers", False):
        return html
    return SPOILER_TAG.sub("<details open", str(html))
