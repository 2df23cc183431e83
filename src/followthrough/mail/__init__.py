"""Mail on the wire: IMAP source, folders, IDLE, parsing, HTML text, addresses, automated
mail, threads.

May import `config` and `errors`; never the store, extraction, check-ins or the CLI.
"""
