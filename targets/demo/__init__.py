"""The demo council: an Oxford-like council's plan, services, people, measures and figures.

`python manage.py load_demo` loads it (see `targets.demo.builder`). The definitions are plain
tables: `organisation` (priorities, services, people), `corporate`, `frontline` and `support`
(measures, in the shape of `spec.M`); `series` and `values` turn them into figures and values.
"""
