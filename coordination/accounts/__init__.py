"""Account management for administrators."""
