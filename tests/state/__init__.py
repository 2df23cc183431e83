"""Tests for followthrough.state."""
