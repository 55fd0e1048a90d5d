"""Avatars: uploads go through the shared image pipeline; without one, initials.

The initials avatar is an inline SVG made from the display name, so it costs no request and
no storage, and it changes when the name does.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import format_html
from PIL import ImageOps

from reviewsite import images

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
SIZES = (128, 64)

# Background colours with enough contrast for white text (WCAG AA at these sizes).
PALETTE = ["#7a1f1f", "#1f4e7a", "#2e6b30", "#6b2e6b", "#7a4a1f", "#1f6b6b", "#4a4a7a", "#5c5c5c"]


def initials(name):
    words = [word for word in name.replace(".", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def tone_for(seed):
    """0..7: the same seed always gets the same tone (CSS classes tone-0 .. tone-7, the palette)."""
    return hashlib.sha256(seed.encode()).digest()[0] % len(PALETTE)


def colour_for(seed):
    return PALETTE[tone_for(seed)]


def initials_svg(name, *, seed="", size=64):
    return format_html(
        '<svg class="avatar avatar-initials rounded-circle" width="{size}" height="{size}"'
        ' viewBox="0 0 64 64" aria-hidden="true" focusable="false">'
        '<rect width="64" height="64" fill="{colour}"/>'
        '<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#fff" font-size="26"'
        ' font-family="system-ui, sans-serif">{letters}</text></svg>',
        size=size,
        colour=colour_for(seed or name),
        letters=initials(name),
    )


def open_avatar(upload):
    """Validate an upload with the shared pipeline; raises ValidationError for the form."""
    return images.open_upload(upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)


def set_avatar(user, image):
    """Store square 128 and 64 px renditions of a validated image; the upload itself is dropped."""
    old = [field.name for field in (user.avatar, user.avatar_small) if field]
    stem = images.new_name("").rstrip(".")
    for field, size in ((user.avatar, 128), (user.avatar_small, 64)):
        square = ImageOps.fit(image, (size, size))
        field.save(f"{stem}-{size}.jpg", ContentFile(images.encode_jpeg(square)), save=False)
    user.save(update_fields=["avatar", "avatar_small"])
    _delete_later(user.avatar.storage, old)


def clear_avatar(user):
    old = [field.name for field in (user.avatar, user.avatar_small) if field]
    user.avatar = user.avatar_small = ""
    user.save(update_fields=["avatar", "avatar_small"])
    _delete_later(user.avatar.storage, old)


def _delete_later(storage, names):
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
