"""Registering and editing institutions: scope on the server, Chinese errors, nothing half-saved."""

import pytest
from django.urls import reverse
from django.utils import translation

from institutions.models import FireRiskLevel, Institution, InstitutionKind
from institutions.validators import credit_code_check_character


def valid_form_data(township, **overrides):
    first17 = "52411726987654321"
    data = {
        "name": "羊册镇康宁养老院",
        "kind": InstitutionKind.ELDERLY_CARE,
        "operator": "private",
        "township": township.pk,
        "credit_code": first17 + credit_code_check_character(first17),
        "fire_risk_level": "",
        "address": "泌阳县羊册镇建设路8号",
        "legal_representative": "张国强",
        "legal_representative_phone": "13803961234",
        "safety_officer": "刘桂兰",
        "safety_officer_phone": "0396-7921888",
        "beds": 60,
        "residents": 40,
        "residents_aged_80_plus": 12,
        "designated_hospital": "羊册镇卫生院",
        "designated_hospital_level": "primary",
        "designated_hospital_phone": "0396-7931120",
        "building_notes": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_township_staff_register_an_institution_in_their_township(client_for, town1, township1):
    response = client_for(town1).post(reverse("institutions:create"), valid_form_data(township1))
    institution = Institution.objects.get(name="羊册镇康宁养老院")
    assert response.status_code == 302
    assert response["Location"] == institution.get_absolute_url()
    assert institution.township == township1


def test_elderly_care_defaults_to_high_fire_risk(client_for, town1, township1):
    client_for(town1).post(reverse("institutions:create"), valid_form_data(township1))
    assert Institution.objects.get(name="羊册镇康宁养老院").fire_risk_level == FireRiskLevel.HIGH


def test_marriage_registry_defaults_to_medium_fire_risk(client_for, officer, township1):
    data = valid_form_data(township1, kind=InstitutionKind.MARRIAGE_REGISTRY, beds=0, residents=0)
    data["residents_aged_80_plus"] = 0
    client_for(officer).post(reverse("institutions:create"), data)
    assert Institution.objects.get(name="羊册镇康宁养老院").fire_risk_level == FireRiskLevel.MEDIUM


def test_township_staff_cannot_register_in_another_township(client_for, town1, township2):
    response = client_for(town1).post(reverse("institutions:create"), valid_form_data(township2))
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not Institution.objects.filter(name="羊册镇康宁养老院").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "52411726987654321A", "统一社会信用代码的校验码不正确"),
        ("safety_officer_phone", "12345", "请输入大陆手机号"),
        ("residents_aged_80_plus", "99", "80岁及以上入住人数不能多于入住总人数"),
        ("beds", "-1", "确保该值大于或等于0"),
        ("name", "", "这个字段是必填项"),
    ],
)
def test_bad_input_gets_a_chinese_message_beside_the_field_and_saves_nothing(
    client_for, town1, township1, field, value, message
):
    translation.activate("zh-hans")
    response = client_for(town1).post(
        reverse("institutions:create"), valid_form_data(township1, **{field: value})
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert "没有保存任何内容" in page
    assert not Institution.objects.filter(name="羊册镇康宁养老院").exists()


def test_duplicate_credit_code_is_refused(client_for, town1, township1, institution1):
    data = valid_form_data(township1, credit_code=institution1.credit_code)
    response = client_for(town1).post(reverse("institutions:create"), data)
    assert "credit_code" in response.context["form"].errors


def test_institution_staff_update_residents_but_cannot_move_their_institution(
    client_for, inst1, institution1, township2
):
    data = valid_form_data(institution1.township, residents=70, residents_aged_80_plus=30)
    data["township"] = township2.pk
    data["name"] = "改名"
    response = client_for(inst1).post(reverse("institutions:edit", args=[institution1.pk]), data)
    assert response.status_code == 302
    institution1.refresh_from_db()
    assert institution1.residents == 70
    assert institution1.township != township2
    assert institution1.name == "羊册镇敬老院"


def test_edit_keeps_a_history_of_changes(client_for, town1, institution1):
    data = valid_form_data(institution1.township, name=institution1.name, residents=50)
    client_for(town1).post(reverse("institutions:edit", args=[institution1.pk]), data)
    latest = institution1.history.latest()
    assert latest.residents == 50
    assert latest.history_user == town1


def _full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_a_credit_code_pasted_with_a_leading_space_is_not_cut_and_is_stored_clean(
    client_for, town1, township1
):
    form = client_for(town1).get(reverse("institutions:create")).context["form"]
    assert int(form.fields["credit_code"].widget.attrs["maxlength"]) >= 30
    data = valid_form_data(township1)
    code = data["credit_code"]
    data["credit_code"] = " " + _full_width(code.lower())
    data["safety_officer_phone"] = "０３９６－７９２１８８８"
    response = client_for(town1).post(reverse("institutions:create"), data)
    assert response.status_code == 302
    institution = Institution.objects.get(name="羊册镇康宁养老院")
    assert (institution.credit_code, institution.safety_officer_phone) == (code, "0396-7921888")


def test_a_full_width_spelling_of_a_taken_credit_code_is_refused(
    client_for, town1, township1, institution1
):
    data = valid_form_data(township1, credit_code=_full_width(institution1.credit_code))
    response = client_for(town1).post(reverse("institutions:create"), data)
    errors = response.context["form"].errors.as_data()["credit_code"]
    assert [error.code for error in errors] == ["credit_code_taken"]


def test_a_phone_and_credit_code_saved_outside_a_form_are_stored_in_ascii(institution1):
    code = institution1.credit_code
    institution1.safety_officer_phone = "１３９ ０３９６ ０００１"
    institution1.credit_code = " " + _full_width(code.lower())
    institution1.save()
    institution1.refresh_from_db()
    assert (institution1.safety_officer_phone, institution1.credit_code) == ("13903960001", code)
