"""The command line: the entry point (`main`) and one module per group of subcommands.

May import everything below it; nothing imports the CLI.
"""
