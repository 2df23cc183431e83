"""Tests for followthrough.config."""
