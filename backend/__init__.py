"""Jiuzhu backend: the rules, the data and the audit trail of the assistance workflow."""
