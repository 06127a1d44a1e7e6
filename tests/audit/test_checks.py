from audit.checks import retention_at_least_the_legal_minimum


def test_a_retention_below_180_days_is_warned_about(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    (warning,) = retention_at_least_the_legal_minimum(None)
    assert warning.id == "audit.W001"


def test_the_default_retention_passes(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    assert retention_at_least_the_legal_minimum(None) == []
