"""Every URL pattern as a village worker (村级工作人员), the role below the township.

A village worker opens the pages of accounts.middleware.VILLAGE_WORKER_PAGES and nothing
else: every other pattern of the URLconf (the admin site's included) answers 403, whatever
the view itself would say, so a page added later is closed to them until someone opens it on
purpose. On the pages they may open they see the people of their own village: a worker of
another village of the same township gets 404 for the world's objects (all in 王庄村), and
neither sees a full ID number, an application's reason or anything of the institutions.
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.middleware import VILLAGE_WORKER_PAGES
from institutions.models import Role
from tests.factories import UserFactory
from tests.security.test_url_matrix import (
    ADMIN_SITE,
    URLS,
    _path,
    check,
    url_patterns,
)

# What the pages they may open answer: (the worker of 王庄村, the worker of 李湾村).
# fmt: off
OPEN = {
    "home":                        ("200", "200"),
    "healthz":                     ("200", "200"),
    "login":                       ("H",   "H"),
    "logout":                      ("405", "405"),
    "password_change":             ("200", "200"),
    "password_change_done":        ("200", "200"),
    "set_language":                ("H",   "H"),
    "two_factor":                  ("H",   "H"),
    "notifications:inbox":         ("200", "200"),
    "notifications:badge":         ("200", "200"),
    "notifications:open":          ("404", "404"),  # town1's notification
    "notifications:read":          ("405", "405"),
    "notifications:read_all":      ("405", "405"),
    "notifications:preferences":   ("200", "200"),
    "relief:index":                ("302", "302"),  # to their people list
    "relief:people":               ("200", "200"),
    "relief:person":               ("200", "404"),
    "relief:person_action":        ("405", "405"),
    "relief:visits":               ("200", "200"),
    "relief:recognitions":         ("200", "200"),
    "relief:recognition_new":      ("200", "404"),
    "relief:recognition":          ("200", "404"),
    "relief:found_reports":        ("200", "200"),
    "relief:found_report_new":     ("200", "200"),
    "relief:found_report":         ("200", "404"),
}
# fmt: on


@pytest.fixture
def village_workers(township1):
    own = UserFactory(
        username="village_own", role=Role.VILLAGE_WORKER, township=township1, village="王庄村"
    )
    other = UserFactory(
        username="village_other", role=Role.VILLAGE_WORKER, township=township1, village="李湾村"
    )
    return own, other


def test_the_open_pages_are_exactly_the_allowed_ones():
    assert set(OPEN) == set(VILLAGE_WORKER_PAGES)
    known = {name for name, _route in url_patterns()}
    assert known >= VILLAGE_WORKER_PAGES


def _never_shown(world):
    """What no village worker's page may show: full ID numbers, what a person applied
    for and was refused, the institutions' records."""
    return [
        world.person.id_number,
        world.recognition_child.id_number,
        world.application.reason,
        world.institution1.name,
        world.hazard.description,
        world.incident.summary,
        world.leave.destination,
    ]


@pytest.mark.parametrize("which", ["own", "other"])
def test_every_url_answers_the_village_worker_as_declared(which, world, village_workers, client):
    user = village_workers[0 if which == "own" else 1]
    client.force_login(user)
    world.institution_type = ContentType.objects.get_for_model(world.institution1)  # ADMIN_SITE
    column = 0 if which == "own" else 1
    canaries = _never_shown(world)
    if which == "other":
        # Nothing of 王庄村's people either.
        canaries += [world.person.name, world.found_report.name, world.found_report.situation]
    problems = []
    for name, (spec, _row) in {**URLS, **ADMIN_SITE}.items():
        expected = OPEN[name][column] if name in OPEN else "403"
        problems += check(client, _path(name, spec, world), expected, which, canaries)
    assert not problems, "\n".join(problems)
