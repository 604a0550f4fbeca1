"""The four report schedules the framework names (section 8.2): monthly corporate targets for all
members, bi-monthly to the corporate management team, quarterly to the executive board and to the
performance and improvement scrutiny panel."""

from django.db import migrations

SCHEDULES = [
    {
        "code": "monthly-corporate",
        "name": "Monthly corporate targets",
        "description": "The corporate plan's targets every month; every member has the archive.",
        "audience": "all_members",
        "frequency": "monthly",
        "scope": "corporate",
        "all_members_may_download": True,
    },
    {
        "code": "cmt-bimonthly",
        "name": "Bi-monthly performance report to the corporate management team",
        "description": "Corporate targets every two months, including values not yet approved.",
        "audience": "cmt",
        "frequency": "bimonthly",
        "scope": "corporate",
        "cmt_may_download": True,
    },
    {
        "code": "ceb-quarterly",
        "name": "Quarterly performance report to the executive board",
        "description": "Corporate targets every quarter, including values not yet approved.",
        "audience": "ceb",
        "frequency": "quarterly",
        "scope": "corporate",
        "cmt_may_download": True,
        "ceb_may_download": True,
    },
    {
        "code": "scrutiny-quarterly",
        "name": "Quarterly performance report to the scrutiny panel",
        "description": "The measures reported to the performance and improvement scrutiny panel, "
        "every quarter, published values only.",
        "audience": "scrutiny",
        "frequency": "quarterly",
        "scope": "scrutiny",
        "cmt_may_download": True,
        "ceb_may_download": True,
        "scrutiny_may_download": True,
    },
]


def seed(apps, schema_editor):
    ReportSchedule = apps.get_model("reporting", "ReportSchedule")
    for fields in SCHEDULES:
        code = fields["code"]
        ReportSchedule.objects.using(schema_editor.connection.alias).get_or_create(
            code=code, defaults={k: v for k, v in fields.items() if k != "code"}
        )


def unseed(apps, schema_editor):
    ReportSchedule = apps.get_model("reporting", "ReportSchedule")
    codes = [fields["code"] for fields in SCHEDULES]
    schedules = ReportSchedule.objects.using(schema_editor.connection.alias)
    schedules.filter(code__in=codes, runs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
