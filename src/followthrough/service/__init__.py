"""Running unattended: the cycle (sync + drafts), daemon, IDLE watchers, systemd notify,
backoff, logs.

May import every part but the CLI.
"""
