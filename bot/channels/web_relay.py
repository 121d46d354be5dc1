"""Rasa's REST channel, as the backend's web chat relay uses it — and nothing more.

Conversation ids are namespaced per channel: `web:<browser id>` here, `sms:<phone>` for Twilio
(bot/channels/twilio_sms.py). The REST channel believes whatever sender id it is given, so this one
accepts only web ids: even a caller that reaches Rasa directly cannot continue someone's SMS
conversation, and cannot claim to be another channel through `input_channel` or `metadata`. Rasa's
port is reachable only from the backend (loopback in scripts/stack.py, unpublished in compose).

Registered in bot/credentials.yml as `bot.channels.web_relay.WebRelayInput`; it keeps the name
`rest`, so it serves `/webhooks/rest/webhook` as before.
"""

import os
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import rasa
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import Forbidden
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import speedups

WEB_PREFIX = "web:"
# The backend validates the browser's part ([A-Za-z0-9_-]{8,64}) and adds the prefix itself.
WEB_SENDER_RE = re.compile(r"^web:[A-Za-z0-9_-]{8,64}$")


class WebRelayInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """Rasa's REST routes, plus `GET /webhooks/rest/speedups` (which start-up patches this process
        runs with, bot/speedups.py) and closing their shared HTTP sessions when the server stops."""
        bp = super().blueprint(on_new_message)

        @bp.route("/speedups", methods=["GET"])
        async def speedups_active(request: Request) -> HTTPResponse:
            return response.json({"rasa": rasa.__version__, "pinned": speedups.PINNED, "active": list(speedups.active()),
                                  "worker": os.getpid()})

        @bp.listener("after_server_stop")
        async def close_sessions(app: Any, loop: Any) -> None:
            await speedups.close_sessions()

        return bp

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = (req.json or {}).get("sender")
        if not isinstance(sender, str) or not WEB_SENDER_RE.match(sender):
            raise Forbidden("this channel serves web conversations only")
        return sender

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return None
