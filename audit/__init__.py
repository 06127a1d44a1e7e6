"""The audit log. Other apps record through this package's small interface:

    import audit
    audit.record(audit.Event.FULL_ID_SHOWN, request=request, obj=person)

(`audit.services.record` documents the arguments.) The package is imported while
Django loads its apps, before models exist: they are reached only when a call is made.
"""

from audit.events import Event, ObjectRef, Outcome

__all__ = ["Event", "ObjectRef", "Outcome", "record"]


def record(event, **kwargs):
    from audit.services import record

    return record(event, **kwargs)
