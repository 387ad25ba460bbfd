"""What a learner sees: static and widget forms of questions, readings, charts, the progress
dashboard, the notebooks built from the course sources, and start.
"""
