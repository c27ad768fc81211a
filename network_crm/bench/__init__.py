"""The benchmark behind `manage.py bench` (see README, "Benchmark").

runner.py builds a data set in a database of its own, measures, prints and saves the report;
data.py writes the many-user and import data sets; load.py (the HTTP load generator) and
import_probe.py (an import measured for memory) run as separate processes, against gunicorn and
the bench database through settings.py.
"""
