from django.db.models import Count, Q
from django.utils import timezone

from inspections.models import Hazard, HazardStatus, Inspection, InspectionStatus


def panels(user):
    today = timezone.localdate()
    inspections = Inspection.objects.visible_to(user).aggregate(
        due=Count("pk", filter=Q(status=InspectionStatus.DRAFT, due_on__gte=today)),
        overdue=Count("pk", filter=Q(status=InspectionStatus.DRAFT, due_on__lt=today)),
    )
    hazards = Hazard.objects.visible_to(user).aggregate(
        overdue_hazards=Count("pk", filter=~Q(status=HazardStatus.CLOSED) & Q(deadline__lt=today)),
        awaiting=Count("pk", filter=Q(status=HazardStatus.SUBMITTED)),
        supervised=Count(
            "pk", filter=~Q(status=HazardStatus.CLOSED) & Q(supervised_at__isnull=False)
        ),
    )
    if not user.is_county_wide:
        del hazards["supervised"]  # the bureau's own work list
    return [{"template": "inspections/_home_panel.html", **inspections, **hazards}]
