"""Demo accountability: one case, for the failed spot check of the demo duty data, with a
one-page decision as its document."""

from django.core.files.base import ContentFile
from django.utils import timezone

from accountability import services
from accountability.models import Case, Decision, Ground
from duty_roster.models import SpotCheck
from institutions.models import User

# A minimal one-page PDF, written here rather than shipped as a file.
DECISION_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def seed(*, password, stdout):
    if Case.objects.exists():
        stdout.write(f"accountability: {Case.objects.count()} cases (kept)")
        return
    failed = SpotCheck.objects.failed().select_related("post").order_by("checked_at").first()
    if failed is None:
        stdout.write("accountability: no failed spot check to ground a case")
        return
    officer = User.objects.get(username="officer")
    services.open_case(
        user=officer,
        ground=Ground.FAILED_DUTY,
        source=failed,
        person_name="刘建国",
        person_position="社会事务服务中心主任（当班带班领导）",
        fact=(
            f"{timezone.localtime(failed.checked_at):%Y年%m月%d日%H时%M分}电话查岗，"
            "带班领导不在岗，值班电话由门卫接听，值班记录未填写。"
        ),
        decision=Decision.TALK,
        decided_on=timezone.localdate(),
        documents=[("约谈记录", ContentFile(DECISION_PDF, name="decision.pdf"))],
    )
    stdout.write("accountability: 1 case")
