"""Readers for the container formats a notice arrives in: sniffing, HTML pages, DOCX files."""
