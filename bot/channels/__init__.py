"""Jiuzhu's Rasa input channels. Rasa imports this package for every channel in bot/credentials.yml,
so the start-up patches of bot/speedups.py are installed in every `rasa run` that serves our channels
(it refuses to start on another Rasa version than the one the patches were written for)."""

from bot import speedups

speedups.apply()
