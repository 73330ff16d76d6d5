"""Duplicate-customer matching ("Dublettensuche") without any Odoo dependency.

``normalize.keys_for`` turns a partner or an incoming Amazon buyer into match
keys; ``scoring.score`` compares two key dicts with configurable criteria and
``decision.match`` (``decision.match_in_stages`` for the wider search) takes
the whole link / review / new decision, with its reason code.
"""
