"""The demo shows duty supervision end to end: spot checks, one failed and answered by its
township, and the accountability case opened for it, with its decision; seeding twice adds
nothing."""

import io

from django.core.management import call_command

from accountability.models import Case
from duty_roster.models import FollowUpState, SpotCheck


def test_demo_has_spot_checks_a_failed_one_answered_and_its_case(db):
    call_command("seed_demo", "--password", "demo-pass-x1", stdout=io.StringIO())
    failed = SpotCheck.objects.failed().get()
    assert failed.follow_up_state == FollowUpState.ANSWERED
    assert failed.post.township == failed.responded_by.township
    assert SpotCheck.objects.filter(result="passed").count() == 3
    case = Case.objects.get()
    assert case.spot_check == failed
    assert case.documents.get().file.read().startswith(b"%PDF-")

    call_command("seed_demo", "--password", "demo-pass-x1", stdout=io.StringIO())
    assert SpotCheck.objects.count() == 4 and Case.objects.count() == 1
