"""The URL matrix's rows for relief's rules of section 4: public notice (公示) and objections,
the recognition (认定) of orphans and de-facto unsupported children, the price subsidy's
triggers (the county's only), low-income monitoring flags.

Township staff and the county use them within their scope; town2 gets 404 for township1's
application and objection and sees none of them in its lists; institution staff and the
三员 have no relief pages (403 for lists, 404 for objects).
"""

import datetime

from django.utils import timezone

from relief import services
from relief.models import ApplicationStatus
from tests.relief.factories import ApplicationFactory, PersonFactory, id_number
from tests.security.table import NONE, K

# fmt: off
URLS = {
    # name                                 kwargs                                          anon i1   t1   t2   off  adm  sys  sec  aud
    "relief:public_notice":                (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "relief:public_notice_print":          (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "relief:notice_release":               (NONE,                                          "L    405  405  405  405  405  405  405  405"),
    "relief:objection_new":                (K(pk="@notice_application"),                   "L    404  200  404  200  200  404  404  404"),
    "relief:objection_action":             (K(pk="@notice_objection", action="dismiss"),   "L    405  405  405  405  405  405  405  405"),
    "relief:price_triggers":               (NONE,                                          "L    403  403  403  200  200  403  403  403"),
    "relief:monitoring":                   (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "relief:monitoring_new":               (K(person_pk="@recognition_child"),             "L    404  200  404  200  200  404  404  404"),
    "relief:monitoring_review":            (K(pk="@monitoring_flag"),                      "L    405  405  405  405  405  405  405  405"),
    "relief:recognitions":                 (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "relief:recognition_new":              (K(person_pk="@recognition_child"),             "L    404  200  404  200  200  404  404  404"),
    "relief:recognition":                  (K(pk="@recognition"),                          "L    404  200  404  200  200  404  404  404"),
    "relief:recognition_action":           (K(pk="@recognition", action="confirm"),        "L    405  405  405  405  405  405  405  405"),
}

ADMIN_MODELS = {
    #                                    changelist            add
    # model                              adm  sys  sec  aud    adm  sys  sec  aud
    "relief.childrecognition":         ("403  403  403  403", "403  403  403  403"),
    "relief.pricetrigger":             ("403  403  403  403", "403  403  403  403"),
    "relief.monitoringflag":           ("403  403  403  403", "403  403  403  403"),
    "relief.noticeobjection":          ("403  403  403  403", "403  403  403  403"),
}
# fmt: on


def populate(w, users, outside):
    today = timezone.localdate()
    person = PersonFactory(township=w.township1, name="公示人王五")
    w.notice_application = ApplicationFactory(
        person=person,
        filed_by=users["town1"],
        status=ApplicationStatus.APPROVED,
        reason="房屋漏雨修缮",
        notice_starts_on=today - datetime.timedelta(days=2),
        notice_ends_on=today + datetime.timedelta(days=4),
    )
    w.notice_objection = services.raise_objection(
        application=w.notice_application,
        user=users["town1"],
        objector="异议村民赵六",
        content="其子在县城有商品房",
        raised_on=today,
    )
    outside += [person.name, w.notice_objection.objector, w.notice_objection.content]

    w.recognition_child = PersonFactory(
        township=w.township1,
        name="认定儿童孙七",
        id_number=id_number(7, born=today.replace(year=today.year - 9, day=1)),
    )
    w.recognition = services.report_child(
        user=users["town1"],
        person=w.recognition_child,
        kind="unsupported_child",
        reporter_name="村级信息员周八",
        found_on=today,
        circumstances="父亲重病卧床，母亲离家两年未归",
    )
    outside += [
        w.recognition_child.name,
        w.recognition.reporter_name,
        w.recognition.circumstances,
    ]
    w.monitoring_flag = services.flag_for_monitoring(
        user=users["town1"],
        person=person,
        reason="rigid_spending",
        review_on=today + datetime.timedelta(days=30),
        note="长子患尿毒症每周透析",
    )
    outside.append(w.monitoring_flag.note)
