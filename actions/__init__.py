"""Custom actions for the Jiuzhu assistant. Thin clients of the backend: no rules live here."""
