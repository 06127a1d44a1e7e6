"""A number already registered: said plainly in one's own township, never where else it is."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from relief import services
from relief.models import Person, RegistrationConflict, TransferRequest, TransferStatus
from tests.factories import TownshipFactory, TownshipStaffFactory
from tests.relief.factories import PersonFactory

NUMBER = "11010519491231002X"
FULL_WIDTH = "１１０１０５１９４９１２３１００２ｘ"


@pytest.fixture
def held_by_township1(township1):
    return PersonFactory(township=township1, name="王秀英", id_number=NUMBER, village="王庄村")


def person_data(township, **overrides):
    data = {
        "name": "王秀英",
        "id_number": NUMBER,
        "township": township.pk,
        "village": "马谷田村",
        "address": "",
        "phone": "",
        "monthly_income": "0",
    }
    data.update(overrides)
    return data


def test_own_township_is_told_the_number_is_registered_and_given_the_link(
    client_for, town1, township1, held_by_township1
):
    response = client_for(town1).post(reverse("relief:person_new"), person_data(township1))
    assert "已登记" in " ".join(response.context["form"].errors["id_number"])
    assert held_by_township1.get_absolute_url() in response.content.decode()
    assert Person.objects.count() == 1
    assert not RegistrationConflict.objects.exists()


def test_another_township_learns_nothing_about_where_or_who(
    client_for, town2, township2, held_by_township1
):
    response = client_for(town2).post(reverse("relief:person_new"), person_data(township2))
    errors = " ".join(response.context["form"].errors["id_number"])
    page = response.content.decode()
    assert "县民政局" in errors
    for secret in ("羊册镇", "王庄村", held_by_township1.get_absolute_url()):
        assert secret not in page
    assert Person.objects.count() == 1


def test_the_attempt_is_recorded_for_the_bureau_with_the_number_masked(
    client_for, town2, township2, held_by_township1
):
    client_for(town2).post(reverse("relief:person_new"), person_data(township2))
    conflict = RegistrationConflict.objects.get()
    assert (conflict.person, conflict.township, conflict.asked_by) == (
        held_by_township1,
        township2,
        town2,
    )
    assert conflict.masked_id == "1101**********002X"
    assert conflict.is_open


def test_the_attempt_is_logged_without_the_full_number(
    client_for, town2, township2, held_by_township1, caplog
):
    with caplog.at_level(logging.DEBUG):
        client_for(town2).post(reverse("relief:person_new"), person_data(township2))
    assert "1101**********002X" in caplog.text
    assert NUMBER not in caplog.text


def test_a_full_width_spelling_of_a_registered_number_is_the_same_number(
    client_for, town1, township1, held_by_township1
):
    response = client_for(town1).post(
        reverse("relief:person_new"), person_data(township1, id_number=FULL_WIDTH)
    )
    assert "id_number" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_a_new_number_typed_in_full_width_is_stored_in_ascii(client_for, town1, township1):
    response = client_for(town1).post(
        reverse("relief:person_new"), person_data(township1, id_number=FULL_WIDTH)
    )
    assert response.status_code == 302
    assert Person.objects.get().id_number == NUMBER


def test_a_number_pasted_with_spaces_is_not_cut_by_the_field_length(client_for, town1, township1):
    form = client_for(town1).get(reverse("relief:person_new")).context["form"]
    assert int(form.fields["id_number"].widget.attrs["maxlength"]) >= 30
    response = client_for(town1).post(
        reverse("relief:person_new"),
        person_data(township1, id_number="\u3000 110105 1949 1231 002X "),
    )
    assert response.status_code == 302
    assert Person.objects.get().id_number == NUMBER


def test_the_service_refuses_the_number_too(town2, township2, held_by_township1):
    with pytest.raises(services.IdNumberTaken) as refused:
        services.register_person(
            user=town2, township=township2, village="x", name="y", id_number=FULL_WIDTH
        )
    assert refused.value.holder is None
    assert refused.value.conflict.township == township2


def test_editing_a_number_into_another_townships_number_is_refused_the_same_way(
    client_for, town2, township2, held_by_township1
):
    mine = PersonFactory(township=township2)
    response = client_for(town2).post(
        reverse("relief:person_edit", args=[mine.pk]),
        person_data(township2, name=mine.name),
    )
    assert "县民政局" in " ".join(response.context["form"].errors["id_number"])
    assert "羊册镇" not in response.content.decode()
    mine.refresh_from_db()
    assert mine.id_number != NUMBER


# --- Transfers -------------------------------------------------------------------------------


@pytest.fixture
def conflict(town2, township2, held_by_township1):
    with pytest.raises(services.IdNumberTaken) as refused:
        services.register_person(
            user=town2, township=township2, village="马谷田村", name="王秀英", id_number=NUMBER
        )
    return refused.value.conflict


@pytest.fixture
def transfer(conflict, town2):
    return services.request_transfer(
        conflict=conflict, user=town2, village="马谷田村", address="8号", reason="随子女迁居"
    )


def test_the_refused_page_offers_a_transfer_request(
    client_for, town2, township2, held_by_township1
):
    response = client_for(town2).post(reverse("relief:person_new"), person_data(township2))
    conflict = RegistrationConflict.objects.get()
    assert reverse("relief:conflict_transfer", args=[conflict.pk]) in response.content.decode()
    assert response.context["transfer_form"].initial["village"] == "马谷田村"


def test_the_refused_township_asks_for_a_transfer_from_the_conflict(client_for, town2, conflict):
    response = client_for(town2).post(
        reverse("relief:conflict_transfer", args=[conflict.pk]),
        {"village": "马谷田村", "address": "", "reason": "随子女迁居"},
    )
    assert response.status_code == 302
    transfer = TransferRequest.objects.get()
    assert (transfer.from_township, transfer.to_township, transfer.status) == (
        conflict.person.township,
        conflict.township,
        TransferStatus.PENDING,
    )


def test_a_transfer_request_needs_a_reason_beside_the_field(client_for, town2, conflict):
    response = client_for(town2).post(
        reverse("relief:conflict_transfer", args=[conflict.pk]),
        {"village": "马谷田村", "address": "", "reason": ""},
    )
    assert "reason" in response.context["form"].errors
    assert not TransferRequest.objects.exists()


def test_another_township_cannot_use_someone_elses_conflict(client_for, town1, conflict):
    response = client_for(town1).post(
        reverse("relief:conflict_transfer", args=[conflict.pk]),
        {"village": "x", "address": "", "reason": "y"},
    )
    assert response.status_code == 404
    assert not TransferRequest.objects.exists()


def test_a_conflict_gives_one_transfer_request(town2, conflict, transfer):
    with pytest.raises(ValidationError):
        services.request_transfer(conflict=conflict, user=town2, village="x", reason="again")


def test_township_staff_cannot_approve_a_transfer(town1, town2, transfer):
    for clerk in (town1, town2):
        with pytest.raises(PermissionDenied):
            services.approve_transfer(transfer=transfer, user=clerk)


def test_an_approved_transfer_moves_the_person_and_keeps_their_history(
    client_for, officer, town2, township2, transfer
):
    person = transfer.person
    response = client_for(officer).post(
        reverse("relief:transfer_action", args=[transfer.pk, "approve"]), {"note": "已核实"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    transfer.refresh_from_db()
    assert (person.township, person.village, person.address) == (township2, "马谷田村", "8号")
    assert transfer.status == TransferStatus.APPROVED and transfer.decided_by == officer
    assert not transfer.conflict.__class__.objects.get(pk=transfer.conflict_id).is_open
    moved = person.history.first()
    assert (moved.township_id, moved.history_user) == (township2.pk, officer)
    assert person.history.count() >= 2
    assert client_for(town2).get(person.get_absolute_url()).status_code == 200


def test_a_refused_transfer_leaves_the_person_where_they_are(officer, township1, transfer):
    services.refuse_transfer(transfer=transfer, user=officer, note="身份证号码录入错误")
    transfer.person.refresh_from_db()
    assert transfer.person.township == township1
    assert not RegistrationConflict.objects.open().exists()


def test_a_transfer_waits_while_an_application_is_in_progress(officer, township1, transfer):
    from decimal import Decimal

    from tests.relief.factories import TemporaryAssistanceFactory

    services.file_application(
        user=TownshipStaffFactory(township=township1),
        person=transfer.person,
        programme=TemporaryAssistanceFactory(),
        amount=Decimal(100),
        reason="x",
    )
    with pytest.raises(ValidationError):
        services.approve_transfer(transfer=transfer, user=officer)


def test_the_bureau_closes_a_conflict_it_settled_otherwise(client_for, officer, conflict):
    client_for(officer).post(
        reverse("relief:conflict_resolve", args=[conflict.pk]), {"note": "号码录入错误，已电话告知"}
    )
    conflict.refresh_from_db()
    assert (conflict.is_open, conflict.resolved_by) == (False, officer)


def test_township_staff_cannot_close_a_conflict(client_for, town2, conflict):
    response = client_for(town2).post(
        reverse("relief:conflict_resolve", args=[conflict.pk]), {"note": "x"}
    )
    assert response.status_code == 403
    conflict.refresh_from_db()
    assert conflict.is_open


def test_the_requesting_township_sees_its_request_but_not_where_the_person_is(
    client_for, town2, transfer
):
    page = client_for(town2).get(reverse("relief:transfers")).content.decode()
    assert transfer.person.masked_id in page
    assert "羊册镇" not in page
    assert transfer.person.get_absolute_url() not in page


def test_the_bureau_sees_who_asked_and_the_person(client_for, officer, town2, transfer):
    page = client_for(officer).get(reverse("relief:transfers")).content.decode()
    assert "羊册镇" in page and "马谷田镇" in page
    assert transfer.person.get_absolute_url() in page


def test_a_third_township_sees_nothing_of_it(client_for, transfer):
    third = TownshipStaffFactory(township=TownshipFactory(code="411726985"))
    page = client_for(third).get(reverse("relief:transfers")).content.decode()
    assert transfer.person.masked_id not in page


@pytest.mark.parametrize("count", [1, 6])
def test_the_transfers_page_runs_the_same_queries_however_many_cases(
    client_for, officer, township1, township2, count, django_assert_num_queries
):
    clerk = TownshipStaffFactory(township=township2)
    for _ in range(count):
        held = PersonFactory(township=township1)
        with pytest.raises(services.IdNumberTaken) as refused:
            services.register_person(
                user=clerk, township=township2, village="x", name="y", id_number=held.id_number
            )
        services.request_transfer(
            conflict=refused.value.conflict, user=clerk, village="x", reason="y"
        )
        with pytest.raises(services.IdNumberTaken):
            services.register_person(
                user=clerk, township=township2, village="x", name="y", id_number=held.id_number
            )
    client = client_for(officer)
    # savepoint, session, user, the four lists, release; the session save in its own savepoint
    with django_assert_num_queries(11):
        client.get(reverse("relief:transfers"))
