"""The value reminders already sent become notices of the notification engine, carried by a
digest marked sent on the day they went, so that nobody is reminded of them again; then the
reminders' own table goes."""

from django.db import migrations
from django.utils import timezone

from targets import periods

KINDS = {"due_soon": "value_due_soon", "late": "value_late", "escalation": "value_escalated"}


def reminders_into_notices(apps, schema_editor):
    Reminder = apps.get_model("targets", "Reminder")
    Notice = apps.get_model("targets", "Notice")
    Digest = apps.get_model("targets", "Digest")
    db = schema_editor.connection.alias
    rows = list(
        Reminder.objects.using(db)
        .filter(recipient__isnull=False).select_related("measure").order_by("pk")
    )
    digests = {}
    for row in rows:
        day = timezone.localdate(row.sent_at)
        key = (row.recipient_id, day)
        if key not in digests:
            digests[key], _ = Digest.objects.using(db).get_or_create(
                recipient_id=row.recipient_id,
                day=day,
                defaults={"status": "sent", "sent_at": row.sent_at, "attempts": 1},
            )
    notices = []
    for row in rows:
        measure = row.measure
        try:
            label = periods.parse_period(row.period).label
        except periods.PeriodError:
            label = row.period
        notices.append(
            Notice(
                recipient_id=row.recipient_id,
                kind=KINDS.get(row.kind, f"value_{row.kind}"),
                object_key=f"measure:{measure.pk}:{row.period}",
                occasion="",
                escalation=row.kind == "escalation",
                title=f"{measure.code} {measure.title}, {label}",
                url=f"/measures/{measure.code}/",
                raised_on=timezone.localdate(row.sent_at),
                digest=digests[(row.recipient_id, timezone.localdate(row.sent_at))],
            )
        )
    Notice.objects.using(db).bulk_create(notices, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0007_notices_digests_sso"),
    ]

    operations = [
        migrations.RunPython(reminders_into_notices, migrations.RunPython.noop),
        migrations.DeleteModel(name="Reminder"),
    ]
