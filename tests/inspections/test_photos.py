"""Photos keep only their pixels, under names the server chose, and are served as images."""

import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import ExifTags, Image

from inspections import services
from inspections.models import Answer, Hazard, HazardPhoto
from tests.config.test_uploads import png_bomb
from tests.inspections.factories import jpeg, soon

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def png_with_html(name="evil.html", content_type="text/html"):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 128, 0)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue() + SCRIPT, content_type=content_type)


def bomb_upload(side):
    return SimpleUploadedFile("bomb.png", png_bomb(side), content_type="image/png")


def answer_with_photo(client, inspection, item, photo, **headers):
    return client.post(
        reverse("inspections:answer", args=[inspection.pk, item.pk]),
        {f"item{item.pk}-value": "fail", f"item{item.pk}-photo": photo},
        headers=headers,
    )


def raise_with_photos(client, institution, *photos):
    return client.post(
        reverse("inspections:raise", args=[institution.pk]),
        {
            "category": "fire",
            "severity": "general",
            "description": "灭火器过期",
            "deadline": soon().isoformat(),
            "token": str(uuid.uuid4()),
            "photos": list(photos),
        },
    )


def test_an_html_file_with_a_png_inside_is_stored_as_an_image_under_a_server_name(
    client_for, town1, sweep
):
    inspection, items = sweep
    answer_with_photo(client_for(town1), inspection, items[0], png_with_html())
    name = inspection.answers.get().photo.name
    assert name.startswith(f"inspections/{inspection.pk}/{items[0].pk}-")
    assert name.endswith(".jpg")
    assert "evil" not in name
    with default_storage.open(name, "rb") as stored:
        assert b"<script" not in stored.read()


def test_an_answer_photo_is_served_as_an_image_the_browser_may_not_sniff(client_for, town1, sweep):
    inspection, items = sweep
    client = client_for(town1)
    answer_with_photo(client, inspection, items[0], png_with_html())
    answer = inspection.answers.get()
    response = client.get(reverse("inspections:answer_photo", args=[answer.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="answer-{answer.pk}.jpg"'
    assert b"<script" not in b"".join(response.streaming_content)


def test_a_hazard_photo_uploaded_as_svg_is_stored_and_served_as_an_image(
    client_for, officer, institution1
):
    client = client_for(officer)
    raise_with_photos(client, institution1, png_with_html("x.svg", "image/svg+xml"))
    photo = HazardPhoto.objects.get()
    assert photo.image.name.startswith(f"hazards/{photo.hazard_id}/found-")
    assert photo.image.name.endswith(".jpg")
    response = client.get(reverse("inspections:hazard_photo", args=[photo.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="hazard-{photo.pk}.jpg"'


def test_gps_and_camera_are_stripped_from_an_answer_photo(client_for, town1, sweep):
    inspection, items = sweep
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N"}
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    answer_with_photo(client_for(town1), inspection, items[0], upload)
    with default_storage.open(inspection.answers.get().photo.name, "rb") as stored:
        assert b"HUAWEI" not in stored.read()


def _legacy_answer(inspection, item, user, name, data):
    answer = services.save_answer(inspection=inspection, item=item, user=user, value="fail")
    stored = default_storage.save(name, ContentFile(data))
    Answer.objects.filter(pk=answer.pk).update(photo=stored)
    return answer


def test_a_photo_stored_by_the_old_code_as_html_is_served_as_the_image_it_is(
    client_for, town1, sweep
):
    inspection, items = sweep
    legacy = png_with_html().read()
    answer = _legacy_answer(inspection, items[0], town1, "inspections/old-evil.html", legacy)
    response = client_for(town1).get(reverse("inspections:answer_photo", args=[answer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "data", [SCRIPT, b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>']
)
def test_a_stored_file_that_is_no_image_is_a_404_not_a_page(client_for, town1, sweep, data):
    inspection, items = sweep
    answer = _legacy_answer(inspection, items[0], town1, "inspections/old.svg", data)
    response = client_for(town1).get(reverse("inspections:answer_photo", args=[answer.pk]))
    assert response.status_code == 404


def test_reencode_photos_rewrites_old_photos_for_answers_and_their_hazards(town1, sweep):
    inspection, items = sweep
    _legacy_answer(inspection, items[0], town1, "inspections/old-evil.html", png_with_html().read())
    for item in items[1:]:
        services.save_answer(inspection=inspection, item=item, user=town1, value="pass")
    services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="甲", person_present="乙"
    )
    assert HazardPhoto.objects.get().image.name.endswith(".html")
    call_command("reencode_photos", stdout=io.StringIO())
    answer_name = Answer.objects.exclude(photo="").get().photo.name
    assert answer_name.endswith(".jpg")
    assert HazardPhoto.objects.get().image.name == answer_name
    assert not default_storage.exists("inspections/old-evil.html")
    with default_storage.open(answer_name, "rb") as stored:
        assert b"<script" not in stored.read()
    out = io.StringIO()
    call_command("reencode_photos", stdout=out)
    assert "0 re-encoded" in out.getvalue()


@pytest.mark.parametrize("side", [12000, 30000])
def test_a_decompression_bomb_answer_photo_is_refused_beside_the_field(
    client_for, town1, sweep, side
):
    inspection, items = sweep
    response = answer_with_photo(
        client_for(town1), inspection, items[0], bomb_upload(side), **{"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "像素过多" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_decompression_bomb_hazard_photo_records_nothing(client_for, officer, institution1):
    response = raise_with_photos(client_for(officer), institution1, jpeg(), bomb_upload(30000))
    assert response.status_code == 200
    assert "像素过多" in response.context["form"].errors["photos"][0]
    assert not Hazard.objects.exists()


def test_the_admin_links_photos_through_the_scoped_view_not_the_media_url(
    client_for, admin_user, town1, sweep
):
    inspection, items = sweep
    answer_with_photo(client_for(town1), inspection, items[0], jpeg())
    answer = inspection.answers.get()
    page = client_for(admin_user).get(
        reverse("admin:inspections_inspection_change", args=[inspection.pk])
    )
    html = page.content.decode()
    assert reverse("inspections:answer_photo", args=[answer.pk]) in html
    assert answer.photo.name not in html
