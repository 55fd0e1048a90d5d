"""Avatar uploads go through the shared image pipeline: Pillow-validated, re-encoded, renamed."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image

from accounts.avatars import initials
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(300, 200), colour=(200, 30, 30), **save_kwargs):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def png_declaring(width, height):
    """A tiny PNG whose header claims `width` x `height`: a decompression bomb's shape."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def upload(client, content, name="me.png", content_type="image/png", **extra):
    data = {"display_name": "", "bio": "", "website": "", "email_on_reply": "on", **extra}
    if content is not None:
        data["avatar_upload"] = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("accounts:settings"), data)


@pytest.fixture
def member(client):
    user = VerifiedUserFactory()
    client.force_login(user)
    return user


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_avatar_is_stored_as_square_128_and_64_px_renditions(client, member, fmt):
    response = upload(client, image_bytes(fmt), name=f"holiday photo.{fmt.lower()}")
    assert response.status_code == 302
    member.refresh_from_db()
    for field, size in ((member.avatar, 128), (member.avatar_small, 64)):
        assert field.name.startswith("avatars/") and field.name.endswith(".jpg")
        assert "holiday" not in field.name  # a server-made name
        with field.open("rb") as stored, Image.open(stored) as image:
            assert image.format == "JPEG" and image.size == (size, size)


def test_gps_and_other_exif_are_removed(client, member):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    response = upload(
        client, image_bytes("JPEG", exif=exif.tobytes()), name="gps.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 302
    member.refresh_from_db()
    with member.avatar.open("rb") as stored:
        raw = stored.read()
    assert b"SpyCam" not in raw and b"Exif" not in raw
    assert not Image.open(io.BytesIO(raw)).getexif()


def test_decompression_bomb_is_refused(client, member):
    response = upload(client, png_declaring(20_000, 20_000), name="bomb.png")
    assert response.status_code == 200
    assert "megapixels" in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_more_than_25_megapixels_is_refused(client, member):
    response = upload(client, png_declaring(6000, 5000), name="big.png")
    assert "megapixels" in response.content.decode()


def test_wrong_format_is_refused(client, member):
    gif = image_bytes("GIF")
    response = upload(client, gif, name="me.png", content_type="image/png")
    assert response.status_code == 200
    assert "JPEG, PNG or WebP" in response.content.decode()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload(client, svg, name="me.svg", content_type="image/svg+xml")
    assert "JPEG, PNG or WebP" in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_more_than_5_mb_is_refused(client, member):
    big = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)
    response = upload(client, big, name="big.png")
    assert response.status_code == 200
    assert "too large" in response.content.decode()


def test_html_appended_to_a_png_is_left_behind(client, member):
    polyglot = image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"
    response = upload(client, polyglot, name="polyglot.png")
    assert response.status_code == 302
    member.refresh_from_db()
    for field in (member.avatar, member.avatar_small):
        with field.open("rb") as stored:
            raw = stored.read()
        assert b"<script>" not in raw and b"<html>" not in raw


def test_a_new_avatar_replaces_the_old_files(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_bytes())
    member.refresh_from_db()
    old = member.avatar.name
    storage = member.avatar.storage
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_bytes(colour=(0, 0, 200)))
    member.refresh_from_db()
    assert member.avatar.name != old
    assert not storage.exists(old)


def test_remove_avatar_falls_back_to_initials(client, member):
    upload(client, image_bytes())
    upload(client, None, remove_avatar="on", display_name="Rosa Parkes")
    member.refresh_from_db()
    assert not member.avatar and not member.avatar_small
    html = Template("{% load avatars %}{% avatar user 64 %}").render(Context({"user": member}))
    assert "<svg" in html and ">RP</text>" in html


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Sam Reader", "SR"), ("margaret", "M"), ("Jean-Luc de la Tour", "JT"), ("", "?"), ("<b>", "?")],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_initials_avatar_escapes_the_name():
    member = VerifiedUserFactory(display_name='"><script>x</script>')
    html = Template("{% load avatars %}{% avatar user 128 %}").render(Context({"user": member}))
    assert "<script>" not in html
