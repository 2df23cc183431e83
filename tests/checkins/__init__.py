"""Tests for followthrough.checkins."""
