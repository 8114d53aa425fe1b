"""servir-pm: reproducible analytics of Peru's public managers group (SERVIR)."""

__version__ = "0.1.0"
