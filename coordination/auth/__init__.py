"""Logging in and out, and the language switch."""
