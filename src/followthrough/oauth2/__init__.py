"""OAuth2 access tokens for IMAP: from the user's own helper command, or from the built-in
sign-in (device authorization grant, authorization code + PKCE with a loopback redirect)
against Microsoft, Google or a custom issuer, with the refresh token in the keyring.

May import `config` and `errors`; never IMAP, the store, sync, check-ins, the service or the
CLI. Tokens are never logged, stored in state files, or put into an error message.
"""
