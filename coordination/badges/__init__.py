"""Badges and their QR codes."""
