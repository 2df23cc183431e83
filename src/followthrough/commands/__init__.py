"""The CLI's commands, one module each; each exposes ``register(subparsers)``."""
