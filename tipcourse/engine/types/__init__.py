"""The question types: one module a type, each one object that parses, scores, checks the form
of and shows its answers, registered in ``_registry``.
"""
