"""The form's rules, each with its Chinese message beside the field; nothing half-saved."""

import pytest
from django.urls import reverse

from epidemic.models import FollowUp, WeeklyReport
from tests.epidemic.test_filing import FORM

pytestmark = pytest.mark.django_db


def post(client, institution, **changes):
    url = reverse("epidemic:file", args=[institution.pk, "2027-W06"])
    return client.post(url, {**FORM, **changes})


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"residents_positive": "79"}, "residents_positive", "阳性老人数不能多于检测老人数。"),
        (
            {"staff_tested": "3", "staff_positive": "4"},
            "staff_positive",
            "阳性工作人员数不能多于检测工作人员数。",
        ),
        ({"residents_tested": "81"}, "residents_tested", "检测老人数不能多于在院老人数。"),
        (
            {"residents_vaccinated": "81"},
            "residents_vaccinated",
            "已接种老人数不能多于在院老人数。",
        ),
        (
            {"sent_to_hospital": "1", "hospital": "县医院", "referred_80_plus": "2"},
            "referred_80_plus",
            "转诊的80岁以上老人计入送医人数，不能多于送医人数。",
        ),
        ({"sent_to_hospital": "2", "hospital": " "}, "hospital", "请填写送治医院。"),
        ({"deaths": "81"}, "deaths", "死亡人数不能多于在院老人数。"),
        ({"doses_given": "-1"}, "doses_given", "0"),
        ({"doses_given": "abc"}, "doses_given", "请输入0或更大的整数。"),
        ({"antigen_kits_received": ""}, "antigen_kits_received", "请填写数字（没有填0）。"),
    ],
)
def test_inconsistent_counts_are_refused_beside_the_field(
    clock, inst1, client_for, changes, field, message
):
    response = post(client_for(inst1), inst1.institution, **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert message in response.content.decode()
    assert not WeeklyReport.objects.exists()
    assert not FollowUp.objects.exists()


def test_the_database_refuses_positives_beyond_tested_whatever_the_path(clock, inst1):
    from django.db import IntegrityError

    from tests.epidemic.factories import WeeklyReportFactory

    with pytest.raises(IntegrityError):
        WeeklyReportFactory(institution=inst1.institution, residents_tested=2, residents_positive=3)
