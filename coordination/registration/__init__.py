"""Registrations of participants."""
