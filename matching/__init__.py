"""Duplicate-customer matching ("Dublettensuche") without any Odoo dependency.

``normalize.keys_for`` turns a partner or an incoming Amazon buyer into match
keys; ``scoring.score`` compares two key dicts with configurable criteria and
``scoring.decide`` turns the scored candidates into link / review / new.
"""
