"""Mail as it arrives: IMAP source, folders, parsing, HTML text, the sender's own text,
addresses, automated mail, threads.

May import `config`, `errors` and `sync.plan` (folder status types); never the store,
extraction, check-ins, the service or the CLI.
"""
