"""The command line: the entry point (`main`), one module per group of subcommands, and
the setup wizard.

May import every part; nothing imports the CLI.
"""
