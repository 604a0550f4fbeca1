"""The demo council's corporate measures: about twenty, each under one of the five priorities."""

from __future__ import annotations

from targets.demo.spec import (
    ANNUAL,
    CORPORATE,
    COUNT,
    DAYS,
    DOWN,
    MEAN,
    MONTHLY,
    PCT,
    QUARTERLY,
    RANGE,
    RATIO,
    SCORE,
    SNAPSHOT,
    SUM,
    UP,
    M,
)

# NI192's values are not generated: they are Oxford's published figures (DEFRA ENV18).
NI192 = M(
    "NI192",
    "waste",
    "Percentage of household waste sent for reuse, recycling and composting",
    PCT,
    1,
    UP,
    ANNUAL,
    SNAPSHOT,
    "50",
    "2",
    kind=CORPORATE,
    priority=4,
    step="1",
    public=True,
    scrutiny=True,
    due_days=270,
    active_from=2015,
    source="DEFRA ENV18 local authority collected waste statistics (Open Government Licence v3)",
    definition=(
        "Household waste sent for reuse, recycling or composting as a percentage of all household "
        "waste collected (former national indicator NI192), as published by DEFRA."
    ),
)

# fmt: off
MEASURES: tuple[M, ...] = (
    # 1. Meeting housing needs
    M("CP01", "housing", "Number of affordable homes delivered (gross)",
      COUNT, 0, UP, QUARTERLY, SUM, "150", "10%", priority=1, public=True, scrutiny=True,
      due_days=20, profile=(15, 30, 40, 65), step="10", kind=CORPORATE),
    M("CP02", "housing", "Number of households in temporary accommodation",
      COUNT, 0, DOWN, MONTHLY, SNAPSHOT, "120", "10%", priority=1, public=True, scrutiny=True,
      form="weak", kind=CORPORATE),
    M("CP03", "housing", "% of homelessness cases where homelessness was prevented or relieved",
      PCT, 1, UP, MONTHLY, RATIO, "60", "5%", priority=1, den=80, public=True, kind=CORPORATE),
    M("CP04", "housing", "Average days to re-let council homes (general needs)",
      DAYS, 1, DOWN, MONTHLY, MEAN, "28", "10%", priority=1, public=True, kind=CORPORATE),
    # 2. Stronger communities
    M("CP05", "leisure", "Number of visits to council leisure centres and pools",
      COUNT, 0, UP, MONTHLY, SUM, "1250000", "5%", priority=2, public=True, scrutiny=True,
      profile=(9, 9, 8, 10, 10, 8, 8, 7, 6, 9, 8, 8), kind=CORPORATE),
    M("CP06", "community", "Number of young people taking part in youth ambition activities",
      COUNT, 0, UP, MONTHLY, SUM, "24000", "10%", priority=2, last_target_year=2025,
      public=True, kind=CORPORATE),
    M("CP07", "community", "% of residents who feel safe in their neighbourhood after dark",
      PCT, 0, UP, QUARTERLY, SNAPSHOT, "75", "5%", priority=2, public=True, scrutiny=True,
      due_days=30, kind=CORPORATE),
    M("CP08", "community", "% of anti-social behaviour cases resolved within 28 days",
      PCT, 1, UP, MONTHLY, RATIO, "85", "5%", priority=2, den=60, kind=CORPORATE),
    # 3. A vibrant economy
    M("CP09", "planning", "% of major planning applications decided within 13 weeks or agreed time",
      PCT, 1, UP, QUARTERLY, RATIO, "70", "10%", priority=3, den=12, public=True, scrutiny=True,
      due_days=20, kind=CORPORATE),
    M("CP10", "economic-development", "Number of apprenticeships created by the council and "
      "its contractors", COUNT, 0, UP, QUARTERLY, SUM, "40", "10%", priority=3, public=True,
      due_days=20, kind=CORPORATE),
    M("CP11", "economic-development", "% of Covered Market units let",
      PCT, 1, UP, MONTHLY, SNAPSHOT, "95", "3%", priority=3, public=True, kind=CORPORATE),
    M("CP12", "revenues", "% of business rates due in the month collected (£000)",
      PCT, 1, UP, MONTHLY, RATIO, "98", "1", priority=3, den=9000, scrutiny=True, kind=CORPORATE),
    # 4. A cleaner greener city
    NI192,
    M("CP13", "waste", "% of streets meeting the cleanliness standard for litter",
      PCT, 0, UP, QUARTERLY, SNAPSHOT, "93", "3", priority=4, public=True, scrutiny=True,
      due_days=20, kind=CORPORATE),
    M("CP14", "waste", "Missed bin collections per 100,000 collections",
      SCORE, 1, DOWN, MONTHLY, SNAPSHOT, "40", "10%", priority=4, public=True, kind=CORPORATE),
    M("CP15", "environmental-health", "CO2 emissions from council buildings and fleet (tonnes)",
      COUNT, 0, DOWN, QUARTERLY, SUM, "6000", "5%", priority=4, public=True, scrutiny=True,
      due_days=30, step="400", kind=CORPORATE),
    M("CP16", "parks", "Volunteer hours in parks and nature reserves",
      COUNT, 0, UP, MONTHLY, SUM, "8000", "10%", priority=4, kind=CORPORATE),
    # 5. An efficient and effective council
    M("CP17", "customer-services", "% of calls to the contact centre answered within 20 seconds",
      PCT, 1, UP, MONTHLY, RATIO, "80", "5%", priority=5, den=14000, public=True,
      scrutiny=True, form="weak", kind=CORPORATE),
    M("CP18", "finance", "Forecast General Fund outturn variance against budget (%)",
      PCT, 1, RANGE, MONTHLY, SNAPSHOT, "-2:2", "1", priority=5, scrutiny=True, due_days=15,
      kind=CORPORATE),
    M("CP19", "customer-services", "% of customer transactions completed online",
      PCT, 1, UP, MONTHLY, RATIO, "65", "5%", priority=5, den=20000, public=True, kind=CORPORATE),
)
# fmt: on
