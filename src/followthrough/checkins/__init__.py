"""Check-ins: who is due (`planning`), draft text and message, drafting, the review folder.


`planning` (with `relationship`, `item_status`, `talking_points`, `thread_choice`),
`draft_text` and `draft_message` are pure: no IMAP, SQLite, spaCy or CLI
(checked by tests/test_architecture.py). `drafting` and `review_folder` are the edges.
"""
