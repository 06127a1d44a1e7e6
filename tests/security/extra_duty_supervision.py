"""The URL matrix's rows for duty supervision (查岗, duty_roster) and accountability cases
(问责), and their objects: a failed spot check of township1's duty post, answered by the
township, and an accountability case about it with a decision as its document."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from accountability import services as accountability
from accountability.models import Decision, Ground
from duty_roster import services as duty
from tests.security.table import NONE, K

SPOT_CHECK = K(pk="@spot_check")
CASE = K(pk="@case")

# fmt: off
URLS = {
    # name                                  kwargs                                       anon i1   t1   t2   off  adm  sys  sec  aud
    # The 三员 get the list empty (the canaries check that), as every business list.
    "duty_roster:spot_checks":              (NONE,                                      "L    200  200  200  200  200  200  200  200"),
    # The list's workbook: the list's scope (the 三员 get it empty, as the list).
    "duty_roster:spot_checks_xlsx":         (NONE,                                      "L    200  200  200  200  200  200  200  200"),
    "duty_roster:spot_check_new":           (NONE,                                      "L    403  403  403  200  200  403  403  403"),
    # To the form of a post with a shift under way (the world's shift).
    "duty_roster:spot_check_random":        (NONE,                                      "L    403  403  403  302  302  403  403  403"),
    "duty_roster:spot_check_summary":       (NONE,                                      "L    403  403  403  200  200  403  403  403"),
    "duty_roster:spot_check_summary_xlsx":  (NONE,                                      "L    403  403  403  200  200  403  403  403"),
    # The township centre's post: its township's, not an institution's.
    "duty_roster:spot_check":               (SPOT_CHECK,                                "L    404  200  404  200  200  404  404  404"),
    "duty_roster:spot_check_action":        (K(pk="@spot_check", action="close"),       "L    405  405  405  405  405  405  405  405"),
    # Accountability: the county's alone, whoever asks.
    "accountability:list":                  (NONE,                                      "L    403  403  403  200  200  403  403  403"),
    "accountability:list_xlsx":             (NONE,                                      "L    403  403  403  200  200  403  403  403"),
    "accountability:new":                   (NONE,                                      "L    403  403  403  200  200  403  403  403"),
    "accountability:case":                  (CASE,                                      "L    403  403  403  200  200  403  403  403"),
    "accountability:add_document":          (CASE,                                      "L    403  403  403  405  405  403  403  403"),
    "accountability:document":              (K(pk="@case", document_pk="@case_document"), "L    403  403  403  200  200  403  403  403"),
}

ADMIN_MODELS = {
    #                                    changelist            add
    # model                              adm  sys  sec  aud    adm  sys  sec  aud
    "duty_roster.spotcheck":           ("403  403  403  403", "403  403  403  403"),
    "accountability.case":             ("403  403  403  403", "403  403  403  403"),
    "accountability.casedocument":     ("403  403  403  403", "403  403  403  403"),
}
# fmt: on

FINDING = "门卫代接值班电话，带班领导外出未报备"
RESPONSE = "已对带班领导提醒谈话并补办外出报备"
PERSON = "欧阳值守"
FACT = "节日期间查岗，带班领导擅离岗位"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def populate(w, users, outside):
    officer, town1 = users["officer"], users["town1"]
    w.spot_check = duty.record_spot_check(
        user=officer,
        post=w.post,
        checked_at=timezone.now() - datetime.timedelta(minutes=30),
        method="phone",
        answered_by="门卫",
        leader_present=False,
        officers_present=True,
        result="failed",
        findings=FINDING,
    )
    duty.answer_spot_check(check=w.spot_check, user=town1, response=RESPONSE)
    w.case = accountability.open_case(
        user=officer,
        ground=Ground.FAILED_DUTY,
        source=w.spot_check,
        person_name=PERSON,
        person_position="中心主任",
        fact=FACT,
        decision=Decision.TALK,
        decided_on=timezone.localdate(),
        documents=[("约谈记录", ContentFile(PDF, name="talk.pdf"))],
    )
    w.case_document = w.case.documents.get()
    outside += [FINDING, RESPONSE, PERSON, FACT]
