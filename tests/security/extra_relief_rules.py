"""The URL matrix's rows for relief's rules of section 4: public notice (公示) and objections.

Township staff and the county use them within their scope; town2 gets 404 for township1's
application and objection and sees none of them in its lists; institution staff and the
三员 have no relief pages (403 for lists, 404 for objects).
"""

import datetime

from django.utils import timezone

from relief import services
from relief.models import ApplicationStatus
from tests.relief.factories import ApplicationFactory, PersonFactory
from tests.security.table import NONE, K

# fmt: off
URLS = {
    # name                                 kwargs                                          anon i1   t1   t2   off  adm  sys  sec  aud
    "relief:public_notice":                (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "relief:public_notice_print":          (NONE,                                          "L    403  200  200  200  200  403  403  403"),
    "relief:notice_release":               (NONE,                                          "L    405  405  405  405  405  405  405  405"),
    "relief:objection_new":                (K(pk="@notice_application"),                   "L    404  200  404  200  200  404  404  404"),
    "relief:objection_action":             (K(pk="@notice_objection", action="dismiss"),   "L    405  405  405  405  405  405  405  405"),
}

ADMIN_MODELS = {
    #                                    changelist            add
    # model                              adm  sys  sec  aud    adm  sys  sec  aud
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
