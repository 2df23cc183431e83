"""``followthrough login`` for an account that signs in with OAuth2."""

from __future__ import annotations

import argparse
import sys
import webbrowser

from followthrough.config.model import Account
from followthrough.mail.login import connect_with_token
from followthrough.oauth2.refresh_store import save_refresh_token
from followthrough.oauth2.sign_in import SignInOptions, sign_in
from followthrough.oauth2.tokens import CommandTokens


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def oauth2_login(account: Account, args: argparse.Namespace) -> int:
    settings = account.oauth2
    assert settings is not None
    if settings.token_command:
        token = CommandTokens(account, settings.token_command).token()
        connect_with_token(account, token).logout()
        print(f"{account.name}: the token from oauth2_token_command was accepted by "
              f"{account.host}; nothing to store (the command runs for every connection)")
        return 0
    options = SignInOptions(flow=args.flow,
                            open_browser=None if args.no_browser else webbrowser.open,
                            port=args.port)
    grant = sign_in(account, options, _say)
    connect_with_token(account, grant.access_token).logout()
    assert grant.refresh_token is not None
    where = save_refresh_token(account, grant.refresh_token)
    print(f"{account.name}: signed in; {account.host} accepted the token; the refresh token "
          f"is in {where}")
    return 0


def add_oauth2_options(parser: argparse.ArgumentParser) -> None:
    flow = parser.add_mutually_exclusive_group()
    flow.add_argument("--device", dest="flow", action="store_const", const="device",
                      help="OAuth2: sign in with a code on any device (works headless)")
    flow.add_argument("--browser", dest="flow", action="store_const", const="browser",
                      help="OAuth2: sign in with a browser on this machine")
    parser.add_argument("--no-browser", action="store_true",
                        help="OAuth2 --browser: only print the address, do not open a browser")
    parser.add_argument("--port", type=int, default=0,
                        help="OAuth2 --browser: the loopback port for the redirect (default: "
                             "any free one; fix it to forward it over ssh -L)")
