"""The Settings page (/settings/): the user's Profile form."""
