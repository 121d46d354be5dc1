from decimal import Decimal

import pytest

from backend.core.money import yuan
from backend.core.templates import text_env


@pytest.mark.parametrize(("value", "shown"), [
    (770, "770元"), (1155.0, "1155元"), (Decimal("470.5"), "470.50元"), ("470.50", "470.50元"), (Decimal("0.005"), "0.01元"),
])
def test_one_way_to_write_money_in_python_and_in_templates(value, shown: str) -> None:  # noqa: ANN001
    assert yuan(value) == shown
    assert text_env().from_string("{{ v|yuan }}").render(v=value) == shown
