"""Tests for followthrough.sync."""
