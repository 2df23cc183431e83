"""Whether a config file shows secret material to other users of the machine."""

from __future__ import annotations

import stat
from pathlib import Path

from followthrough.config.model import Config


def exposed_secrets(config: Config) -> str | None:
    """A warning when the config file is world-readable and holds a secret, else None.

    ``password_command`` counts as secret: it names where the password lives and is often
    written with the password in it (``echo …``)."""
    secret_keys = [f"account[{index}].password_command"
                   for index, account in enumerate(config.accounts, start=1)
                   if account.password_command]
    if not secret_keys:
        return None
    try:
        mode = stat.S_IMODE(Path(config.path).stat().st_mode)
    except OSError:
        return None
    if not mode & stat.S_IROTH:
        return None
    return (f"{config.path} is readable by every user of this machine (mode {mode:o}) and "
            f"holds {', '.join(secret_keys)}; run `chmod 600 {config.path}`")
