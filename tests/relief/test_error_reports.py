"""An error report (the debug page, the e-mail to admins) never carries an ID number."""

import pytest
from django.urls import reverse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from relief import services
from tests.relief.factories import PersonFactory

NUMBER = "11010519491231002X"


def person_data(township, **overrides):
    return {
        "name": "王秀英",
        "id_number": NUMBER,
        "township": township.pk,
        "village": "王庄村",
        "address": "",
        "phone": "",
        "monthly_income": "0",
        **overrides,
    }


def reported_post(response):
    return SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)


def test_the_register_page_marks_the_posted_number_sensitive(client_for, town1, township1):
    response = client_for(town1).post(reverse("relief:person_new"), person_data(township1))
    assert reported_post(response)["id_number"] != NUMBER


def test_the_edit_page_marks_the_posted_number_sensitive(client_for, town1, township1):
    person = PersonFactory(township=township1)
    response = client_for(town1).post(
        reverse("relief:person_edit", args=[person.pk]), person_data(township1)
    )
    assert reported_post(response)["id_number"] != NUMBER


def test_the_admin_person_form_marks_the_posted_number_sensitive(client_for, admin_user, township1):
    response = client_for(admin_user).post(
        reverse("admin:relief_person_add"), person_data(township1)
    )
    assert reported_post(response)["id_number"] != NUMBER


def test_a_crash_inside_registration_reports_no_number(town1):
    with pytest.raises(AttributeError) as crash:
        services.register_person(user=town1, township=None, name="x", id_number=NUMBER)
    report = ExceptionReporter(None, crash.type, crash.value, crash.tb).get_traceback_html()
    assert "register_person" in report  # the report has the frame, with its variables
    assert NUMBER not in report
