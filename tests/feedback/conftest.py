"""Helpers for the feedback tests: CRM exports written by hand, and a customer services desk."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from feedback.imports import ComplaintReport, import_complaints
from targets.models import Service
from tests.factories import ServiceFactory

# The day the tests run on: late November 2026, as the demo's calendar.
TODAY = date(2026, 11, 26)


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def import_csv(text: str, **options: Any) -> ComplaintReport:
    options.setdefault("today", TODAY)
    options.setdefault("file_name", "crm-export.csv")
    return import_complaints(csv_file(text), **options)


@pytest.fixture
def customer_services() -> Service:
    return ServiceFactory(code="customer-services", name="Customer Services")


@pytest.fixture
def hr() -> Service:
    return ServiceFactory(code="hr", name="Human Resources", is_support=True)
