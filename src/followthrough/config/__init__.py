"""The user's configuration: TOML schema and model, reader, durations, paths, credentials.

The model and reader are pure (stdlib only); only `credentials` reaches the keyring.
"""
