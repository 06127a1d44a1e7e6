"""Bad answers are refused beside the item, in Chinese."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from config.uploads import MAX_UPLOAD_BYTES as MAX_PHOTO_BYTES
from inspections.forms import AnswerForm
from inspections.models import Answer
from tests.inspections.factories import ItemFactory, jpeg


@pytest.fixture
def number_item(db):
    return ItemFactory(answer_type="number", unit="次", min_value=0, max_value=14)


def form(item, value="", photo=None):
    prefix = f"item{item.pk}"
    files = {f"{prefix}-photo": photo} if photo else {}
    return AnswerForm({f"{prefix}-value": value, f"{prefix}-note": ""}, files, item=item)


def test_number_outside_its_range_is_refused(number_item):
    answer = form(number_item, "15")
    assert not answer.is_valid()
    assert answer.errors["value"] == ["请输入0到14之间的数字。"]


def test_number_that_is_not_a_number_is_refused(number_item):
    assert form(number_item, "两次").errors["value"] == ["请输入数字。"]


def test_number_inside_its_range_is_kept(number_item):
    answer = form(number_item, "2")
    assert answer.is_valid()
    assert answer.cleaned_data["value"] == "2"


def test_a_file_that_only_pretends_to_be_a_photo_is_refused(db):
    item = ItemFactory()
    fake = SimpleUploadedFile("hazard.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    answer = form(item, "fail", photo=fake)
    assert not answer.is_valid()
    assert "不是照片" in answer.errors["photo"][0]


def test_a_photo_over_the_size_limit_is_refused(db):
    item = ItemFactory()
    big = io.BytesIO()
    Image.effect_noise((2600, 2600), 100).convert("RGB").save(big, "PNG")
    assert big.tell() > MAX_PHOTO_BYTES
    upload = SimpleUploadedFile("big.png", big.getvalue(), content_type="image/png")
    assert "大于10 MB" in form(item, "fail", photo=upload).errors["photo"][0]


def test_a_real_photo_is_accepted(db):
    assert form(ItemFactory(), "fail", photo=jpeg()).is_valid()


def test_saving_one_item_by_htmx_returns_that_item_with_its_error(client_for, town1, institution1):
    from tests.inspections.factories import InspectionFactory

    item = ItemFactory(answer_type="number", min_value=0, max_value=10)
    inspection = InspectionFactory(institution=institution1, version=item.section.version)
    url = reverse("inspections:answer", args=[inspection.pk, item.pk])
    response = client_for(town1).post(
        url, {f"item{item.pk}-value": "99"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "请输入0到10之间的数字" in page
    assert not Answer.objects.exists()
