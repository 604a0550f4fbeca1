"""Feedback figures per service for a financial year, for the OIM scorecard.

A stand-in with the agreed signatures, returning no figures: it is replaced by the feedback
app's own module (satisfaction from feedback rounds, complaints answered in time from the CRM
import). Until then the OIM shows these factors as missing, never as 0.
"""

from __future__ import annotations

from decimal import Decimal


def satisfaction_by_service(year: int) -> dict[int, Decimal]:
    """{service id: % of respondents satisfied} in financial year `year`."""
    return {}


def complaints_in_time_by_service(year: int) -> dict[int, Decimal]:
    """{service id: % of complaints answered in time} in financial year `year`."""
    return {}
