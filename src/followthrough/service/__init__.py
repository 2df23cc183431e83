"""Running unattended: the cycle (sync + drafts), daemon, systemd notify, backoff, logs,
progress.

May import every part but the CLI.
"""
