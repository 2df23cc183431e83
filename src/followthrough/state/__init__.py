"""The SQLite state: store and migrations, contact history, check-in records.

May import `mail` (addresses, parsing), `extraction.items` and the pure planners;
no IMAP, no spaCy.
"""
