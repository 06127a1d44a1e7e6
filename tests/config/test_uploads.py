"""Uploaded images keep nothing but their pixels, and are served as what they decode as."""

import functools
import io
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import ExifTags, Image

from config.uploads import (
    MAX_EDGE,
    MAX_UPLOAD_BYTES,
    ImageRejected,
    image_response,
    reencode_image,
    server_file_name,
)

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def encoded(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


@functools.cache
def png_bomb(side):
    """A valid 1-bit PNG of side × side black pixels, built without holding its pixels.

    30000 × 30000 (900 megapixels) comes to about 109 KB.
    """

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte, then the row's bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def decoded(content_file):
    return Image.open(io.BytesIO(content_file.read()))


def camera_jpeg(size=(40, 30), orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (32.0, 43.0, 10.0),
    }
    return encoded(Image.new("RGB", size, (200, 40, 40)), "JPEG", exif=exif)


def test_a_png_with_html_appended_named_html_is_stored_as_a_png_without_the_html():
    data = encoded(Image.new("RGB", (20, 20), (0, 128, 0)), "PNG") + SCRIPT
    stored = reencode_image(upload(data, "evil.html", "text/html"))
    assert stored.name.endswith(".jpg")
    assert "evil" not in stored.name
    content = stored.read()
    assert b"<script" not in content
    assert Image.open(io.BytesIO(content)).format == "JPEG"


def test_an_image_with_transparency_stays_a_png():
    data = encoded(Image.new("RGBA", (20, 20), (0, 128, 0, 100)), "PNG")
    stored = reencode_image(upload(data, "sign.png", "image/png"))
    assert stored.name.endswith(".png")
    assert stored.content_type == "image/png"
    assert decoded(stored).mode == "RGBA"


def test_a_png_whose_alpha_is_all_opaque_becomes_a_jpeg():
    data = encoded(Image.new("RGBA", (20, 20), (0, 128, 0, 255)), "PNG")
    assert reencode_image(upload(data, "sign.png", "image/png")).name.endswith(".jpg")


def test_every_stored_name_is_new_and_chosen_by_the_server():
    data = camera_jpeg()
    names = {reencode_image(upload(data, "../../etc/passwd.jpg")).name for _ in range(3)}
    assert len(names) == 3
    assert all("/" not in name and "passwd" not in name for name in names)


def test_camera_make_model_and_gps_are_stripped():
    stored = reencode_image(upload(camera_jpeg()))
    content = stored.read()
    assert b"Canon" not in content
    assert b"EOS 5D" not in content
    image = Image.open(io.BytesIO(content))
    assert dict(image.getexif()) == {}


def test_exif_orientation_is_applied_before_it_is_stripped():
    # Orientation 6: the camera stored it on its side; upright it is taller than wide.
    stored = reencode_image(upload(camera_jpeg(size=(40, 30), orientation=6)))
    assert decoded(stored).size == (30, 40)


def test_a_large_photo_is_shrunk_to_the_longest_edge_allowed():
    data = encoded(Image.new("RGB", (4000, 3000), (10, 10, 10)), "JPEG")
    assert decoded(reencode_image(upload(data))).size == (MAX_EDGE, 1920)


def test_a_small_photo_keeps_its_size():
    assert decoded(reencode_image(upload(camera_jpeg(size=(640, 480))))).size == (640, 480)


def test_the_bomb_used_here_is_a_real_png():
    with Image.open(io.BytesIO(png_bomb(100))) as image:
        image.load()
        assert image.size == (100, 100)


@pytest.mark.parametrize("side", [12000, 30000])
def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(side):
    data = png_bomb(side)
    assert len(data) < 200_000
    with pytest.raises(ImageRejected) as rejected:
        reencode_image(upload(data, "bomb.png", "image/png"))
    assert rejected.value.code == ImageRejected.TOO_MANY_PIXELS


def test_a_file_over_the_byte_limit_is_refused():
    with pytest.raises(ImageRejected) as rejected:
        reencode_image(upload(b"\xff\xd8" + b"0" * MAX_UPLOAD_BYTES))
    assert rejected.value.code == ImageRejected.TOO_LARGE


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4 not an image",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature and nothing sane after it
        encoded(Image.new("RGB", (20, 20)), "BMP"),
        encoded(Image.new("RGB", (20, 20)), "TIFF"),
    ],
    ids=["pdf", "svg", "empty", "broken-png", "bmp", "tiff"],
)
def test_anything_but_a_decodable_photo_is_refused(data):
    with pytest.raises(ImageRejected) as rejected:
        reencode_image(upload(data, "x.svg", "image/svg+xml"))
    assert rejected.value.code == ImageRejected.NOT_IMAGE


def test_a_truncated_jpeg_is_refused():
    data = camera_jpeg(size=(400, 300))
    with pytest.raises(ImageRejected):
        reencode_image(upload(data[: len(data) // 2]))


def test_a_webp_and_a_gif_are_accepted_and_stored_as_jpeg():
    for image_format in ("WEBP", "GIF"):
        data = encoded(Image.new("RGB", (20, 20), (0, 0, 200)), image_format)
        assert reencode_image(upload(data, "x.bin")).name.endswith(".jpg")


def test_server_file_name_refuses_what_was_not_reencoded():
    assert server_file_name("3f.jpg").endswith(".jpg")
    with pytest.raises(ValueError, match="re-encoded"):
        server_file_name("evil.html")


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def stored_file(storage, name, data):
    from django.db.models.fields.files import FieldFile

    class Holder:
        pass

    storage.save(name, ContentFile(data))
    field = type("F", (), {"storage": storage, "name": "photo"})()
    return FieldFile(Holder(), field, name)


def test_a_stored_image_is_served_with_its_decoded_type_and_a_server_chosen_name(storage):
    data = encoded(Image.new("RGB", (20, 20)), "PNG") + SCRIPT
    response = image_response(stored_file(storage, "old/evil.html", data), download_name="photo-7")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="photo-7.png"'
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "data",
    [SCRIPT, b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'],
    ids=["html", "svg"],
)
def test_a_stored_file_that_is_not_an_image_is_never_served(storage, data):
    with pytest.raises(Http404):
        image_response(stored_file(storage, "old/x.jpg", data), download_name="photo")


def test_a_stored_file_missing_from_disk_is_a_404(storage):
    field_file = stored_file(storage, "old/x.jpg", camera_jpeg())
    storage.delete("old/x.jpg")
    with pytest.raises(Http404):
        image_response(field_file, download_name="photo")
