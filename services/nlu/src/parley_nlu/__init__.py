"""Parley's NLU: sentence encoder, intent classifier, entity extraction, serving API and trainer."""
