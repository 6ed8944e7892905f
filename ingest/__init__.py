"""Ingestion: load, clean, structure, chunk and index policy documents."""
