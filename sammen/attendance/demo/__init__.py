"""The demo's school year: calendar, timetable and attendance for «Fjordvik kommune» (docs/demo.md).

Pure planning from the roster plan and the seed (``timetable``, ``calendar``, ``model`` and
``year``, ``generate``), then one bulk write (``write``); ``patterns`` and ``signatures`` say which
pupils show which absence pattern and how to recognise it; ``calibration`` holds the published
10th-grade distribution the model is fitted to. ``sammen demo_data`` (in ``sammen.web``) runs it
after the roster demo.
"""
