"""Sync: plan what to fetch (pure), the engine that stores batches, and the service around it.

May import `mail`, `state`, `extraction` (through its analysis protocol) and `config`.
"""
