"""The benchmark behind `manage.py bench` (docs/performance.md).

runner.py's Bench builds a data set in a database of its own (database.py; sizes in sizes.py),
runs the phases, each a module of its own (pages.py with the accounts it measures, scanner.py,
under_load.py, digests.py, imports.py), and returns the report that report.py prints beside the
targets; machine.py says what it ran on. data.py writes the many-user and import data sets;
load.py (the HTTP load generator), import_probe.py (an import measured for memory) and
page_walk.py (every page, as a web worker serves it) run as separate processes, against gunicorn
and the bench database through settings.py.
"""
