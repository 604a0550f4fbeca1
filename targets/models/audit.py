"""The audit trail: who changed what, when, from what to what, and why."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from targets.models.measures import Measure
from targets.models.organisation import User


class ChangeRecord(models.Model):
    """One change to anything the council records, by any route (form, admin, API, import, the
    system): written by `targets.audit` only."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        RETURN = "return", "Returned"
        PUBLISH = "publish", "Published"
        RESTATE = "restate", "Restated"
        WITHDRAW = "withdraw", "Withdrawn"

    class Source(models.TextChoices):
        FORM = "form", "Form"
        ADMIN = "admin", "Administration"
        API = "api", "API"
        IMPORT = "import", "Import"
        SYSTEM = "system", "System"

    class ObjectType(models.TextChoices):
        """What a record is about: one type per audited model of every app, its value the
        model's name (`targets.audit.object_type_of` derives it; three keep the names the first
        records had: profile, dq_procedure, dq_audit), its label the words people read."""

        # targets
        USER = "user", "person"
        SERVICE = "service", "service"
        SERVICE_ROLE = "servicerole", "service role"
        PRIORITY = "priority", "priority"
        MEASURE = "measure", "measure"
        TARGET = "target", "target"
        PROFILE = "profile", "target profile"
        TARGET_PROPOSAL = "targetproposal", "target proposal"
        VALUE = "value", "value"
        VALUE_QUESTION = "valuequestion", "questioned value"
        DQ_PROCEDURE = "dq_procedure", "data-quality procedure"
        DQ_AUDIT = "dq_audit", "data-quality audit"
        CONTROL_CHECK = "controlcheck", "audit control check"
        SERVICE_PLAN = "serviceplan", "service improvement plan"
        OBJECTIVE = "objective", "objective"
        ACTION = "action", "improvement action"
        PLANNING_MILESTONE = "planningmilestone", "planning milestone"
        NOTIFICATION_PREFERENCE = "notificationpreference", "notification choice"
        GROUP_ROLE_MAPPING = "grouprolemapping", "sign-on group mapping"
        # benchmarking
        AUTHORITY = "authority", "authority"
        COMPARATOR_GROUP = "comparatorgroup", "comparator group"
        GROUP_VERSION = "groupversion", "comparator group version"
        METRIC = "metric", "benchmark metric"
        BENCHMARK_VALUE = "benchmarkvalue", "benchmark value"
        EXERCISE = "exercise", "benchmarking exercise"
        GOOD_PRACTICE = "goodpractice", "good practice"
        # feedback
        ARRANGEMENT = "arrangement", "feedback arrangement"
        ROUND = "round", "feedback round"
        PANEL_SURVEY = "panelsurvey", "residents' panel survey"
        PANEL_RESULT = "panelresult", "residents' panel result"
        COMPLAINT_IMPORT = "complaintimport", "complaints import"
        COMPLAINT = "complaint", "complaint or compliment"
        DERIVED_MEASURE = "derivedmeasure", "derived measure"
        MYSTERY_SHOP = "mysteryshop", "mystery shopping visit"
        # oim
        FACTOR = "factor", "OIM factor"
        QUADRANT_WEIGHT = "quadrantweight", "OIM quadrant weight"
        FACTOR_ASSESSMENT = "factorassessment", "OIM assessment"
        SERVICE_BUDGET = "servicebudget", "service budget"
        SERVICE_COST_METRIC = "servicecostmetric", "service's metric of spend"
        SPEND_TO_SAVE_BUDGET = "spendtosavebudget", "spend-to-save budget"
        IDEA = "idea", "idea"
        KEY_PROCESS = "keyprocess", "key process"
        ACCREDITATION = "accreditation", "accreditation"
        # fsr
        REVIEW = "review", "service review"
        MILESTONE = "milestone", "review milestone"
        MARKET_TEST = "markettest", "market test"
        PEER_REVIEW = "peerreview", "peer review"
        MARKET_INTELLIGENCE = "marketintelligence", "market intelligence"
        SAVINGS_LINE = "savingsline", "savings line"
        RISK_MATRIX = "riskmatrix", "risk matrix"
        RISK = "risk", "risk"
        PROGRAMME = "programme", "corporate programme"
        PROJECT = "project", "programme's project"
        PROGRAMME_MILESTONE = "programmemilestone", "programme milestone"
        REVIEW_RULE_SETTINGS = "reviewrulesettings", "review rules"
        # reporting
        REPORT_SCHEDULE = "reportschedule", "report schedule"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    object_type = models.CharField(
        max_length=30,
        choices=ObjectType.choices,
        help_text="What changed: its model, in the one vocabulary (ChangeRecord.ObjectType).",
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The code is kept as text so the history outlives a deleted measure.
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    measure_code = models.CharField(max_length=20, db_index=True)
    period = models.CharField(max_length=12, blank=True, help_text="Period code or year label.")
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [old, new]}')
    reason = models.TextField(blank=True)
    batch = models.CharField(max_length=40, blank=True, help_text="The import that made it.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["measure_code", "-at"], name="change_measure_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.measure_code} {self.period}"
