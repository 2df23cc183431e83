"""Tests for followthrough.service."""
