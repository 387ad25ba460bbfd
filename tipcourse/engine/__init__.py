"""The checking engine: question and exercise banks, answer comparison, outcomes and the attempts
store.
"""
