"""急难: what happened is heard at once, whatever words it comes in; which of 119/120/110 to call now; more of what
happened added to the case filed in this conversation; "好久来人" right after filing told it was just filed (who calls
by when, the duty phone), and only later put on the case as a hurry (actions/emergency_booked.py)."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency as emergency_asides, emergency_booked, emergency_others as others, face, fallback, parsing, requests
from actions import earlier_report, emergency_after, emergency_call_phone, emergency_found_id, emergency_next, policy
from actions.backend_client import call, get_client
from actions.emergency_booked import emergency_advice  # which of 119/120/110 (one owner: actions/emergency_booked.py)
from actions.journeys import NAME_MISMATCH, _mask_phone, _reset, _submission_key


describes_emergency = emergency_asides.describes_emergency  # one owner (actions/emergency.py)


async def add_to_emergency(dispatcher: CollectingDispatcher, tracker: Tracker, number: str, text: str) -> list[EventType]:
    """More of what happened, on the 急难 case filed in this conversation, as a note its caseworker reads."""
    # The hospital's deposit is a need on the case (【急需：押金】), for the caseworker (actions/emergency_after.py).
    added, _ = await face.ask(dispatcher, get_client().take_step(tracker.get_slot("citizen_token"), number, "add_information",
                                                                 note=emergency_after.deposit_note(text)[:500]))
    dispatcher.utter_message(response="utter_emergency_added" if added is not None else "utter_emergency_added_call",
                             number=number)
    deposit = emergency_after.DEPOSIT.search(text)  # answered from the backend (先行救助, 缓交, 医疗救助 after 医保)
    for advice in emergency_next.without_fire(emergency_advice(text), tracker, text):  # "火已经灭了": no 119 again
        if advice != "utter_emergency_danger" and not (deposit and advice == "utter_emergency_medical_aid"):
            dispatcher.utter_message(response=advice)
    return [*(emergency_next.fire_out_heard(tracker) if emergency_next.fire_out(tracker, text) else []), FollowupAction("action_listen")]


class ActionReadEmergency(Action):
    """The first message of a 急难 report usually says what happened: kept, so it is not asked again."""

    def name(self) -> str:
        return "action_read_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return emergency_booked.once(dispatcher, tracker, await self._run(dispatcher, tracker))  # each safety line once

    async def _run(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        text = requests._text(tracker.latest_message.get("text"))
        if policy.asks_about_help(text, reported=bool(tracker.get_slot("emergency_filed"))):
            return await policy.answer_instead(dispatcher, tracker)  # "修房子有没得补助": a question, never a report
        if not tracker.active_loop_name and earlier_report.asks(tracker, text):
            return await earlier_report.start(dispatcher, tracker, text)  # "我昨天报的火灾那个 咋个样了": its status
        number = emergency_booked.application_of(tracker)
        filed = tracker.get_slot("emergency_filed") and not text.startswith("/")
        asks = emergency_asides.aside(text) == "when" or others.REPORTED.search(text)  # "咋个还没来人", "报上没得"
        if filed and (other := await emergency_call_phone.heard(dispatcher, tracker, text)) is not None:
            return [*other, FollowupAction("action_listen")]  # "打我邻居的电话嘛 139…": the report's number to call
        if filed and asks and await others.tell_filed(dispatcher, tracker, text):
            return [FollowupAction("action_listen")]  # that report, never the questions again
        if filed and emergency_next.asks_next(text) and not emergency_asides.TROUBLE.search(text) \
                and (events := await emergency_next.answer(dispatcher, tracker, text)) is not None:
            return [*events, FollowupAction("action_listen")]  # "咋个办嘛": what happens next for that report
        if filed and await emergency_found_id.attach(dispatcher, tracker, text):
            return [FollowupAction("action_listen")]  # "我找到他身份证了 …": on that report, never the questions again
        if filed and tracker.get_slot(emergency_booked.SLOT):
            # Already reported in this conversation ("那她今晚睡哪点嘛 八十岁勒"): the needs answered, what was said added
            # to that report for the street, never the questions again (a tester's report went as a call-back, and
            # the questions started over).
            return await add_to_report(dispatcher, tracker, text)
        if filed and number and tracker.get_slot("citizen_token"):
            # Already reported in this conversation ("医院要先交五千押金"): added to that case for the caseworker, never
            # the questions again and "您已经有一件急难救助" (a tester got both, and "马上打120" from a hospital).
            return await add_to_emergency(dispatcher, tracker, number, text)
        # Said in the middle of another form: that form waits, every answer kept ("继续" goes back to it).
        left = tracker.active_loop_name
        paused = [SlotSet("paused_form", left)] if left and left != "emergency_form" else []
        other = emergency_asides.for_someone_else(text)  # "帮我邻居报一下": for whom, not what happened
        if others.REPORTED.search(text) or others.REFERENCE.search(text):
            # "我妈屋头着火了 你们那边报上没得": someone else's report is not told without knowing who asks; said at once.
            dispatcher.utter_message(response="utter_emergency_others_private", which="别人帮忙报的，")
        if other is not None or others.about_someone_else(text) or others.REPORTED.search(text) and others.MY_PEOPLE.search(text):
            paused += [SlotSet(emergency_asides.FOR_OTHER_SLOT, "other")]  # "我爸屋头遭水淹了": his, told by his daughter
            if reporter := others.reporter_heard(text, others.about(tracker)):
                paused += [SlotSet(emergency_asides.ABOUT, {**others.about(tracker), **reporter})]
        if tracker.get_slot("emergency_what") or not describes_emergency(text) or text.startswith("/") or other:
            return paused
        return paused + [emergency_asides.noted(tracker, text)]  # as said (an ID number never in the words the street reads)


async def add_to_report(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType]:
    """More said after the report was filed: a night without a bed or food answered at once (backend/policy/needs.py),
    and what was said added to the report — the 急难 application's notes, or the urgent call-back it went as (the
    backend adds it to the open one, actions/emergency_others.py)."""
    urgent = await emergency_asides.urgent_need(tracker, text)
    if urgent:
        dispatcher.utter_message(text=urgent)
        emergency_after.say_deposit_number(dispatcher, tracker, text)  # "报上申请编号": his JZ… for the hospital
    kept, token = tracker.get_slot(emergency_booked.SLOT), tracker.get_slot("citizen_token")
    if kept.get("application") and token:
        return await add_to_emergency(dispatcher, tracker, kept["application"], text)
    created = None
    if kept.get("phone") or token:
        body = {"phone": kept.get("phone"), "area_code": tracker.get_slot("area_code"), "urgent": True,
                "topic": f"【急难·补充】{'急需：' if urgent else ''}{text}"[:others.RECORD_MAX]}
        created = await call(dispatcher, get_client().request_callback(token, body))
    if created is not None:
        dispatcher.utter_message(response="utter_emergency_added_report", number=created["reference"], caller=created["caller"])
    else:
        dispatcher.utter_message(response="utter_emergency_added_call", number=kept.get("number"))
    for advice in emergency_next.without_fire(emergency_advice(text), tracker, text):  # "火已经灭了": no 119 again
        if advice != "utter_emergency_danger":
            dispatcher.utter_message(response=advice)
    return [*(emergency_next.fire_out_heard(tracker) if emergency_next.fire_out(tracker, text) else []), FollowupAction("action_listen")]


class ActionSubmitEmergency(Action):
    """急难: filed at once as 临时救助（急难型） with what was said (the street office's duty phone gets an SMS where
    one is on file), with the office's duty number or plainly none, and 119/120/110 where it applies. A person who
    cannot name the street is filed all the same: a call-back from the city queue (the backend files applications
    only for a known street). What was filed, when, is kept for "好久来人" (actions/emergency_booked.py)."""

    def name(self) -> str:
        return "action_submit_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        s = tracker.get_slot
        what = s("emergency_what") or ""
        done = _reset(("emergency_what", "submission_key", emergency_asides.READ_BACK, emergency_asides.FOR_OTHER_SLOT,
                       emergency_asides.ABOUT))
        heard = others.about(tracker)
        unverified = heard.get(emergency_asides.ID_CHECK) == emergency_asides.ID_UNVERIFIED
        if heard.get("called") or unverified:
            done += _reset(("applicant_name", "applicant_id"))  # "刘婆婆" is nobody's name on a later application
        phone = requests.phone_to_call(tracker) or s("applicant_phone")
        if emergency_asides.unconfirmed(tracker) or unverified:
            # Not confirmed by him, or his name and number do not match (said once, actions/emergency_name_check.py):
            # no application in his name; the street calls the reporter back, the number noted for the caseworker.
            return await self._unconfirmed(dispatcher, tracker, what, done)
        if not s("area_code"):
            return await self._to_city(dispatcher, tracker, what, phone, done)
        key = s("submission_key") or _submission_key("emergency")
        offer = await call(dispatcher, get_client().offer())
        if offer is None:
            return [SlotSet("submission_key", key)]
        emergency = offer["emergency"]
        reporter = f"{heard.get('reporter') or ''}{heard.get('reporter_name') or ''}"  # "女儿何静代报"; else 他人代报
        reason = f"{what}（{f'{reporter}代报' if reporter else OTHER_NOTE}）" if what and s(emergency_asides.FOR_OTHER_SLOT) else what
        body = {"assistance_type": emergency["assistance_type"], "subtype": emergency["subtype"], "area_code": s("area_code"), "channel": "chat",
                "reason": reason or None,
                "members": [{"name": s("applicant_name"), "id_number": s("applicant_id"), "relation": "本人", "phone": s("applicant_phone")}]}
        refused: list[str] = []
        said = CollectingDispatcher()  # the backend's "请核对姓名" is not said when the report goes on regardless
        created = await call(said, get_client().submit_application(s("citizen_token"), body, key), refused)
        if NAME_MISMATCH in refused:
            # The name does not go with the ID number on record (not known when the number was given): never back to
            # the questions (a daughter looped on "对不上" at night). Filed all the same as an urgent call-back, the number
            # noted as not matching for the caseworker.
            tracker.slots[emergency_asides.ABOUT] = {**heard, emergency_asides.ID_CHECK: emergency_asides.ID_UNVERIFIED}
            dispatcher.utter_message(response="utter_emergency_id_unverified")
            return await self._unconfirmed(dispatcher, tracker, what, done + _reset(("applicant_name", "applicant_id")))
        dispatcher.messages.extend(said.messages)
        office: dict = {}
        duty = None
        if created is not None:
            found = await requests.office_of(dispatcher, tracker)
            office = {**found, "office_name": found.get("office_name") or s("street")}
            duty = await emergency_booked.on_duty(tracker)  # one truth: when the office calls (backend/service_desk/when.py)
            submitted = "utter_emergency_submitted_no_time" if duty is None else \
                "utter_emergency_submitted" if duty.get("open_now") else "utter_emergency_submitted_night"
            dispatcher.utter_message(response=submitted, number=created["number"], phone_masked=_mask_phone(phone),
                                     caller=(duty or {}).get("caller"), promise=(duty or {}).get("promise"))
            emergency_booked.say_duty_phone(dispatcher, office)
        for advice in emergency_advice(what):
            dispatcher.utter_message(response=advice)
        if created is None:
            return [SlotSet("submission_key", key)]
        # Who calls: the street's own office where one is on file, else the street (its district's queue has it).
        caller = office["office_name"] if office.get("office_configured") else s("street") or office["office_name"]
        due = duty["promise"] if duty else None  # as said at filing, never a second wording
        kept = emergency_booked.booked(number=created["number"], application=created["number"], caller=caller,
                                       due=due, phone_masked=_mask_phone(phone), office=office, phone=phone)
        kept["value"].update(fire_out=bool(emergency_booked.FIRE_OUT.search(what)), told=emergency_booked.told(dispatcher.messages))
        return done + [SlotSet("application_no", created["number"]), SlotSet("emergency_filed", True), kept]

    @staticmethod
    async def _to_city(dispatcher: CollectingDispatcher, tracker: Tracker, what: str, phone: str | None,
                       done: list[EventType]) -> list[EventType]:
        """No street named: an urgent call-back from the city queue, which finds her street on the phone."""
        body = {"phone": phone, "area_code": None, "topic": others.record(tracker), "urgent": True}
        created = await call(dispatcher, get_client().request_callback(tracker.get_slot("citizen_token"), body)) if phone else None
        if created is not None:
            await emergency_found_id.put_on(tracker, created["reference"], phone)  # his ID number, whole, for the staff
        if created is not None and not created.get("due_today"):
            _after_hours(dispatcher, created, phone, what)  # nobody calls tonight: said, and what to do now
            return done + others.called_back(created, phone, parsing.mask_phone(phone), {}) + _reset(("street", "street_candidates"))
        if created is not None:
            dispatcher.utter_message(response="utter_emergency_to_city", caller=created["caller"],
                                     reference=created["reference"], phone_masked=parsing.mask_phone(phone))
            done = done + others.called_back(created, phone, parsing.mask_phone(phone), {})
        else:
            requests.say_office(dispatcher, {})
        for advice in emergency_advice(what):
            dispatcher.utter_message(response=advice)
        return done + _reset(("street", "street_candidates"))  # "不晓得": not a street

    @staticmethod
    async def _unconfirmed(dispatcher: CollectingDispatcher, tracker: Tracker, what: str, done: list[EventType]) -> list[EventType]:
        """She could not get a code (no phone with her, or the reporter would not wait): an application needs her
        consent or a delegation (backend applications._filer), so the report goes to the street as an urgent call-back
        to the reporter, marked as not confirmed by her, with everything said; the duty mobile is told at once."""
        s = tracker.get_slot
        phone = requests.phone_to_call(tracker)
        created = None
        if phone:
            # Everything heard, for the street's staff: what happened, for whom (a 称呼 marked as one), her ID and
            # phone as far as known, the needs heard, who reported it (actions/emergency_others.py).
            body = {"phone": phone, "area_code": s("area_code"), "topic": others.record(tracker), "urgent": True}
            created = await call(dispatcher, get_client().request_callback(s("citizen_token"), body))
            if created is not None:
                await emergency_found_id.put_on(tracker, created["reference"], phone)  # his ID number, whole, for the staff
        reset = done + [SlotSet("verify_code", None), SlotSet("contact_phone", None)]
        office = await requests.office_of(dispatcher, tracker)
        if created is not None and not created.get("due_today"):
            _after_hours(dispatcher, created, phone, what)  # nobody calls tonight: said, and what to do now
            return reset + others.called_back(created, phone, parsing.mask_phone(phone), office)
        if created is not None:
            dispatcher.utter_message(response="utter_emergency_unconfirmed_filed", caller=created["caller"],
                                     reference=created["reference"], phone_masked=parsing.mask_phone(phone))
            reset += others.called_back(created, phone, parsing.mask_phone(phone), office)
        emergency_booked.say_duty_phone(dispatcher, office)  # the duty mobile, the office's number, or 12345 to call
        for advice in emergency_advice(what):
            dispatcher.utter_message(response=advice)
        return reset


def _after_hours(dispatcher: CollectingDispatcher, created: dict, phone: str, what: str) -> None:
    """The report went as an urgent call-back after hours: when the office calls, honestly (never "值班的同志会尽快" with
    no duty mobile on file), then the duty mobile, 12345 and 119/120/110 (actions/emergency_booked.py)."""
    dispatcher.utter_message(response="utter_emergency_filed_after_hours", caller=created["caller"], reference=created["reference"],
                             promise=created.get("promise") or created.get("due_day"), phone_masked=parsing.mask_phone(phone))
    emergency_booked.say_after_hours(dispatcher, created, what)


OTHER_NOTE = "他人代报"  # the reason's note when the reporter said she reports for someone else ("帮她报")
