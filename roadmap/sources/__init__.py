"""Watches: sources the tracker polls by itself, their run records and the editors' review queue."""
