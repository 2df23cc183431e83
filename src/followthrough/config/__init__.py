"""The user's configuration: TOML schema and model, reader, durations, paths, credentials,
and whether the file shows secrets to other users (`permissions`).

The model and reader are pure (stdlib only); only `credentials` reaches the keyring.
"""
