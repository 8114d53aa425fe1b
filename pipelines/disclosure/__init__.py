"""Disclosure control: which published cells are suppressed, and why."""
