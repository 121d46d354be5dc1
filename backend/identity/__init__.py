"""Endpoints about a person's identity: reading it (staff, audited), checking an ID number, proving and changing the phone on record."""
