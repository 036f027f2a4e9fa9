"""The demo municipality «Fjordvik kommune», in two steps (docs/demo.md).

``planner.plan_demo`` draws everything from ``random.Random(seed)`` into plain data (``plan.py``,
no database), so the same seed always gives the same names, counts and links: ``planner_schools``
draws the classes, staff and groups, ``planner_families`` the families, pupils and guardians.
``write.load_demo`` writes a plan with bulk inserts and records an audit event per row through
``sammen.audit.log.record_many``, as the roster importers do, plus one ``roster.demo_data_loaded``
event. ``names.py`` holds the name lists, ``personas.py`` the people to log in as.
"""
