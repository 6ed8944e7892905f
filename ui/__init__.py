"""Streamlit pages (one module per page) and their small view helpers."""
