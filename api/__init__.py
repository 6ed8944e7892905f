"""The HTTP API (FastAPI): the same services as the app — KnowledgeBase to read, Library to write — over HTTP.

Nothing below this package imports FastAPI; this package imports library/, quiz/ and retrieval/ only.
"""
