"""The one way an amount of money is written for people: 770 → "770元", 470.5 → "470.50元".

Used from Python and, as the `yuan` filter, from every template (registered in core/templates.py).
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value: Decimal | float | int | str) -> Decimal:
    """Values come from the database, from YAML (floats) or from JSON as text; round to the fen once."""
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def yuan(value: Decimal | float | int | str) -> str:
    v = to_cents(value)
    return f"{int(v)}元" if v == v.to_integral_value() else f"{v}元"
