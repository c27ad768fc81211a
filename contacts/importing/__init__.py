"""Bulk import of contact files (LinkedIn, Google, Outlook, vCard, any CSV).

Public API: `run_import` (services), `sniff`/`Format`/`ImportFileError` (sniff)."""
