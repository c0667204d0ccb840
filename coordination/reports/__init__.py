"""Laporan kegiatan: the bundle a treasurer files for a meeting, in one PDF."""
