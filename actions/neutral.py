"""The key a form validator returns (with any value) when an answer moved nothing but was not a failure either: a
resent code, a street that needs choosing among several. Its own module, imported by actions.retry and by the
modules retry itself imports (codes), so no import order makes a cycle."""

NEUTRAL = "_retry_neutral"
