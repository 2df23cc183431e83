"""Where followthrough looks for its config and keeps its state (XDG base directories)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

CONFIG_ENV = "FOLLOWTHROUGH_CONFIG"


def _xdg(env: Mapping[str, str], name: str, fallback: str) -> Path:
    value = env.get(name, "")
    # The XDG spec says relative values are invalid and must be ignored.
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / fallback


def config_path(explicit: str | None, env: Mapping[str, str] | None = None) -> Path:
    """--config, else $FOLLOWTHROUGH_CONFIG, else $XDG_CONFIG_HOME/followthrough/config.toml."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit).expanduser()
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    return _xdg(env, "XDG_CONFIG_HOME", ".config") / "followthrough" / "config.toml"


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/followthrough, i.e. ~/.local/state/followthrough by default."""
    env = os.environ if env is None else env
    return _xdg(env, "XDG_STATE_HOME", ".local/state") / "followthrough"
