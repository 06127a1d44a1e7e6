"""Plans (预案): versions, who may write them, the form's refusals, the matrix, the document."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from institutions.models import InstitutionKind
from preparedness import services
from preparedness.models import Plan, PlanKind, PlanStatus
from tests.factories import InstitutionFactory
from tests.preparedness.conftest import errors_of, html_upload, pdf_upload
from tests.preparedness.factories import PlanFactory, stored_pdf

TODAY = timezone.localdate


def plan_data(**overrides):
    today = TODAY()
    data = {
        "title": "消防应急疏散预案",
        "owner": "王院长",
        "owner_phone": "13900000001",
        "approved_on": (today - datetime.timedelta(days=10)).isoformat(),
        "review_on": (today + datetime.timedelta(days=355)).isoformat(),
        "residents_unable_to_walk": "3",
        "evacuation_assignments": "101房 张某 → 护理员李某",
        "supersedes": "0",
    }
    data.update(overrides)
    return data


def new_plan_url(institution, kind="fire"):
    return reverse("preparedness:plan_new", args=[institution.pk, kind])


def test_a_new_version_supersedes_the_current_plan(institution1, town1):
    fields = {k: v for k, v in plan_data().items() if k not in ("owner_phone", "supersedes")}
    fields["approved_on"] = datetime.date.fromisoformat(fields["approved_on"])
    fields["review_on"] = datetime.date.fromisoformat(fields["review_on"])
    first = services.add_plan_version(
        institution=institution1, user=town1, kind=PlanKind.FIRE, **fields
    )
    second = services.add_plan_version(
        institution=institution1, user=town1, kind=PlanKind.FIRE, **fields
    )
    first.refresh_from_db()
    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current) == (2, True)
    assert list(Plan.objects.current()) == [second]


def test_institution_staff_add_a_plan_with_its_document_for_their_own_institution(
    client_for, inst1, institution1
):
    response = client_for(inst1).post(
        new_plan_url(institution1), {**plan_data(), "document": pdf_upload()}
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert plan.institution == institution1 and plan.created_by == inst1
    assert plan.document.name.endswith(".pdf") and "预案" not in plan.document.name


@pytest.mark.parametrize("who", ["inst2", "town2", "sysadmin"])
def test_nobody_outside_the_institutions_scope_may_add_a_plan(
    request, client_for, institution1, who
):
    user = request.getfixturevalue(who)
    response = client_for(user).post(new_plan_url(institution1), plan_data())
    assert response.status_code == 404
    assert not Plan.objects.exists()


def test_the_service_refuses_a_writer_outside_the_scope(institution1, town2):
    with pytest.raises(PermissionDenied):
        services.add_plan_version(
            institution=institution1, user=town2, kind=PlanKind.WINTER, title="x"
        )


def test_a_fire_plan_says_who_cannot_walk_and_who_moves_them(client_for, town1, institution1):
    client = client_for(town1)
    no_count = client.post(new_plan_url(institution1), plan_data(residents_unable_to_walk=""))
    no_helpers = client.post(new_plan_url(institution1), plan_data(evacuation_assignments=""))
    assert "请填写不能自行走出的入住人员人数" in errors_of(no_count)
    assert "请写明每位不能行走的入住人员由谁负责转移" in errors_of(no_helpers)
    assert not Plan.objects.exists()


def test_a_one_policy_plan_names_its_hospital_and_channel(client_for, town1, institution1):
    response = client_for(town1).post(
        new_plan_url(institution1, "one_policy"),
        plan_data(designated_hospital="", emergency_channel=""),
    )
    assert "请填写定点救治医院" in errors_of(response)
    assert "请说明急救通道" in errors_of(response)


def test_the_review_date_must_follow_the_approval_date(client_for, town1, institution1):
    today = TODAY()
    response = client_for(town1).post(
        new_plan_url(institution1),
        plan_data(review_on=(today - datetime.timedelta(days=20)).isoformat()),
    )
    assert "复审日期必须晚于批准日期" in errors_of(response)
    assert not Plan.objects.exists()


def test_a_page_that_is_not_a_pdf_or_photo_is_refused(client_for, town1, institution1):
    response = client_for(town1).post(
        new_plan_url(institution1), {**plan_data(), "document": html_upload()}
    )
    assert "请上传PDF文件" in errors_of(response)
    assert not Plan.objects.exists()


def test_an_unknown_kind_of_plan_is_not_found(client_for, town1, institution1):
    assert client_for(town1).get(new_plan_url(institution1, "nonsense")).status_code == 404


def test_the_matrix_flags_missing_and_overdue_plans(client_for, officer, institution1):
    today = TODAY()
    PlanFactory(institution=institution1, kind=PlanKind.FIRE)
    PlanFactory(
        institution=institution1,
        kind=PlanKind.WINTER,
        approved_on=today - datetime.timedelta(days=400),
        review_on=today - datetime.timedelta(days=1),
    )
    response = client_for(officer).get(reverse("preparedness:index"))
    [row] = response.context["rows"]
    statuses = dict(zip(PlanKind.values, [cell["status"] for cell in row["cells"]], strict=True))
    assert statuses == {
        PlanKind.FIRE: PlanStatus.CURRENT,
        PlanKind.INFECTION: PlanStatus.MISSING,
        PlanKind.ONE_POLICY: PlanStatus.MISSING,
        PlanKind.WINTER: PlanStatus.OVERDUE,
    }
    totals = {t["label"]: (t["in_order"], t["overdue"]) for t in response.context["totals"]}
    assert totals[PlanKind.WINTER.label] == (0, 1)


def test_a_registry_keeps_fire_and_winter_plans_only(client_for, officer, township1):
    registry = InstitutionFactory(township=township1, kind=InstitutionKind.MARRIAGE_REGISTRY)
    PlanFactory(institution=registry, kind=PlanKind.FIRE)
    PlanFactory(institution=registry, kind=PlanKind.WINTER)
    client = client_for(officer)
    response = client.get(reverse("preparedness:index"))
    [row] = response.context["rows"]
    assert [cell["status"] for cell in row["cells"]] == [
        PlanStatus.CURRENT,
        PlanStatus.NOT_REQUIRED,
        PlanStatus.NOT_REQUIRED,
        PlanStatus.CURRENT,
    ]
    assert client.get(reverse("preparedness:index"), {"gaps": "1"}).context["rows"] == []
    assert [t["missing"] for t in response.context["totals"]] == [0, 0, 0, 0]


def test_the_matrix_filters_by_township_and_by_gaps(
    client_for, officer, institution1, institution2
):
    for kind in PlanKind.values:
        PlanFactory(institution=institution1, kind=kind)
    client = client_for(officer)
    only_two = client.get(reverse("preparedness:index"), {"township": institution2.township_id})
    gaps = client.get(reverse("preparedness:index"), {"gaps": "1"})
    assert [r["institution"] for r in only_two.context["rows"]] == [institution2]
    assert [r["institution"] for r in gaps.context["rows"]] == [institution2]


def test_township_staff_see_only_their_townships_rows(
    client_for, town2, institution1, institution2
):
    response = client_for(town2).get(
        reverse("preparedness:index"), {"township": institution1.township_id}
    )
    assert [r["institution"] for r in response.context["rows"]] == [institution2]


@pytest.mark.parametrize("count", [2, 12])
def test_the_matrix_costs_the_same_queries_at_any_size(
    client_for, officer, township1, count, django_assert_num_queries
):
    for _ in range(count):
        place = InstitutionFactory(township=township1)
        PlanFactory(institution=place, kind=PlanKind.FIRE)
        PlanFactory(institution=place, kind=PlanKind.WINTER)
    client = client_for(officer)
    # The request's session, user and savepoints (7), townships, the count and the page
    # of institutions, their current plans, the totals per kind and the institutions
    # that must keep each kind.
    with django_assert_num_queries(13):
        response = client.get(reverse("preparedness:index"))
    assert len(response.context["rows"]) == count


def test_the_document_is_served_as_a_download_within_the_scope_only(
    client_for, inst1, town2, institution1
):
    plan = PlanFactory(institution=institution1, document=stored_pdf())
    url = reverse("preparedness:plan_document", args=[plan.pk])
    served = client_for(inst1).get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    assert client_for(town2).get(url).status_code == 404


def test_a_plan_without_a_document_has_none_to_serve(client_for, officer, institution1):
    plan = PlanFactory(institution=institution1)
    response = client_for(officer).get(reverse("preparedness:plan_document", args=[plan.pk]))
    assert response.status_code == 404


def test_the_same_form_sent_twice_adds_one_version(client_for, town1, institution1):
    client = client_for(town1)
    first = client.post(new_plan_url(institution1), plan_data())
    again = client.post(new_plan_url(institution1), plan_data())
    plan = Plan.objects.get()
    assert first.url == again.url == plan.get_absolute_url()
    next_version = client.post(new_plan_url(institution1), plan_data(supersedes="1"))
    assert next_version.status_code == 302
    assert list(Plan.objects.values_list("version", "is_current")) == [(2, True), (1, False)]


def test_the_gaps_filter_finds_every_kind_of_gap_and_only_those(client_for, officer, township1):
    today = TODAY()
    overdue = {
        "approved_on": today - datetime.timedelta(days=400),
        "review_on": today - datetime.timedelta(days=1),
    }

    def place(name, kind=InstitutionKind.ELDERLY_CARE, *, plans=PlanKind.values, **late):
        found = InstitutionFactory(township=township1, name=name, kind=kind)
        for plan_kind in plans:
            PlanFactory(institution=found, kind=plan_kind, **(late.get(plan_kind) or {}))
        return found

    place("A敬老院全部有效")
    short = place("B敬老院缺一院一策", plans=[PlanKind.FIRE, PlanKind.WINTER, PlanKind.INFECTION])
    late = place("C敬老院冬季预案逾期", **{PlanKind.WINTER: overdue})
    registry = InstitutionKind.MARRIAGE_REGISTRY
    place("D婚姻登记处两项有效", registry, plans=[PlanKind.FIRE, PlanKind.WINTER])
    # A plan it need not keep, kept past its review date, is still a plan overdue.
    extra = place(
        "E婚姻登记处多余预案逾期",
        registry,
        plans=[PlanKind.FIRE, PlanKind.WINTER, PlanKind.INFECTION],
        **{PlanKind.INFECTION: overdue},
    )
    bare = place("F婚姻登记处无预案", registry, plans=[])
    # A superseded version past its date is not the plan in force.
    Plan.objects.filter(institution__name="A敬老院全部有效", kind=PlanKind.FIRE).update(
        is_current=False
    )
    fresh = place("G敬老院旧版逾期新版有效")
    PlanFactory(institution=fresh, kind=PlanKind.FIRE, version=2, is_current=False, **overdue)
    gaps = client_for(officer).get(reverse("preparedness:index"), {"gaps": "1"})
    listed = [row["institution"] for row in gaps.context["rows"]]
    first = Plan.objects.get(institution__name="A敬老院全部有效", kind=PlanKind.FIRE)
    assert listed == sorted([first.institution, short, late, extra, bare], key=lambda i: i.name)


def test_the_gaps_list_keeps_the_township_code_order_whatever_the_ids(client_for, officer):
    from tests.factories import TownshipFactory

    # Created in the order of their codes, then one whose code comes first: ids no
    # longer follow codes, and the list must still go by code.
    later = TownshipFactory(code="419999002", name="后镇")
    earlier = TownshipFactory(code="419999001", name="前镇")
    for township in (later, earlier):
        for name in ("B", "A"):
            InstitutionFactory(township=township, name=f"{township.name}{name}敬老院")
    response = client_for(officer).get(reverse("preparedness:index"), {"gaps": "1"})
    names = [row["institution"].name for row in response.context["rows"]]
    assert names == ["前镇A敬老院", "前镇B敬老院", "后镇A敬老院", "后镇B敬老院"]
    plain = client_for(officer).get(reverse("preparedness:index"))
    assert [row["institution"].name for row in plain.context["rows"]] == names


def test_the_totals_are_counted_once_and_again_after_a_write(
    client_for, officer, institution1, django_assert_num_queries
):
    client = client_for(officer)
    url = reverse("preparedness:index")
    client.get(url)
    # Within the minute: neither the totals (two queries) nor the page count are counted
    # again (13 queries the first time).
    with django_assert_num_queries(10):
        again = client.get(url)
    fire = {t["label"]: t for t in again.context["totals"]}[PlanKind.FIRE.label]
    assert (fire["in_order"], fire["missing"]) == (0, 1)
    PlanFactory(institution=institution1, kind=PlanKind.FIRE)
    fire = {t["label"]: t for t in client.get(url).context["totals"]}[PlanKind.FIRE.label]
    assert (fire["in_order"], fire["missing"]) == (1, 0)
    # An institution closed is no longer one that must keep a plan.
    institution1.is_active = False
    institution1.save()
    fire = {t["label"]: t for t in client.get(url).context["totals"]}[PlanKind.FIRE.label]
    assert (fire["in_order"], fire["missing"]) == (0, 0)


def test_a_clerks_totals_are_their_townships_alone(
    client_for, officer, town2, institution1, institution2
):
    PlanFactory(institution=institution1, kind=PlanKind.FIRE)
    # The officer's figures are cached first: the clerk's must not be read from them.
    client_for(officer).get(reverse("preparedness:index"))
    totals = client_for(town2).get(reverse("preparedness:index")).context["totals"]
    fire = {t["label"]: t for t in totals}[PlanKind.FIRE.label]
    assert (fire["in_order"], fire["missing"]) == (0, 1)


def test_the_gaps_list_is_read_in_index_order_when_township_ids_follow_codes(
    officer, institution1, institution2
):
    from institutions.models import Township
    from preparedness import lists

    townships = list(Township.objects.order_by("code"))
    assert [t.pk for t in townships] == sorted(t.pk for t in townships)
    found = lists.plan_institutions(
        officer, township=None, gaps_only=True, today=TODAY(), townships=townships
    )
    # The index institution_list_order's own order: no join to sort by the code.
    assert found.query.order_by == ("township_id", "name")
    assert list(found) == sorted([institution1, institution2], key=lambda i: i.township.code)


def test_a_clerks_gaps_list_and_its_count_are_their_townships_alone(
    client_for, officer, town2, institution1, institution2
):
    url = reverse("preparedness:index")
    # The officer's count is cached first: the clerk's must not be read from it.
    assert client_for(officer).get(url, {"gaps": "1"}).context["page"].paginator.count == 2
    response = client_for(town2).get(url, {"gaps": "1", "township": institution1.township_id})
    assert [r["institution"] for r in response.context["rows"]] == [institution2]
    assert response.context["page"].paginator.count == 1
