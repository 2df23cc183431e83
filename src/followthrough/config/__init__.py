"""The user's configuration: TOML schema and reader, durations, paths, setup wizard, credentials.

The model and reader are pure (stdlib only); only `credentials` reaches the keyring.
"""
