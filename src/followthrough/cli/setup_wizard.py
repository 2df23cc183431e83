"""The questions ``followthrough init`` asks, and the config text they produce."""

from __future__ import annotations

import json
from collections.abc import Callable

from followthrough.mail.addresses import normalize


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string


SIGN_INS = ("password", "microsoft", "google", "command")
Ask = Callable[..., str]


def _guess_sign_in(host: str) -> str:
    host = host.lower()
    if host.endswith(("office365.com", "outlook.com")):
        return "microsoft"
    if host.endswith(("gmail.com", "googlemail.com")):
        return "google"
    return "password"


def _ask_oauth2(ask: Ask, sign_in: str) -> list[str]:
    """The account's OAuth2 lines (README: "OAuth2" explains the client ID)."""
    if sign_in == "password":
        return []
    if sign_in == "command":
        command = ask("Command that prints an access token (e.g. oama access me@example.com)")
        return [f"oauth2_token_command = {_quoted(command)}"]
    lines = [f"oauth2_provider = {_quoted(sign_in)}",
             f"oauth2_client_id = {_quoted(ask('Your app registration client ID'))}"]
    if sign_in == "google":
        lines.append(f"oauth2_client_secret = {_quoted(ask('Its client secret'))}")
    return lines


def ask_config(input_line: Callable[[str], str]) -> str:
    """Ask each question until the answer is usable; return the TOML text."""

    def ask(prompt: str, default: str = "", check: Callable[[str], str | None] | None = None
            ) -> str:
        while True:
            shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
            answer = input_line(shown) or default
            problem = "an answer is needed" if not answer else (check(answer) if check else None)
            if problem is None:
                return answer
            input_line(f"  {problem}; press Enter to try again ")

    def address_list(text: str) -> str | None:
        bad = [a for a in text.replace(",", " ").split() if not normalize(a)]
        return f"not an email address: {', '.join(bad)}" if bad else None

    host = ask("IMAP server (e.g. imap.fastmail.com)")
    security = ask("Security: tls (port 993) or starttls (port 143)", "tls",
                   lambda s: None if s in ("tls", "starttls") else 'answer "tls" or "starttls"')
    port = ask("Port", "993" if security == "tls" else "143",
               lambda p: None if p.isdigit() and 0 < int(p) < 65536 else "a port number")
    username = ask("User name")
    sign_in = ask("Sign in with: password, microsoft, google, or command (a helper that "
                  "prints an OAuth2 token)", _guess_sign_in(host),
                  lambda a: None if a in SIGN_INS else "answer " + ", ".join(SIGN_INS))
    oauth2 = _ask_oauth2(ask, sign_in)
    addresses = ask("Your email addresses (comma-separated)",
                    username if normalize(username) else "", address_list)
    name = ask("A short name for this account", "mail",
               lambda n: None if n.replace("-", "").replace("_", "").isalnum() else
               "letters, digits, - and _ only")
    review = ask("Folder for drafts to review (Drafts: your own Drafts folder, whatever the "
                 "server calls it, where every mail client edits and sends them)", "Drafts")
    review = "" if review.lower() == "drafts" else review
    signature = ask("How to sign drafts (your first name)", username.split("@")[0])
    listed = [normalize(a) for a in addresses.replace(",", " ").split()]
    return "\n".join([
        "# written by `followthrough init`; every option: config/followthrough.example.toml",
        "",
        "[[account]]",
        f"name = {_quoted(name)}",
        f"host = {_quoted(host)}",
        f"port = {int(port)}",
        f"security = {_quoted(security)}",
        f"username = {_quoted(username)}",
        f"addresses = [{', '.join(_quoted(a) for a in listed)}]",
        f"review_folder = {_quoted(review)}" if review else
        "# review_folder: unset, drafts go to your Drafts folder",
        *oauth2,
        "",
        "[draft]",
        f"signature = {_quoted(signature)}",
        "",
    ])
