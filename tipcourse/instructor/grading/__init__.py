"""Grading submissions: one sandboxed kernel per submission, the gradebook, manual grading and
Dask.
"""
