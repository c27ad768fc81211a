"""Backup and export of everything a user has, which needs both apps: contacts as CSV and
vCard 4.0 (contact_files.py), everything as one JSON document (document.py) and its exact
restore into an empty account (restore.py), the /data/export/ pages (views.py, urls.py) and the
`export_data` / `restore_data` commands."""
