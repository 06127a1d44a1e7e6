# The key's uniqueness moves to a named constraint (one index instead of two); the
# foreign-key indexes that other indexes cover go, and the unread index holds unread
# rows only: every scan inserts into each of them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_subject_and_step'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(fields=('key',), name='notification_once'),
        ),
        migrations.RemoveIndex(
            model_name='notification',
            name='notification_unread',
        ),
        migrations.AlterField(
            model_name='notification',
            name='key',
            field=models.CharField(max_length=200, verbose_name='key'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='recipient',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='webhook',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='notifications.webhook', verbose_name='group robot'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient', '-created_at', '-id'], name='notification_unread_list'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('webhook__isnull', False)), fields=['webhook'], name='notification_robot'),
        ),
    ]
