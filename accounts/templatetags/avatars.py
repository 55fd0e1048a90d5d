"""`{% load avatars %}{% avatar user 64 %}`: the account's picture, or its initials.

Sizes are 64 and 128 px (the stored renditions); smaller sizes scale the 64 px one down.
Pass `None` (a guest, a deleted user) for a neutral placeholder.
"""

from django import template
from django.utils.html import format_html

from accounts.avatars import initials_svg

register = template.Library()


@register.simple_tag
def avatar(user, size=64):
    size = int(size)
    name = user.public_name if user else ""
    if user and user.avatar:
        field = user.avatar_small if size <= 64 and user.avatar_small else user.avatar
        return format_html(
            '<img class="avatar rounded-circle" src="{}" width="{}" height="{}" alt="">',
            field.url,
            size,
            size,
        )
    return initials_svg(name, seed=user.username if user else "", size=size)
