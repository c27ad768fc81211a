"""Pages of capture: Review (and the dashboard's Review card), the people met, rules, and the
"Calendars and mail" settings page."""
