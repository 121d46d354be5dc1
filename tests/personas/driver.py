"""Play a persona through the running stack: real HTTP to the backend's chat relay (→ Rasa → the action server →
the backend), as tests/e2e do. Each reply is checked as it comes (never the global fallback, never a promise to
call without a phone to call); the question it ends on is recognised (questions.py) and answered as the persona
would, or she does what her script says instead (a deviation). The one-time codes are read from the SMS
console output of the stack (SMS_PROVIDER=console), as scripts/turns.py does.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.personas import questions
from tests.personas.people import Deviation, Persona, Step

MAX_MESSAGES = 40
RESEND = re.compile(r"重发|没收到|再发|没有收到|收不到")  # her message asked for a new code
REPEATS = 3  # the same question asked more often than this (beyond her planned answers): the bot does not take hers  # a conversation that has not ended by then is going round in circles
DONE = {
    "submitted": [r"申请已经提交", r"JZ\d{14}"],
    "emergency": [r"JZ\d{14}"],
    "callback": [r"回电|打电话给您|联系您"],
    "complaint": [r"TS\d{6}"],
    "withdrawn": [r"申请已经提交", r"JZ\d{14}"],
}


class PersonaFailed(AssertionError):
    pass


@dataclass
class Reply:
    texts: list[str]
    buttons: list[dict[str, str]]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass
class Conversation:
    persona: Persona
    base_url: str
    lines: Callable[[], list[str]]  # the stack's output so far (the SMS console prints codes there)
    sender: str
    transcript: list[str] = field(default_factory=list)
    sent: int = 0
    phone_said: bool = False
    asked: Counter = field(default_factory=Counter)
    context: str | None = None  # the question asked last
    last: Reply | None = None
    turns_to_outcome: int | None = None
    readback: str = ""  # the last read-back (请核对 …) the bot gave
    mark: int = 0  # the stack's output lines before the last message (a code sent after it is newer)
    transcript_said: list = field(default_factory=list)  # what she sent, message by message
    used: set = field(default_factory=set)  # the deviations done

    # ------------------------------------------------------------ talking

    def fail(self, why: str) -> None:
        raise PersonaFailed(f"{self.persona.id}: {why}\n--- transcript ---\n" + "\n".join(self.transcript))

    def send(self, message: str) -> Reply:
        if self.sent >= MAX_MESSAGES:
            self.fail(f"no outcome after {MAX_MESSAGES} messages")
        message = self._resolve(message)
        if RESEND.search(message):
            self._wait_for_first_code()
        if re.search(r"(?<!\d)1\d{10}(?!\d)", message):
            self.phone_said = True
        data = json.dumps({"sender": self.sender, "message": message}).encode()
        request = urllib.request.Request(f"{self.base_url}/api/v1/chat/messages", data=data,
                                         headers={"Content-Type": "application/json"})
        self.mark = len(self.lines())
        with urllib.request.urlopen(request, timeout=90) as resp:
            body = json.load(resp)
        reply = Reply([m.get("text") or "" for m in body["messages"]], [b for m in body["messages"] for b in m.get("buttons") or []])
        self.sent += 1
        self.transcript.append(f"{self.sent:>2} 用户：{message}")
        self.transcript_said.append(message)
        self.transcript.extend(f"   助手：{line}" for t in reply.texts for line in t.splitlines())
        self._check(reply)
        if "请核对" in reply.text:
            self.readback = reply.text
        self.last = reply
        return reply

    def _check(self, reply: Reply) -> None:
        for text in reply.texts:
            if questions.is_fallback(text):
                self.fail(f"the global fallback came: “{text}”")
            if questions.promises_contact(text) and not self.phone_said:
                self.fail(f"a call or contact was promised with no phone number said: “{text}”")

    def _resolve(self, message: str) -> str:
        if message.startswith("button:"):
            title = message.removeprefix("button:").strip()
            found = next((b for b in (self.last.buttons if self.last else []) if title in b.get("title", "")), None)
            if found is None:
                self.fail(f"no button “{title}” under the last reply")
            return found["payload"]
        if message == "<code>":
            return self._code(self.persona.facts.get("helper_phone") or self.persona.facts.get("phone"))
        if message == "<consent_code>":
            return self._code(self.persona.facts.get("phone"))
        if message == "<said_before>":
            self.fail(f"the bot asked “{self.context}” again, which she had already said (nothing carried over)")
        if message == "<fail>":
            self.fail(f"the bot asked “{self.context}” again after the persona had said all she would")
        if message == "<wrong_code>":
            return "000000"
        return message

    def _wait_for_first_code(self) -> None:
        """As a person does, "重发" comes some seconds after the first code was sent: wait until the SMS worker has
        printed it, so the two codes cannot be printed in the other order (two workers send at once)."""
        phones = [p for p in (self.persona.facts.get("helper_phone"), self.persona.facts.get("phone")) if p]
        patterns = [re.compile(re.escape(f"{p[:3]}****{p[-4:]}") + r"\].*?验证码") for p in phones]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any(pat.search(line) for line in self.lines()[self.mark:] for pat in patterns):
                return
            time.sleep(0.3)

    def _code(self, phone: str | None) -> str:
        """The newest code printed for `phone`; one sent after the last message if it comes within 15 s."""
        if not phone:
            self.fail("a code was asked and the persona has no phone")
        masked = re.escape(f"{phone[:3]}****{phone[-4:]}")
        pattern = re.compile(masked + r"\].*?验证码(?:是)?(\d{6})")
        # After "重发" the code she uses is the new one: wait for it however slow the SMS worker is under load (the old
        # one is no longer good), never take the code printed before her message.
        resent = bool(self.transcript_said) and bool(RESEND.search(self.transcript_said[-1]))
        deadline = time.monotonic() + (90 if resent else 15)
        newest = None
        settled = False
        while True:
            lines = self.lines()
            for i, line in enumerate(lines):
                m = pattern.search(line)
                if m:
                    newest = (i, m.group(1))
            if resent and (newest is None or newest[0] < self.mark) and time.monotonic() <= deadline:
                time.sleep(0.3)
                continue
            if (newest and newest[0] >= self.mark) or time.monotonic() > deadline:
                if newest and not settled:
                    settled = True  # the SMS worker prints on its own schedule: a code asked again may follow the first
                    time.sleep(3)
                    continue
                break
            time.sleep(0.3)
        if newest is None:
            others = [p for p in self.persona.phones() if p != phone and re.search(re.escape(f"{p[:3]}****{p[-4:]}"), "".join(self.lines()))]
            self.fail(f"no code was sent to {phone}" + (f" (one went to {others[0]}: the bot verifies another person)" if others else ""))
        return newest[1]

    # ------------------------------------------------------------ playing the script

    def play(self) -> None:
        p = self.persona
        reply = self._step(p.start, None)
        while not self._done(reply):
            kind = questions.question_in(reply.texts, self.context)
            if kind is None:
                self.fail(f"could not tell which question the bot asked (last reply: “{reply.text}”)")
            self.asked[kind] += 1
            deviation = next((d for d in p.deviations
                              if d.on == kind and d.nth == self.asked[kind] and id(d) not in self.used), None)
            if deviation is not None:
                self.used.add(id(deviation))
                reply = self._deviate(deviation, kind)
                continue
            said = p.answer(kind, self.asked[kind])
            if said is None:
                self.fail(f"the persona has no answer to the question “{kind}” (bot: “{reply.texts[-1]}”)")
            planned = p.answers.get(kind)
            if self.asked[kind] > REPEATS + (len(planned) - 1 if isinstance(planned, list) else 0):
                self.fail(f"the bot asked “{kind}” {self.asked[kind]} times: it does not take “{said}”")
            self.context = kind
            reply = self.send(said)
        self.turns_to_outcome = self.sent
        for step in p.then:
            self._step(step, self.context)
        said = "\n".join(line for line in self.transcript if "助手：" in line)
        for want in p.heard:
            if not re.search(p.fill(want), said):
                self.fail(f"no reply said “{want}”")

    def _done(self, reply: Reply) -> bool:
        """The persona's own end (any of done_when), or her outcome's (all of its markers)."""
        if self.persona.done_when:
            return any(re.search(self.persona.fill(m), reply.text) for m in self.persona.done_when)
        if self.persona.outcome == "none":
            return True  # she said what she came to say (and checked the answer)
        return all(re.search(m, reply.text) for m in DONE[self.persona.outcome])

    def _deviate(self, deviation: Deviation, kind: str) -> Reply:
        reply = self.last
        for step in deviation.steps:
            reply = self._step(step, kind)
        want = deviation.asks or [kind]
        if want != ["any"]:
            got = questions.question_in(reply.texts, kind)
            if got not in want:
                self.fail(f"after “{deviation.steps[-1].say}” the bot should ask “{'/'.join(want)}” (again), it asked “{got}”"
                          f" ({deviation.note or 'deviation'})")
            self.asked[got] -= 1  # the same question again, not a new time of asking it
        return reply

    def _step(self, step: Step, kind: str | None) -> Reply:
        said = step.say
        if said == "<answer>":
            answer = self.persona.answer(kind or "", self.asked[kind or ""] or 1)
            if answer is None:
                self.fail(f"the persona has no answer to “{kind}”")
            said = answer
        reply = self.send(self.persona.fill(said))
        for want in step.expect:
            if not re.search(self.persona.fill(want), reply.text):
                self.fail(f"after “{said}” the reply should have “{want}”")
        for bad in step.reject:
            if re.search(self.persona.fill(bad), reply.text):
                self.fail(f"after “{said}” the reply must not have “{bad}”")
        return reply

    def number(self, prefix: str = "JZ") -> str | None:
        """The application (JZ…) or service-desk (TS…) number the bot gave last."""
        found = re.findall(prefix + (r"\d{14}" if prefix == "JZ" else r"\d{6}"), "\n".join(self.transcript))
        return found[-1] if found else None
