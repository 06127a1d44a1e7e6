"""What a browser may run, use and keep: CSP, Permissions-Policy, no-store (config/security.py)."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from config.security import SecurityHeadersMiddleware


def directives(header):
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_a_page_may_run_only_this_sites_scripts_and_styles(client_for, officer):
    response = client_for(officer).get(reverse("home"))
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_no_camera_microphone_or_location_from_script(client_for, officer):
    response = client_for(officer).get(reverse("home"))
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_login_page_has_the_policy_too():
    response = Client().get(reverse("login"))
    assert "Content-Security-Policy" in response


def test_signed_in_pages_and_files_are_not_stored(client_for, officer, institution1):
    client = client_for(officer)
    for url in (reverse("home"), reverse("inspections:ledger"), reverse("inspections:ledger_xlsx")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_the_admin_may_use_inline_styles_but_never_inline_scripts(client_for, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    response = client_for(admin_user).get("/admin/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'"


def test_report_only_is_a_setting(settings, rf):
    settings.CSP_REPORT_ONLY = True
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse())
    response = middleware(rf.get("/"))
    assert "Content-Security-Policy-Report-Only" in response
    assert "Content-Security-Policy" not in response
