"""Ingestion: read a raw file, map it to the contract, normalize, check rows, stage Parquet."""
