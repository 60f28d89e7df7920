"""The web app's formatting (``app.py`` uses it): replies, articles and calculator results as HTML.

Pure functions only (no Gradio, no I/O), built on ``assistant``; nothing in ``assistant`` imports it.
"""
