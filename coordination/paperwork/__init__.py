"""Paperwork for after (and before) the meeting: attendance lists and exports."""
