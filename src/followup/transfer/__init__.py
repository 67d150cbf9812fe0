"""Data in and out of the store: the calendar feed, JSON backups and spreadsheets (CSV)."""
