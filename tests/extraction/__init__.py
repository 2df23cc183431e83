"""Tests for followthrough.extraction."""
