"""make bench: Rakor measured against its targets, each beside a baseline from the same run."""
