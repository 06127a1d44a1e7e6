"""公示: an approved application is posted before it is paid; an objection holds the payment
until the bureau resolves it. Only the application's own payment waits: the person's monthly
allowances are paid meanwhile. Beat pays what has run its notice every morning."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from relief import services
from relief.models import (
    Application,
    ApplicationStatus,
    NoticeObjection,
    ObjectionStatus,
    Payment,
    public_notice_days,
)
from tests.factories import TownshipStaffFactory
from tests.relief.factories import (
    ApplicationFactory,
    PersonCategoryFactory,
    PersonFactory,
    ProgrammeFactory,
)

TODAY = timezone.localdate


def posted(township, *, days_left=3, **extra):
    """An approved application in 公示 until `days_left` days from today (negative: ended)."""
    today = TODAY()
    return ApplicationFactory(
        person=extra.pop("person", None) or PersonFactory(township=township),
        status=ApplicationStatus.APPROVED,
        amount=Decimal("800.00"),
        notice_starts_on=today - datetime.timedelta(days=6),
        notice_ends_on=today + datetime.timedelta(days=days_left),
        **extra,
    )


def objection(application, user, **extra):
    fields = {"objector": "村民张三", "content": "家中有车", "raised_on": TODAY()} | extra
    return services.raise_objection(application=application, user=user, **fields)


@pytest.fixture
def reviewed(township1, town1):
    application = ApplicationFactory(person=PersonFactory(township=township1))
    reviewer = TownshipStaffFactory(township=township1)
    return services.review_application(application=application, user=reviewer)


def test_approval_posts_the_application_for_the_configured_days_and_pays_nothing_yet(
    reviewed, officer, settings
):
    settings.RELIEF_PUBLIC_NOTICE_DAYS = 5
    services.approve_application(application=reviewed, user=officer)
    reviewed.refresh_from_db()
    assert reviewed.notice_starts_on == TODAY()
    assert reviewed.notice_ends_on == TODAY() + datetime.timedelta(days=4)  # five days in all
    assert not Payment.objects.exists()
    assert Application.objects.in_public_notice().get() == reviewed


def test_seven_days_unless_set(settings):
    del settings.RELIEF_PUBLIC_NOTICE_DAYS
    assert public_notice_days() == 7


def test_no_notice_days_pays_on_approval(reviewed, officer, settings):
    settings.RELIEF_PUBLIC_NOTICE_DAYS = 0
    services.approve_application(application=reviewed, user=officer)
    assert Payment.objects.get().application == reviewed


def test_the_notice_ended_without_objection_is_paid_by_the_bureau(township1, officer, town1):
    ended = posted(township1, days_left=-1)
    still = posted(township1, days_left=2)
    with pytest.raises(PermissionDenied):
        services.release_after_notice(user=town1)
    assert services.release_after_notice(user=officer) == 1
    assert Payment.objects.get().application == ended
    assert not Payment.objects.filter(application=still).exists()
    assert services.release_after_notice(user=officer) == 0  # never twice


def test_an_objection_holds_the_payment_after_the_notice_ends(township1, town1, officer):
    application = posted(township1, days_left=0)
    objection(application, town1)
    Application.objects.filter(pk=application.pk).update(
        notice_ends_on=TODAY() - datetime.timedelta(days=1)
    )
    assert services.release_after_notice(user=officer) == 0
    assert Application.objects.on_hold().get() == application


def test_the_monthly_batch_pays_people_whose_one_off_application_is_in_notice(
    township1, town1, officer
):
    # The 公示 holds the application's own (one-off) payment, not the person's allowance.
    programme = ProgrammeFactory()
    in_notice, objected = (
        PersonCategoryFactory(person=PersonFactory(township=township1)).person for _ in range(2)
    )
    posted(township1, person=in_notice, days_left=2)
    disputed = posted(township1, person=objected, days_left=0)
    objection(disputed, town1)
    batch = services.generate_batch(programme=programme, period="2026-02", user=officer)
    lines = {line.person_id: line for line in batch.lines.all()}
    assert set(lines) == {in_notice.pk, objected.pk}
    assert not any(line.excluded for line in lines.values())
    assert batch.count == 2
    assert not Payment.objects.filter(application__isnull=False).exists()


def test_the_morning_task_pays_what_has_run_its_notice(township1, town1, officer):
    from relief.tasks import release_after_notice

    ended, still = posted(township1, days_left=-1), posted(township1, days_left=1)
    disputed = posted(township1, days_left=0)
    objection(disputed, town1)
    Application.objects.filter(pk=disputed.pk).update(
        notice_ends_on=TODAY() - datetime.timedelta(days=1)
    )
    assert release_after_notice.apply().get() == 1
    assert Payment.objects.get().application == ended
    assert release_after_notice.apply().get() == 0  # never twice
    assert not Payment.objects.filter(application__in=[still, disputed]).exists()


def test_dismissing_the_objection_lets_the_application_proceed(township1, town1, officer):
    application = posted(township1, days_left=-1)
    application.notice_ends_on = TODAY()
    application.save()
    raised = objection(application, town1)
    Application.objects.filter(pk=application.pk).update(
        notice_ends_on=TODAY() - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        services.resolve_objection(objection=raised, user=town1, upheld=False, note="核实无车")
    services.resolve_objection(objection=raised, user=officer, upheld=False, note="核实无车")
    raised.refresh_from_db()
    assert raised.status == ObjectionStatus.DISMISSED
    assert (raised.resolved_by, raised.resolution) == (officer, "核实无车")
    assert Payment.objects.get().application == application  # notice over: paid now


def test_upholding_the_objection_refuses_the_application(township1, town1, officer):
    application = posted(township1)
    raised = objection(application, town1)
    objection(application, officer, objector="邻居李四", content="已外出务工")
    services.resolve_objection(objection=raised, user=officer, upheld=True, note="查实有车")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert "查实有车" in application.decision_note
    assert not NoticeObjection.objects.open().exists()  # the other one is answered too
    assert services.release_after_notice(user=officer) == 0
    assert not Payment.objects.exists()


def test_an_objection_needs_the_notice_running_and_says_so_in_chinese(township1, town1):
    ended = posted(township1, days_left=-1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        objection(ended, town1)
    assert "公示" in " ".join(refused.value.messages)


def test_another_township_cannot_object_or_see_the_notice(
    township1, township2, town1, town2, client_for
):
    application = posted(township1, person=PersonFactory(township=township1, name="公示人甲"))
    with pytest.raises(PermissionDenied):
        objection(application, town2)
    client = client_for(town2)
    assert client.get(reverse("relief:objection_new", args=[application.pk])).status_code == 404
    assert "公示人甲" not in client.get(reverse("relief:public_notice")).content.decode()
    assert "公示人甲" not in client.get(reverse("relief:public_notice_print")).content.decode()


def test_the_objection_form_answers_in_chinese_beside_the_field(township1, town1, client_for):
    application = posted(township1)
    response = client_for(town1).post(
        reverse("relief:objection_new", args=[application.pk]),
        {"objector": "村民张三", "content": "有异议", "raised_on": "2001-01-01"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "公示开始之前" in response.context["form"].errors["raised_on"][0]
    assert not NoticeObjection.objects.exists()


def test_the_list_to_post_masks_the_id_number(township1, town1, client_for):
    person = PersonFactory(township=township1, name="王秀英", id_number="11010519491231002X")
    posted(township1, person=person)
    page = client_for(town1).get(reverse("relief:public_notice_print")).content.decode()
    assert "王秀英" in page and "1101**********002X" in page
    assert "11010519491231002X" not in page


def test_the_bureau_resolves_from_the_page(township1, town1, officer, client_for):
    application = posted(township1, days_left=-1)
    application.notice_ends_on = TODAY()
    application.save()
    raised = objection(application, town1)
    client = client_for(officer)
    client.post(reverse("relief:objection_action", args=[raised.pk, "uphold"]), {"note": "属实"})
    raised.refresh_from_db()
    assert raised.status == ObjectionStatus.UPHELD


@pytest.mark.parametrize("size", [1, 12])
def test_the_notice_pages_cost_the_same_at_any_size(
    size, township1, town1, officer, client_for, django_assert_num_queries
):
    for _ in range(size):
        objection(posted(township1), town1)
    client = client_for(officer)
    client.get(reverse("relief:public_notice"))  # session and permissions warmed
    with django_assert_num_queries(QUERIES["list"]):
        assert client.get(reverse("relief:public_notice")).status_code == 200
    with django_assert_num_queries(QUERIES["print"]):
        assert client.get(reverse("relief:public_notice_print")).status_code == 200


QUERIES = {"list": 12, "print": 8}
