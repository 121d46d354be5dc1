"""A helper re-applying for his grandmother was told "陈秀贞的书面授权委托书已经核对过了" although she had agreed by a code
to her phone (the workbench: "授权方式：本人手机验证码确认"). The backend says how the delegation it holds was given,
so the chat says it as it was (tests/actions/test_readback_round7.py)."""

from tests.backend.test_access_and_delegations import PRINCIPAL, _delegate, sms  # noqa: F401  (fixture)


def test_a_held_delegation_says_it_was_given_by_code(world, sms) -> None:  # noqa: ANN001
    given = _delegate(world, sms)
    held = world.client.post("/api/v1/delegations/held", json={"principal": {k: PRINCIPAL[k] for k in ("name", "id_number")}},
                             headers=world.helper)
    assert held.status_code == 200, held.text
    assert held.json() == {"status": "verified", "delegation_id": given["id"], "method": "otp"}
