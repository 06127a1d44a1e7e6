from django.db import migrations, models


class Migration(migrations.Migration):
    """Filing, township review and bureau decision are three people's work; a batch is
    approved by someone other than its maker. 0003 cleared the rows that broke this."""

    dependencies = [
        ("relief", "0003_normalise_and_separate_duties"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=models.Q(("reviewed_by", models.F("filed_by")), _negated=True),
                name="application_filer_does_not_review",
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=models.Q(("decided_by", models.F("filed_by")), _negated=True),
                name="application_filer_does_not_decide",
            ),
        ),
        migrations.AddConstraint(
            model_name="disbursementbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(("approved_by", models.F("created_by")), _negated=True),
                name="batch_approved_by_another",
            ),
        ),
    ]
