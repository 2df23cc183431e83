"""Sync: plan what to fetch (pure), the engine that stores batches, which stored message a
fetched one is (identity), and the service around it.

May import `mail`, `state`, `extraction` (through its analysis protocol) and `config`.
"""
