"""The one upload pipeline for pictures (posters, headshots, person photos, avatars).

Nothing a visitor uploads is stored as sent. An upload is opened by Pillow with its
decoders restricted to JPEG, PNG and WebP, checked against a byte cap and a pixel cap
*before* any pixel is decoded (so a decompression bomb is refused from its header), decoded,
turned upright from its EXIF orientation, and re-encoded as a fresh JPEG: EXIF, ICC text,
comments and anything appended after the image data (HTML, a ZIP...) are left behind.
Stored names are made by the server (a random hex name), never taken from the upload.

API
---
``open_upload(file, *, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS) -> PIL.Image.Image``
    Validate and decode; raises ``django.core.exceptions.ValidationError`` with a reader-
    facing message and one of the codes ``empty``, ``too_large``, ``too_many_pixels``,
    ``unsupported_format`` or ``invalid_image``. The image returned is RGB and upright.

``encode_jpeg(image, *, width=None) -> bytes``
    Re-encode (optionally resized to ``width``, never upscaled) without metadata.

``clean_upload(file, *, max_bytes=..., max_pixels=..., max_width=2400) -> ContentFile``
    ``open_upload`` then ``encode_jpeg``: a ``ContentFile`` named ``<32 hex>.jpg``, ready for
    ``FieldFile.save()`` or ``storage.save()``. Use this in a form's ``clean_<field>``.

``save_renditions(name, widths, *, storage=default_storage) -> list[str]``
    For a stored master image, write ``<stem>-<width>w.jpg`` for each width smaller than the
    master (existing files are kept), return the names written or found.

``rendition_name(name, width) -> str``  the file name of one rendition.

``UploadedImageField`` (form field)
    A ``forms.FileField`` whose cleaned value is ``clean_upload(...)``'s ``ContentFile``. Bad
    uploads become form errors, never a 500. ``max_bytes``/``max_pixels``/``max_width`` kwargs.

``ProcessedImageField`` (model field, an ``ImageField``)
    ``ProcessedImageField(upload_to="posters/", widths=(160, 320, 640), width_field=..., ...)``:
    its form field is ``UploadedImageField``, it stores files under server-made names and writes
    the renditions when the model is saved. Its file has ``.renditions`` (a list of
    ``(url, width, height)``, smallest first, master last) and ``.srcset`` (for ``<img srcset>``).
    The model needs ``width_field``/``height_field`` for heights without opening files.
"""

import io
import uuid
import warnings
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import ImageFieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000
MAX_WIDTH = 2400
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85


def open_upload(file, *, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS):
    """Validate an uploaded file and return it decoded as an upright RGB image."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > max_bytes:
        raise ValidationError(
            "The file is too large: at most %(limit)s MB.",
            code="too_large",
            params={"limit": max_bytes // (1024 * 1024) or 1},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns (then raises) on huge images; both mean "refuse".
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=list(ALLOWED_FORMATS))
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    "The image is too big: at most %(limit)s megapixels.",
                    code="too_many_pixels",
                    params={"limit": max_pixels // 1_000_000},
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "The image is too big: at most %(limit)s megapixels.",
            code="too_many_pixels",
            params={"limit": max_pixels // 1_000_000},
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError("Upload a JPEG, PNG or WebP image.", code="unsupported_format") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError("The image file is damaged or incomplete.", code="invalid_image") from error
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    return image


def encode_jpeg(image, *, width=None):
    """JPEG bytes of `image`, optionally scaled down to `width`; no metadata is written."""
    if width and width < image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # No exif=, no icc_profile=, no comment=: the new file carries pixels only.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def new_name(extension="jpg"):
    return f"{uuid.uuid4().hex}.{extension}"


def clean_upload(file, *, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, max_width=MAX_WIDTH):
    """Validate, decode and re-encode an upload; a ContentFile with a server-made name."""
    image = open_upload(file, max_bytes=max_bytes, max_pixels=max_pixels)
    return ContentFile(encode_jpeg(image, width=max_width), name=new_name())


def rendition_name(name, width):
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.jpg"))


def save_renditions(name, widths, *, storage=None):
    """Write the smaller widths of a stored master image; returns the rendition names."""
    storage = storage or default_storage
    names = []
    image = None
    for width in sorted(widths):
        target = rendition_name(name, width)
        if storage.exists(target):
            names.append(target)
            continue
        if image is None:
            with storage.open(name, "rb") as master:
                image = Image.open(master, formats=list(ALLOWED_FORMATS))
                image.load()
            image = image.convert("RGB")
        if width >= image.width:
            continue
        storage.save(target, ContentFile(encode_jpeg(image, width=width)))
        names.append(target)
    return names


class UploadedImageField(forms.FileField):
    """A form field that accepts only what `clean_upload` accepts, and returns its result."""

    default_error_messages = {"invalid_image": "Upload a JPEG, PNG or WebP image."}

    def __init__(self, *, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, max_width=MAX_WIDTH, **kwargs):
        self.max_bytes, self.max_pixels, self.max_width = max_bytes, max_pixels, max_width
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        kwargs.setdefault("help_text", "JPEG, PNG or WebP, at most 10 MB and 25 megapixels.")
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return clean_upload(
            upload, max_bytes=self.max_bytes, max_pixels=self.max_pixels, max_width=self.max_width
        )


class ProcessedImageFieldFile(ImageFieldFile):
    @property
    def renditions(self):
        """[(url, width, height)] smallest first, the master last; no file access."""
        if not self:
            return []
        master_width = (
            getattr(self.instance, self.field.width_field, None) if self.field.width_field else None
        )
        master_height = (
            getattr(self.instance, self.field.height_field, None) if self.field.height_field else None
        )
        result = []
        if master_width and master_height:
            for width in sorted(self.field.widths):
                if width < master_width:
                    height = max(1, round(master_height * width / master_width))
                    result.append((self.storage.url(rendition_name(self.name, width)), width, height))
        result.append((self.url, master_width, master_height))
        return result

    @property
    def srcset(self):
        return ", ".join(f"{url} {width}w" for url, width, _ in self.renditions if width)

    def rendition(self, width):
        """(url, width, height) of the smallest rendition at least `width` wide (or the master)."""
        for candidate in self.renditions:
            if candidate[1] and candidate[1] >= width:
                return candidate
        return self.renditions[-1] if self else None


class ProcessedImageField(models.ImageField):
    attr_class = ProcessedImageFieldFile

    def __init__(self, *args, widths=(), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, **kwargs):
        self.widths = tuple(widths)
        self.max_bytes, self.max_pixels = max_bytes, max_pixels
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.widths:
            kwargs["widths"] = self.widths
        if self.max_bytes != MAX_BYTES:
            kwargs["max_bytes"] = self.max_bytes
        if self.max_pixels != MAX_PIXELS:
            kwargs["max_pixels"] = self.max_pixels
        return name, path, args, kwargs

    def generate_filename(self, instance, filename):
        # Whatever name arrives, the stored one is ours.
        return super().generate_filename(
            instance, new_name(PurePosixPath(filename).suffix.lstrip(".") or "jpg")
        )

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": UploadedImageField,
                "max_bytes": self.max_bytes,
                "max_pixels": self.max_pixels,
                **kwargs,
            }
        )

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            models.signals.post_init.connect(self._remember_name, sender=cls)

    def _remember_name(self, instance, **kwargs):
        # The stored name as loaded, so a replaced image's files can be removed after saving.
        instance.__dict__.setdefault("_stored_image_names", {})[self.attname] = instance.__dict__.get(
            self.attname
        )

    def pre_save(self, model_instance, add):
        file = super().pre_save(model_instance, add)
        if file and self.widths:
            save_renditions(file.name, self.widths, storage=file.storage)
        names = model_instance.__dict__.setdefault("_stored_image_names", {})
        old_name = names.get(self.attname)
        old_name = getattr(old_name, "name", old_name)
        if old_name and old_name != (file.name if file else ""):
            stale = [old_name, *(rendition_name(old_name, width) for width in self.widths)]
            transaction.on_commit(lambda: [file.storage.delete(name) for name in stale])
        names[self.attname] = file.name if file else ""
        return file
