"""The report as data: its text by section, its figures, tiers and glossary, and the message
catalogue.
"""
