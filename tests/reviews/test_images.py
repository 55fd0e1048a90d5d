import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reviews.models import Film
from reviewsite import images
from tests.factories import FilmFactory

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(800, 1200), colour=(200, 30, 30), **save_kwargs):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def upload(data, name="poster.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_bomb(width=100_000, height=100_000):
    """A tiny PNG whose header declares 10 gigapixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats_are_reencoded_as_jpeg_with_a_server_name(fmt):
    result = images.clean_upload(upload(image_bytes(fmt), name="../../etc/My Poster.php"))
    assert result.name.endswith(".jpg") and len(result.name) == 36
    assert Image.open(io.BytesIO(result.read())).format == "JPEG"


def test_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(ValidationError) as error:
        images.clean_upload(upload(png_bomb()))
    assert error.value.code == "too_many_pixels"


def test_pixel_cap_is_a_parameter():
    with pytest.raises(ValidationError) as error:
        images.open_upload(upload(image_bytes(size=(300, 300))), max_pixels=50_000)
    assert error.value.code == "too_many_pixels"


def test_size_cap():
    with pytest.raises(ValidationError) as error:
        images.open_upload(upload(image_bytes()), max_bytes=100)
    assert error.value.code == "too_large"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (image_bytes("GIF", size=(20, 20)), "x.gif"),
        (image_bytes("BMP", size=(20, 20)), "x.png"),
        (image_bytes("TIFF", size=(20, 20)), "x.tiff"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "x.svg"),
        (b"%PDF-1.4 not an image", "x.png"),
        (b"<html><script>alert(1)</script></html>", "x.png"),
    ],
)
def test_wrong_formats_are_refused(data, name):
    with pytest.raises(ValidationError) as error:
        images.clean_upload(upload(data, name=name))
    assert error.value.code == "unsupported_format"


def test_truncated_image_is_refused():
    with pytest.raises(ValidationError) as error:
        images.clean_upload(upload(image_bytes()[:200]))
    assert error.value.code in {"invalid_image", "unsupported_format"}


def test_html_appended_to_a_png_is_dropped():
    payload = b"<html><script>alert('stored')</script></html>"
    result = images.clean_upload(upload(image_bytes() + payload)).read()
    assert b"<script" not in result and b"alert" not in result


def test_exif_is_removed_and_orientation_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise for display
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    data = image_bytes("JPEG", size=(400, 200), exif=exif.tobytes())
    assert b"SecretCam" in data
    result = images.clean_upload(upload(data, "x.jpg", "image/jpeg")).read()
    assert b"SecretCam" not in result and b"Exif" not in result
    reopened = Image.open(io.BytesIO(result))
    assert not reopened.getexif()
    assert reopened.size == (200, 400)


def test_poster_is_stored_with_renditions_and_dimensions():
    film = FilmFactory()
    film.poster = images.clean_upload(upload(image_bytes(size=(800, 1200))))
    film.save()
    film = Film.objects.get(pk=film.pk)
    assert (film.poster_width, film.poster_height) == (800, 1200)
    assert film.poster.name.startswith("posters/")
    storage = film.poster.storage
    for width in (160, 320, 640):
        assert storage.exists(images.rendition_name(film.poster.name, width))
    widths = [w for _, w, _ in film.poster.renditions]
    assert widths == [160, 320, 640, 800]
    assert film.poster.renditions[0][2] == 240
    assert "640w" in film.poster.srcset


def test_small_master_gets_no_upscaled_renditions():
    film = FilmFactory()
    film.poster = images.clean_upload(upload(image_bytes(size=(200, 300))))
    film.save()
    assert [w for _, w, _ in film.poster.renditions] == [160, 200]


def test_picture_tag_renders_srcset_size_and_lazy_loading(client, catalogue):
    film = catalogue.films.get_out
    film.poster = images.clean_upload(upload(image_bytes(size=(800, 1200))))
    film.save()
    html = client.get("/").content.decode()
    assert 'srcset="/media/posters/' in html
    assert 'width="160" height="240"' in html and 'loading="lazy"' in html


def test_admin_shows_a_form_error_for_bad_uploads(client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-long-enough-1")
    client.force_login(admin)
    film = FilmFactory()
    url = f"/admin/reviews/film/{film.pk}/change/"
    data = {
        "title": film.title,
        "slug": film.slug,
        "year": film.year,
        "mpaa_rating": "R",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }
    for bad in (
        upload(png_bomb()),
        upload(b"GIF89a" + b"\0" * 100, "x.gif"),
        upload(b"<html></html>", "x.png"),
    ):
        response = client.post(url, {**data, "poster": bad})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["poster"]
    response = client.post(url, {**data, "poster": upload(image_bytes(size=(700, 1000)), "My Poster.png")})
    assert response.status_code == 302
    film.refresh_from_db()
    assert film.poster.name.endswith(".jpg") and "My" not in film.poster.name


def test_replacing_a_poster_removes_the_old_files(django_capture_on_commit_callbacks):
    film = FilmFactory()
    film.poster = images.clean_upload(upload(image_bytes(size=(800, 1200))))
    film.save()
    film = Film.objects.get(pk=film.pk)
    old = film.poster.name
    storage = film.poster.storage
    with django_capture_on_commit_callbacks(execute=True):
        film.poster = images.clean_upload(upload(image_bytes(size=(700, 1050), colour=(1, 2, 3))))
        film.save()
    assert not storage.exists(old)
    assert not storage.exists(images.rendition_name(old, 320))
    assert storage.exists(film.poster.name)
    # Saving again without a new image deletes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        Film.objects.get(pk=film.pk).save()
    assert storage.exists(film.poster.name)
