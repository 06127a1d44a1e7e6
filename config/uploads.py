"""Uploaded images, made safe to keep and to show: only their pixels survive.

A browser upload's name and declared type are the client's word. A PNG with a
web page appended, uploaded as ``evil.html``, opens in Pillow as a PNG and would
be served back as ``text/html``. So an upload is

- refused when over ``MAX_UPLOAD_BYTES``, or over ``MAX_PIXELS`` as read from its
  header (before a pixel is decoded: a 109 KB PNG can claim 900 megapixels);
- decoded with Pillow, from a few photo formats only;
- turned upright by its EXIF orientation, shrunk to ``MAX_EDGE`` pixels on its
  long side, and drawn afresh as JPEG, or PNG where it has transparency, so no
  metadata (GPS, camera make and model, comments) and no trailing bytes survive;
- named by the server (a random stem, the extension of what was written).

``reencode_image()`` does that and returns a ``ContentFile`` to assign to a
FileField; ``image_response()`` serves a stored image with the type its content
decodes as, never what its name says. Messages for refusals belong to the app
that shows them: ``ImageRejected.code`` says which rule was broken.
"""

import io
import posixpath
import uuid
import warnings

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_EDGE = 2560
JPEG_QUALITY = 85

# What a phone or a camera sends; MPO (a phone's multi-picture JPEG) opens as JPEG.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# What reencode_image() writes: Pillow format -> (extension, content type).
STORED_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}
STORED_EXTENSIONS = {extension for extension, _type in STORED_FORMATS.values()}
# What image_response() serves, by decoded format: photos kept before re-encoding
# was introduced may be any of the accepted formats.
SERVED_TYPES = {
    "JPEG": ("jpg", "image/jpeg"),
    "MPO": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
TRANSPARENT_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}


class ImageRejected(Exception):
    """An upload that will not be stored; ``code`` names the rule, ``params`` the numbers."""

    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    NOT_IMAGE = "not_image"

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


class ReencodedImage(ContentFile):
    """The output of reencode_image(): pixels only, under a server-chosen name."""

    def __init__(self, content, *, name, content_type):
        super().__init__(content, name=name)
        self.content_type = content_type


def reencode_image(upload, *, max_bytes=MAX_UPLOAD_BYTES, max_pixels=MAX_PIXELS, max_edge=MAX_EDGE):
    """Decode, check and redraw an uploaded image; raise ImageRejected if it will not do."""
    data = _read_at_most(upload, max_bytes)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its two bomb limits: here that is a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                width, height = image.size  # from the header: nothing decoded yet
                if width * height > max_pixels:
                    raise ImageRejected(
                        ImageRejected.TOO_MANY_PIXELS,
                        width=width,
                        height=height,
                        max_megapixels=max_pixels // 1_000_000,
                    )
                clean = _redraw(image, max_edge)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(
            ImageRejected.TOO_MANY_PIXELS, max_megapixels=max_pixels // 1_000_000
        ) from error
    except Exception as error:
        # Hostile bytes make decoders raise all sorts (OSError, SyntaxError, ValueError,
        # struct.error, EOFError, IndexError, MemoryError...): all mean "not a photo".
        raise ImageRejected(ImageRejected.NOT_IMAGE) from error
    image_format = "PNG" if clean.mode == "RGBA" else "JPEG"
    buffer = io.BytesIO()
    if image_format == "JPEG":
        clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(buffer, "PNG")
    extension, content_type = STORED_FORMATS[image_format]
    return ReencodedImage(
        buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}", content_type=content_type
    )


def _read_at_most(upload, max_bytes):
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(ImageRejected.TOO_LARGE, max_mb=max_bytes // (1024 * 1024))
    return data


def _redraw(image, max_edge):
    """The picture upright, at most max_edge on its long side, in a new image with no info."""
    if image.format in ("JPEG", "MPO"):
        # Let the JPEG decoder scale by 1/2, 1/4 or 1/8 when that still leaves enough
        # pixels: far less memory and time for a large photo.
        image.draft("RGB", (max_edge, max_edge))
    image.seek(0)  # the first frame of an animation
    upright = ImageOps.exif_transpose(image)
    if _has_transparency(upright):
        upright = upright.convert("RGBA")
        if upright.getchannel("A").getextrema()[0] == 255:
            upright = upright.convert("RGB")
    else:
        upright = _to_rgb(upright)
    upright.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    # A new image carries no info dict: no EXIF, ICC profile, text chunks or comments.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    return clean


def _has_transparency(image):
    return image.mode in TRANSPARENT_MODES or "transparency" in image.info


def _to_rgb(image):
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # 16- or 32-bit grey: scale to 8 bits instead of clipping everything to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGB")


def server_file_name(filename):
    """A fresh random name keeping only the extension reencode_image() gave it.

    For a model's ``upload_to``: storing anything that did not come out of
    reencode_image() is a programming error, so it fails loudly.
    """
    extension = posixpath.splitext(filename)[1].lower().lstrip(".")
    if extension not in STORED_EXTENSIONS:
        raise ValueError(f"only re-encoded images may be stored, not {filename!r}")
    return f"{uuid.uuid4().hex}.{extension}"


def image_response(field_file, *, download_name):
    """Serve a stored image as the type its content decodes as; anything else is a 404.

    ``download_name`` is the file name offered to the browser, without extension.
    """
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(handle, formats=ACCEPTED_FORMATS) as image:
                extension, content_type = SERVED_TYPES[image.format]
        handle.seek(0)
    except Exception as error:
        handle.close()
        raise Http404 from error
    response = FileResponse(
        handle, content_type=content_type, filename=f"{download_name}.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser did render it as a page, it could run nothing and reach nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
