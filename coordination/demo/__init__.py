"""The demo data: the Bale Hinggil meeting and its follow-up."""
