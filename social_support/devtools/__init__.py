"""Development tools, kept apart from the running app: nothing under social_support imports them.

- ``ingest_benchmark``: webhook acknowledgement, processing cost and a burst through the workers
  (``bench --site SITE execute social_support.devtools.ingest_benchmark.run``)
- ``report_data`` and ``report_timings``: the large-data generator and the report timings
  (``bench --site SITE social-report-data`` / ``social-report-timings``)
- ``analysis_eval`` and ``analysis_speed``: the analysis scored on the labelled set and its speed,
  without Frappe (``python -m social_support.devtools.analysis_eval`` / ``analysis_speed``)
"""
