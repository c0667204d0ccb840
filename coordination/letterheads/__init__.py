"""Letterheads (kop surat) and the people who sign, per organising body; the invitation letter."""
