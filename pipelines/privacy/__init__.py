"""Keyed pseudonyms and redaction, shared by every stage."""
