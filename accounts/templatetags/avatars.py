"""`{% load avatars %}{% avatar user 64 %}`: the account's picture, or its initials.

Sizes are 64 and 128 px (the stored renditions); smaller sizes scale the 64 px one down.
Pass `None` (a guest, a deleted user) for a neutral placeholder.
"""

from django import template
from django.utils.html import format_html

from accounts.avatars import initials, initials_svg, tone_for

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


@register.simple_tag
def mini_avatar(user, name):
    """The thread's 32 px avatar: the account's picture, or initials on a tone from the palette.
    A span, not an SVG, because a thread page shows hundreds of them: a few bytes each."""
    if user and user.avatar_small:
        return format_html(
            '<img class="avatar-mini" src="{}" width="32" height="32" alt="" loading="lazy"'
            ' decoding="async">',
            user.avatar_small.url,
        )
    seed = user.username if user else name
    return format_html(
        '<span class="avatar-mini tone-{}" aria-hidden="true">{}</span>', tone_for(seed), initials(name)
    )


@register.filter
def tone(seed):
    """`{{ film.title|tone }}`: 0..7, for a generated placeholder's colour class."""
    return tone_for(str(seed))


@register.filter(name="initials")
def initials_filter(name):
    return initials(str(name))
