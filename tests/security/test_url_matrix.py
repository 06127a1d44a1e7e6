"""Every URL pattern × every role: the status of a GET, as declared in one table.

The patterns come from the URLconf itself (django.urls.get_resolver(), walked with its
namespaces), so a new view is in the matrix from the day it is added: a pattern without
a row fails `test_every_url_pattern_has_an_entry`, and a row whose pattern is gone fails
`test_every_entry_names_a_pattern_that_exists`. A row says how to build the pattern's
kwargs from the objects of tests/security/conftest.py, and what each role gets.

Columns, in order: anonymous; i1 (inst1, staff of institution1); t1 and t2 (town1 and
town2, township staff of township1 and township2); off (a bureau officer); adm (Role.ADMIN,
the business administrator, not a superuser); sys, sec and aud (the system, security and
audit administrators of 三员分立, who see no institution's data). Every object lives in
township1 / institution1, in the state its pages need, so town2 must not reach any of them.

Cells:
  200 / 403 / 404 / 405   that status (405: a GET of a view that takes POST only);
  L                       302 to the login page, with ?next= the page asked for;
  A                       302 to the admin site's login page;
  H                       302 to the home page (a page that is not for this role);
  302                     302 anywhere else (a notification opens what it points at, a
                          signed-in user on a login page goes on).

Beyond the status, every 200 is read:
- a page must hold no inline script, event handler, hx-on, javascript: URL or inline
  style (the patterns of tests/config/test_templates_csp.py): this catches what widgets
  and template tags render from Python. The admin may keep inline styles
  (config/security.py), never scripts;
- a page or .xlsx workbook sent to town2 or to the 三员 must not show a word of
  township1's objects (an institution's name, a hazard, a person, an ID number, ...), nor
  one sent to town1 who holds the ID number it was refused (the conftest's canaries).

A cell where the app is wrong is not frozen: the table says what it must answer, and
KNOWN_BUGS records what it answers today and why that is a bug. The role's test is then
an expected failure naming the bug, and fails once the bug is fixed until the entry goes.

The Django admin has two tables of its own. ADMIN_SITE covers the site's own views
(index, login, app index, ...). ADMIN_MODELS has a row per registered model: its
changelist and add views for the four roles that are staff (the business roles are not:
they get the admin login, checked for every model). Every other pattern of a model
(change, delete, history, the object-id redirect, a user's password) is covered by its
model's row: those views follow the changelist's rule (the model admin's permissions,
object by object), and `test_every_admin_pattern_has_an_entry` fails for a model
registered without a row.
"""

import io
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from config.xlsx import XLSX_CONTENT_TYPE
from tests.config.test_templates_csp import INLINE
from tests.conftest import verify_second_factor
from tests.security.conftest import ROLES, extra_tables
from tests.security.table import NONE, K

STAFF_ROLES = ("admin", "sysadmin", "secadmin", "auditor")
ADMIN_STYLE_CHECKS = {"a style attribute", "a <style> element"}  # allowed under /admin/
IMPORT_TOKEN = uuid.UUID("00000000-0000-4000-8000-000000000000")  # an upload no one made


PICKER_QUERY = {"field": "institutions", "q": "敬老院"}  # the campaign form's picker
TYPED_QUERY = {"institution_name": "敬老院"}  # the ledger's institution picker
ON_SITE = K(content_type_id="@institution_type", object_id="@institution1")


# fmt: off
URLS = {
    # name                             kwargs                                            anon i1   t1   t2   off  adm  sys  sec  aud
    "home":                            (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    # For monitoring: no sign-in, no data (database and broker up or not).
    "healthz":                         (NONE,                                           "200  200  200  200  200  200  200  200  200"),
    "login":                           (NONE,                                           "200  H    H    H    H    H    H    H    H"),
    "logout":                          (NONE,                                           "405  405  405  405  405  405  405  405  405"),
    "password_change":                 (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "password_change_done":            (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    # A GET changes nothing and goes back (the language is set by POST).
    "set_language":                    (NONE,                                           "H    H    H    H    H    H    H    H    H"),
    "lockouts":                        (NONE,                                           "L    403  403  403  403  403  403  200  403"),
    "lockout_unlock":                  (NONE,                                           "L    403  403  403  403  403  403  405  403"),
    # Signed in with the second factor done (or not needed), there is nothing to do here.
    "two_factor":                      (NONE,                                           "L    H    H    H    H    H    H    H    H"),

    # The 三员 administrators get the business lists empty (the canaries check that): a 200
    # with no row, not a 403.
    "institutions:list":               (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "institutions:create":             (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "institutions:detail":             (K(pk="@institution1"),                          "L    200  200  404  200  200  404  404  404"),
    "institutions:edit":               (K(pk="@institution1"),                          "L    200  200  404  200  200  404  404  404"),
    "institutions:townships":          (NONE,                                           "L    200  200  200  200  200  200  200  200"),

    "inspections:index":               (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "inspections:adhoc_new":           (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "inspections:results_xlsx":        (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "inspections:campaigns":           (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "inspections:campaign_new":        (NONE,                                           "L    403  403  403  200  200  403  403  403"),
    "inspections:campaign_options":    (K(PICKER_QUERY),                                "L    403  403  403  200  200  403  403  403"),
    "inspections:campaign_edit":       (K(pk="@campaign"),                              "L    403  403  403  200  200  403  403  403"),
    "inspections:campaign_launch":     (K(pk="@campaign"),                              "L    405  405  405  405  405  405  405  405"),
    # inst1 sees its institution's township inspection but does not fill it.
    "inspections:fill":                (K(pk="@draft"),                                 "L    403  200  404  200  200  404  404  404"),
    "inspections:answer":              (K(pk="@draft", item_pk="@item"),                "L    405  405  405  405  405  405  405  405"),
    "inspections:review":              (K(pk="@draft"),                                 "L    403  200  404  200  200  404  404  404"),
    "inspections:submit":              (K(pk="@draft"),                                 "L    405  405  405  405  405  405  405  405"),
    "inspections:result":              (K(pk="@submitted"),                             "L    200  200  404  200  200  404  404  404"),
    "inspections:print_record":        (K(pk="@submitted"),                             "L    200  200  404  200  200  404  404  404"),
    "inspections:ledger":              (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "inspections:institution_options": (K(TYPED_QUERY),                                 "L    200  200  200  200  200  200  200  200"),
    "inspections:ledger_xlsx":         (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "inspections:hazard":              (K(pk="@hazard"),                                "L    200  200  404  200  200  404  404  404"),
    "inspections:hazard_notice":       (K(pk="@hazard"),                                "L    200  200  404  200  200  404  404  404"),
    "inspections:hazard_action":       (K(pk="@hazard", action="verify"),               "L    405  405  405  405  405  405  405  405"),
    "inspections:decide_extension":    (K(pk="@hazard", extension_pk="@extension"),     "L    405  405  405  405  405  405  405  405"),
    "inspections:raise":               (K(institution_pk="@institution1"),              "L    403  200  404  200  200  404  404  404"),
    "inspections:answer_photo":        (K(pk="@answer"),                                "L    200  200  404  200  200  404  404  404"),
    "inspections:hazard_photo":        (K(pk="@hazard_photo"),                          "L    200  200  404  200  200  404  404  404"),

    "duty_roster:index":               (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:on_duty":             (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:posts":               (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:county_roster_xlsx":  (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:roster":              (K(pk="@post"),                                  "L    404  200  404  200  200  404  404  404"),
    "duty_roster:add_shift":           (K(pk="@post"),                                  "L    405  405  405  405  405  405  405  405"),
    "duty_roster:generate":            (K(pk="@post"),                                  "L    405  405  405  405  405  405  405  405"),
    "duty_roster:roster_xlsx":         (K(pk="@post"),                                  "L    404  200  404  200  200  404  404  404"),
    "duty_roster:roster_print":        (K(pk="@post"),                                  "L    404  200  404  200  200  404  404  404"),
    "duty_roster:shift":               (K(pk="@shift"),                                 "L    404  200  404  200  200  404  404  404"),
    "duty_roster:shift_action":        (K(pk="@shift", action="check_in"),              "L    405  405  405  405  405  405  405  405"),
    "duty_roster:swap_action":         (K(pk="@swap", action="approve"),                "L    405  405  405  405  405  405  405  405"),
    "duty_roster:leave":               (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:leave_xlsx":          (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:decide_leave":        (K(pk="@leave"),                                 "L    405  405  405  405  405  405  405  405"),
    "duty_roster:incidents":           (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:incidents_xlsx":      (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:incident_new":        (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "duty_roster:incident":            (K(pk="@incident"),                              "L    200  200  404  200  200  404  404  404"),
    "duty_roster:incident_action":     (K(pk="@incident", action="acknowledge"),        "L    405  405  405  405  405  405  405  405"),

    "relief:index":                    (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "relief:people":                   (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "relief:person_new":               (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "relief:person":                   (K(pk="@person"),                                "L    404  200  404  200  200  404  404  404"),
    "relief:person_edit":              (K(pk="@person"),                                "L    403  200  404  200  200  403  403  403"),
    "relief:person_action":            (K(pk="@person", action="visit"),                "L    405  405  405  405  405  405  405  405"),
    "relief:applications":             (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "relief:applications_xlsx":        (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "relief:application_action":       (K(pk="@application", action="review"),          "L    405  405  405  405  405  405  405  405"),
    "relief:batches":                  (NONE,                                           "L    403  403  403  200  200  403  403  403"),
    "relief:batch":                    (K(pk="@batch"),                                 "L    403  403  403  200  200  403  403  403"),
    "relief:batch_print":              (K(pk="@batch"),                                 "L    403  403  403  200  200  403  403  403"),
    "relief:batch_xlsx":               (K(pk="@batch"),                                 "L    403  200  404  200  200  403  403  403"),
    "relief:batch_action":             (K(pk="@batch", action="approve"),               "L    405  405  405  405  405  405  405  405"),
    "relief:visits":                   (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "relief:visits_xlsx":              (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "relief:transfers":                (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    # Only the refused township asks for a transfer; the county decides it.
    "relief:conflict_transfer":        (K(pk="@conflict"),                              "L    404  200  404  403  403  404  404  404"),
    "relief:conflict_resolve":         (K(pk="@conflict"),                              "L    405  405  405  405  405  405  405  405"),
    "relief:transfer_action":          (K(pk="@transfer", action="approve"),            "L    405  405  405  405  405  405  405  405"),

    "notifications:inbox":             (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "notifications:badge":             (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "notifications:open":              (K(pk="@notification"),                          "L    404  302  404  404  404  404  404  404"),
    "notifications:read":              (K(pk="@notification"),                          "L    405  405  405  405  405  405  405  405"),
    "notifications:read_all":          (NONE,                                           "L    405  405  405  405  405  405  405  405"),
    "notifications:preferences":       (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    # For the business administrator, not the 三员 (staff, but no institution's data).
    "notifications:failed":            (NONE,                                           "A    A    A    A    A    200  403  403  403"),
    "notifications:retry":             (NONE,                                           "A    A    A    A    A    405  405  405  405"),

    "daily_reports:index":             (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "daily_reports:periods":           (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    "daily_reports:day":               (K(day="@today"),                                "L    200  200  200  200  200  200  200  200"),
    "daily_reports:township_day":      (K(day="@today", pk="@township1"),               "L    403  200  404  200  200  404  404  404"),
    "daily_reports:summary":           (K(day="@today"),                                "L    200  200  200  200  200  200  200  200"),
    "daily_reports:summary_xlsx":      (K(day="@today"),                                "L    200  200  200  200  200  200  200  200"),
    # County roles read reports and file none.
    "daily_reports:file":              (K(kind="i", pk="@institution1", day="@today"),  "L    200  200  404  403  403  404  404  404"),
    "daily_reports:zero":              (K(kind="i", pk="@institution1", day="@today"),  "L    405  405  405  405  405  405  405  405"),
    "daily_reports:report":            (K(pk="@daily_report"),                          "L    404  200  404  200  200  404  404  404"),

    "dashboards:county":               (NONE,                                           "L    H    200  200  200  200  H    H    H"),
    "dashboards:inspections":          (NONE,                                           "L    H    200  200  200  200  H    H    H"),

    "exports:index":                   (NONE,                                           "L    200  200  200  200  200  200  200  200"),
    # An export is its requester's alone, an admin's included.
    "exports:job":                     (K(pk="@export_job"),                            "L    404  404  404  200  404  404  404  404"),
    "exports:download":                (K(pk="@export_job"),                            "L    404  404  404  200  404  404  404  404"),

    "imports:index":                   (NONE,                                           "L    403  200  200  200  200  403  403  403"),
    "imports:upload":                  (K(kind="people"),                               "L    403  200  200  200  200  403  403  403"),
    "imports:template":                (K(kind="people"),                               "L    403  200  200  200  200  403  403  403"),
    "imports:confirm":                 (K(kind="people", token=IMPORT_TOKEN),           "L    405  405  405  405  405  405  405  405"),
    # Without the uploader's session an upload does not exist.
    "imports:progress":                (K(kind="people", token=IMPORT_TOKEN),           "L    403  404  404  404  404  403  403  403"),
    "imports:rejects":                 (K(kind="people", token=IMPORT_TOKEN),           "L    403  404  404  404  404  403  403  403"),

    # The audit log is the audit administrator's alone (and a superuser's), an admin's not.
    "audit:list":                      (NONE,                                           "L    403  403  403  403  403  403  403  200"),
}
# fmt: on

# Cells where the app answers otherwise than URLS says it must: bugs reported, not frozen.
# While a bug holds (the app answers as recorded here) the role's test is an expected
# failure that names it; once it is fixed the test fails until its entry is removed.
# (None today: the failed deliveries' page and the institutions' admin were the 三员's,
# and are no longer.)
KNOWN_BUGS = {}

# The admin site's own views (not a model's).
# fmt: off
ADMIN_SITE = {
    # name                             kwargs                                            anon i1   t1   t2   off  adm  sys  sec  aud
    "admin:index":                     (NONE,                                           "A    A    A    A    A    200  200  200  200"),
    "admin:login":                     (NONE,                                           "200  200  200  200  200  302  302  302  302"),
    "admin:logout":                    (NONE,                                           "302  302  302  302  302  405  405  405  405"),
    "admin:password_change":           (NONE,                                           "A    A    A    A    A    200  200  200  200"),
    "admin:password_change_done":      (NONE,                                           "A    A    A    A    A    200  200  200  200"),
    "admin:autocomplete":              (NONE,                                           "A    A    A    A    A    403  403  403  403"),
    "admin:jsi18n":                    (NONE,                                           "A    A    A    A    A    200  200  200  200"),
    "admin:view_on_site":              (ON_SITE,                                        "A    A    A    A    A    302  302  302  302"),
    "admin:app_list":                  (K(app_label="institutions"),                    "A    A    A    A    A    200  200  200  404"),
    "admin/(?P<url>.*)$":              (K(path="/admin/no-such-page/"),                 "A    A    A    A    A    404  404  404  404"),
}
# fmt: on

# Each registered model's changelist and add views for the roles that may work in the admin
# (the business roles are never staff: they get the admin login, asserted for every model).
# fmt: off
ADMIN_MODELS = {
    #                                    changelist            add
    # model                              adm  sys  sec  aud    adm  sys  sec  aud
    "audit.auditarchive":              ("403  403  403  200", "403  403  403  403"),
    "audit.auditevent":                ("403  403  403  200", "403  403  403  403"),
    "auth.group":                      ("403  403  403  403", "403  403  403  403"),
    "axes.accessattempt":              ("403  403  200  403", "403  403  403  403"),
    "axes.accessfailurelog":           ("403  403  200  403", "403  403  403  403"),
    "axes.accesslog":                  ("403  403  200  403", "403  403  403  403"),
    "daily_reports.dailyreport":       ("403  403  403  403", "403  403  403  403"),
    "daily_reports.reportingperiod":   ("200  403  403  403", "403  403  403  403"),
    "duty_roster.attendance":          ("403  403  403  403", "403  403  403  403"),
    "duty_roster.dutypost":            ("200  403  403  403", "200  403  403  403"),
    "duty_roster.holiday":             ("200  403  403  403", "200  403  403  403"),
    "duty_roster.incident":            ("403  403  403  403", "403  403  403  403"),
    "duty_roster.leaveapprover":       ("200  403  403  403", "200  403  403  403"),
    "duty_roster.leavereport":         ("403  403  403  403", "403  403  403  403"),
    "duty_roster.shift":               ("403  403  403  403", "403  403  403  403"),
    "duty_roster.swaprequest":         ("403  403  403  403", "403  403  403  403"),
    "exports.exportjob":               ("403  403  403  403", "403  403  403  403"),
    "inspections.campaign":            ("200  403  403  403", "403  403  403  403"),
    "inspections.checklisttemplate":   ("200  403  403  403", "200  403  403  403"),
    "inspections.deadlineextension":   ("403  403  403  403", "403  403  403  403"),
    "inspections.hazard":              ("403  403  403  403", "403  403  403  403"),
    "inspections.inspection":          ("403  403  403  403", "403  403  403  403"),
    "inspections.section":             ("200  403  403  403", "200  403  403  403"),
    "inspections.templateversion":     ("200  403  403  403", "403  403  403  403"),
    "institutions.institution":        ("200  403  403  403", "403  403  403  403"),
    "institutions.township":           ("200  200  200  403", "403  200  403  403"),
    "institutions.user":               ("403  200  200  403", "403  200  403  403"),
    "notifications.delivery":          ("403  403  403  403", "403  403  403  403"),
    "notifications.notification":      ("403  403  403  403", "403  403  403  403"),
    "notifications.preference":        ("403  403  403  403", "403  403  403  403"),
    "notifications.rule":              ("200  403  403  403", "403  403  403  403"),
    "otp_totp.totpdevice":             ("403  403  200  403", "403  403  403  403"),
    "notifications.webhook":           ("200  403  403  403", "200  403  403  403"),
    "relief.application":              ("403  403  403  403", "403  403  403  403"),
    "relief.disbursementbatch":        ("403  403  403  403", "403  403  403  403"),
    "relief.homevisit":                ("403  403  403  403", "403  403  403  403"),
    "relief.household":                ("403  403  403  403", "403  403  403  403"),
    "relief.payment":                  ("403  403  403  403", "403  403  403  403"),
    "relief.person":                   ("403  403  403  403", "403  403  403  403"),
    "relief.programme":                ("200  403  403  403", "200  403  403  403"),
    "relief.registrationconflict":     ("403  403  403  403", "403  403  403  403"),
    "relief.transferrequest":          ("403  403  403  403", "403  403  403  403"),
    "relief.visitrule":                ("200  403  403  403", "200  403  403  403"),
}
# fmt: on


# Tables of the areas that keep their rows beside their world (tests/security/extra_*.py).
for _extra in extra_tables():
    URLS.update(_extra.URLS)
    ADMIN_MODELS.update(getattr(_extra, "ADMIN_MODELS", {}))


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, route


def url_patterns():
    """[(name or None, route)] of every pattern of the URLconf, namespaces included."""
    return list(_walk(get_resolver()))


def _tokens(row):
    tokens = row.split()
    assert len(tokens) == len(ROLES), f"{row!r} has {len(tokens)} cells, not {len(ROLES)}"
    return tokens


def get(client, path):
    """GET path; `response.body` is what was sent. A streamed body is read to its end: the
    test client then closes it with the request_finished handlers held off (calling
    response.close() here would run them, and they close the test's connection)."""
    response = client.get(path)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def _observed(response, path):
    """What the response is, in the table's words."""
    if response.status_code != 302:
        return str(response.status_code)
    target = urlsplit(response["Location"])
    if target.path == resolve_url(settings.LOGIN_URL):
        return "L" if parse_qs(target.query).get("next") == [path] else "302"
    if target.path == reverse("admin:login"):
        return "A"
    if target.path == reverse("home"):
        return "H"
    return "302"


def _html(response):
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    return response.body.decode(response.charset or "utf-8", "replace")


def _inline_found(response, path):
    """What the Content-Security-Policy would refuse in the page, with where it is."""
    text = _html(response)
    found = []
    for what, pattern in INLINE.items():
        if path.startswith("/admin/") and what in ADMIN_STYLE_CHECKS:
            continue
        match = pattern.search(text)
        if match:
            found.append(f"{what} ({text[max(0, match.start() - 60) : match.end() + 60]!r})")
    return found


def _shown_text(response):
    """The text a person gets: the page, or every cell of a workbook."""
    if response.get("Content-Type", "") == XLSX_CONTENT_TYPE:
        book = load_workbook(io.BytesIO(response.body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return _html(response)


def check(client, path, expected, label, canaries=()):
    """[problems] of GET path: its answer against the expected cell; a 200 with inline
    script or style, or with a canary (another scope's data) in its page or workbook."""
    return _problems(get(client, path), path, expected, label, canaries)


def _problems(response, path, expected, label, canaries=()):
    seen = _observed(response, path)
    problems = []
    if seen != expected:
        where = f" -> {response['Location']}" if response.status_code == 302 else ""
        problems.append(f"{label}: {path} expected {expected}, got {seen}{where}")
    if response.status_code == 200:
        problems += [f"{label}: {path} has {what}" for what in _inline_found(response, path)]
        if canaries:
            shown = _shown_text(response)
            problems += [f"{label}: {path} shows {word!r}" for word in canaries if word in shown]
    return problems


def _path(name, spec, world):
    path = spec.path or reverse(name, kwargs=spec.build(world))
    return f"{path}?{urlencode(spec.query)}" if spec.query else path


def _sign_in(client, role_users, role):
    """Signed in all the way: with the second factor where the role needs one."""
    user = role_users[role]
    if user is not None:
        client.force_login(user)
        verify_second_factor(client, user)


# --- The site ---------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry():
    missing = [
        name or route
        for name, route in url_patterns()
        if not (name or "").startswith("admin:")
        and not route.startswith("admin/")
        and (name or route) not in URLS
    ]
    assert not missing, "URL patterns with no row in URLS (add one): " + ", ".join(missing)


def test_every_entry_names_a_pattern_that_exists():
    known = {name or route for name, route in url_patterns()}
    stale = [name for name in URLS if name not in known]
    assert not stale, "rows of URLS whose pattern is gone: " + ", ".join(stale)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_declared(role, world, role_users, client):
    _sign_in(client, role_users, role)
    column = ROLES.index(role)
    canaries = world.canaries.get(role, ())
    problems, known = [], []
    for name, (spec, row) in URLS.items():
        path = _path(name, spec, world)
        _check_cell(client, path, name, role, _tokens(row)[column], canaries, problems, known)
    _report(problems, known)


def _check_cell(client, path, name, role, expected, canaries, problems, known):
    """Check one cell into `problems`; a cell of KNOWN_BUGS that still answers as recorded
    goes into `known` instead, and one that no longer does must match the table."""
    bug = KNOWN_BUGS.get((name, role))
    if bug is None:
        problems += check(client, path, expected, role, canaries)
        return
    response = get(client, path)
    if _observed(response, path) == bug[0]:
        known.append(f"{path}: {bug[1]}")
    else:
        problems += _problems(response, path, expected, role, canaries) or [
            f"{role}: {path} is fixed: remove ({name!r}, {role!r}) from KNOWN_BUGS"
        ]


def _report(problems, known):
    assert not problems, "\n".join(problems)
    if known:
        pytest.xfail("known bugs: " + "; ".join(known))


# --- The admin ----------------------------------------------------------------------------


def _admin_model_of(route):
    """The model ("institutions.user") of a pattern under admin/institutions/user/, or None."""
    parts = route.split("/")
    if len(parts) > 3 and parts[0] == "admin":
        label = f"{parts[1]}.{parts[2]}"
        if label in registered_models():
            return label
    return None


def registered_models():
    return {f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry}


def _admin_patterns():
    return [
        (name, route)
        for name, route in url_patterns()
        if (name or "").startswith("admin:") or route.startswith("admin/")
    ]


def test_every_admin_pattern_has_an_entry():
    missing = []
    for name, route in _admin_patterns():
        model = _admin_model_of(route)
        if model is not None:
            if model not in ADMIN_MODELS:
                missing.append(f"{model} (ADMIN_MODELS)")
        elif (name or route) not in ADMIN_SITE:
            missing.append(f"{name or route} (ADMIN_SITE)")
    missing = sorted(set(missing))
    assert not missing, "admin patterns with no row: " + ", ".join(missing)


def test_every_admin_entry_names_a_pattern_that_exists():
    known = {name or route for name, route in _admin_patterns()}
    stale = [name for name in ADMIN_SITE if name not in known]
    stale += [label for label in ADMIN_MODELS if label not in registered_models()]
    assert not stale, "admin rows whose pattern or model is gone: " + ", ".join(stale)


def _admin_cell(label, view, role):
    if role not in STAFF_ROLES:
        return "A"
    changelist, add = (row.split() for row in ADMIN_MODELS[label])
    cells = changelist if view == "changelist" else add
    return cells[STAFF_ROLES.index(role)]


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_answers_each_role_as_declared(role, admin_world, role_users, client):
    _sign_in(client, role_users, role)
    column = ROLES.index(role)
    problems, known = [], []
    for name, (spec, row) in ADMIN_SITE.items():
        path = _path(name, spec, admin_world)
        _check_cell(client, path, name, role, _tokens(row)[column], (), problems, known)
    for label in sorted(ADMIN_MODELS):
        app_label, model_name = label.split(".")
        for view in ("changelist", "add"):
            name = f"admin:{app_label}_{model_name}_{view}"
            expected = _admin_cell(label, view, role)
            _check_cell(client, reverse(name), name, role, expected, (), problems, known)
    _report(problems, known)
