"""Tests for followthrough.mail."""
