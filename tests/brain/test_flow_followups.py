"""Follow-ups that real callers make: confirming the read-back number, "no, that's all" after
"what else?", messages for staff, wrong numbers, "book me there", and changing the day."""

from __future__ import annotations

import pytest

from support import play_flow
from switchboard.brain.understanding import extract_time

BOOKING = [
    "I'd like to book an eye exam.",
    "Kendall.",
    "Maria Gonzalez.",
    "Aetna.",
    "Tuesday morning.",
]


def test_yes_to_the_read_back_number_is_not_yes_to_anything_else():
    state, replies = play_flow([*BOOKING, "Yes, that's the right number."])
    assert replies[-1].expect == "anything_else" and "what else" not in replies[-1].text.lower()
    assert state.request.phone_confirmed and not state.ended
    state, replies = play_flow([*BOOKING, "Yes, that's the right number.", "No, that's all."])
    assert state.ended and replies[-1].end_call


@pytest.mark.parametrize(
    ("heard", "ends"),
    [
        ("yes that's it right number", False),  # "Yes, that's the right number.", as heard
        ("yes that's my number", False),
        ("yes that's right, that's all", True),
        ("yes that's the right number, no thanks, bye", True),
        # "that's it" a sentence of its own, after the confirmation, answers "anything else?"
        ("Yep, that's me. That's it.", True),
        ("Yep, that's my cell. Nah, that's it. Thanks.", True),
        ("Yes, that's it, right number.", False),
    ],
)
def test_confirming_the_read_back_asks_anything_else_again_unless_the_caller_is_done(heard, ends):
    state, replies = play_flow([*BOOKING, heard])
    assert state.ended is ends
    assert state.request.phone_confirmed
    if not ends:
        assert replies[-1].expect == "anything_else"


def test_no_after_what_else_says_goodbye():
    state, replies = play_flow([*BOOKING, "Yes.", "No, that's all. Thanks."])
    assert "what else" in replies[-2].text.lower()
    assert state.ended and replies[-1].end_call and state.outcome == "request_captured"


def test_a_callback_request_is_a_message_with_the_office_and_the_words_for_staff():
    state, replies = play_flow(
        [
            "Hi, I have a question about the eye drops Dr. Whitfield gave me. "
            "Could someone call me back?",
            "Nancy Kowalski. I go to the Austin office.",
            "No, that's it.",
        ]
    )
    assert state.outcome == "message_taken"
    assert "eye drops" in state.request.reason
    assert state.request.office == "Austin" and state.request.patient_name == "Nancy Kowalski"
    assert not any("takes about an hour" in r.text for r in replies)  # no FAQ guessed at


def test_a_cancellation_keeps_the_office_named():
    state, _ = play_flow(
        ["Hi, this is Greg Lawson, I need to cancel my appointment at the Round Rock office."]
    )
    assert state.outcome == "message_taken" and state.request.office == "Round Rock"


def test_a_callback_about_booking_stays_a_booking():
    state, replies = play_flow(["Can someone call me back to book an eye exam?"])
    assert state.mode == "booking" and replies[-1].expect == "office"


@pytest.mark.parametrize(
    ("first", "sorry"),
    [
        ("Hi, is this Walgreens? I'm calling about a prescription refill.", "Oh, wrong number."),
        ("Hi, is this Walgreens? I'm calling about a prescription refill.", "sorry bro number by"),
        # as one audio run heard it: the "prescription" started a request
        (
            "hi eight is the swollen green smith i'm calling about a prescription rachel",
            "sorry bro number by",
        ),
    ],
)
def test_a_wrong_number_leaves_no_message_for_staff(first, sorry):
    state, replies = play_flow([first, sorry])
    assert state.outcome == "no_request" and state.questions == []
    assert replies[-1].end_call


@pytest.mark.parametrize(
    "denial", ["That's the wrong number.", "No, that's not my number.", "That's not right."]
)
def test_a_wrong_read_back_number_is_not_confirmed_and_the_right_one_is_asked_for(denial):
    state, replies = play_flow([*BOOKING, denial])
    assert not state.ended and replies[-1].expect == "phone"
    assert not state.request.phone_confirmed
    state, replies = play_flow([*BOOKING, denial, "It's 786 555 0199."])
    assert state.request.callback_number == "+17865550199"
    assert "7 8 6" in replies[-1].text and replies[-1].expect == "anything_else"


def test_booking_there_after_an_offices_hours_takes_that_office():
    state, replies = play_flow(
        [
            "How late is the Coral Gables office open?",
            "Can I make an appointment there for dry eye?",
        ]
    )
    assert state.request.office == "Coral Gables"
    assert state.request.reason.startswith("dry eye")
    assert replies[-1].expect == "name"


def test_is_there_is_not_a_place():
    state, replies = play_flow(
        ["How late is the Coral Gables office open?", "Is there a way to book an eye exam?"]
    )
    assert state.request.office == "" and replies[-1].expect == "office"


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (
            "Tuesday morning would be good. Actually, wait, make that Wednesday morning, "
            "I've got something Tuesday.",
            "Wednesday morning",
        ),
        ("Friday, no wait, Saturday morning", "Saturday morning"),
        ("Tuesday, I mean Thursday", "Thursday"),
        ("Monday or Tuesday, mornings", "Monday or Tuesday, mornings"),
        ("Actually, Thursday is better", "Thursday"),
        ("Next Tuesday afternoon if possible.", "Next Tuesday afternoon"),
    ],
)
def test_the_day_after_a_correction_is_the_one_kept(said, kept):
    assert extract_time(said, expecting=True) == kept


_TO_RECAP = [
    "I'd like to book an eye exam.",
    "Hialeah.",
    "Ana Lopez.",
    "Aetna.",
    "Monday morning.",
]


@pytest.mark.parametrize(
    ("after_recap", "office_id"),
    [
        ("it's miami", "hialeah"),  # "that's my number", misheard: no change of office
        ("No, the Kendall office.", "kendall"),
        ("Actually, make it Kendall.", "kendall"),
        ("No, Kendall.", "kendall"),
        ("Kendall would be better instead.", "kendall"),
    ],
)
def test_after_the_recap_only_a_stated_change_moves_the_office(after_recap, office_id):
    state, replies = play_flow([*_TO_RECAP, after_recap])
    assert replies[-2].expect == "anything_else"
    assert state.request.office_id == office_id


@pytest.mark.parametrize(
    "after_read_back",
    [
        # the new number's digits not made out (nine heard, one lost)
        "no actually that's my work number can you call my cell instead it's three zero five "
        "five five five zero with four two",
        "Can you use a different number?",
        "That's my work number, call my cell.",
    ],
)
def test_another_number_wanted_but_not_heard_is_asked_for(after_read_back):
    state, replies = play_flow([*_TO_RECAP, after_read_back])
    assert replies[-1].expect == "phone" and "best number" in replies[-1].text
    assert not state.request.phone_confirmed


def test_yes_thats_my_cell_confirms_the_read_back():
    state, replies = play_flow([*_TO_RECAP, "Yes, that's my cell. No, that's it, thank you."])
    assert state.request.phone_confirmed and replies[-1].end_call


def test_that_is_all_in_the_middle_of_a_request_asks_anything_else_then_lets_the_caller_go():
    state, replies = play_flow(
        ["I'd like to book an eye exam.", "Kendall.", "No, that's all I needed."]
    )
    assert replies[-1].expect == "anything_else" and not state.ended
    state, replies = play_flow(
        ["I'd like to book an eye exam.", "Kendall.", "No, that's all I needed.", "No, thanks."]
    )
    assert state.ended and replies[-1].end_call
    assert state.outcome == "abandoned" and state.request.office == "Kendall"


def test_that_is_all_in_the_middle_of_a_request_can_go_on_with_it():
    state, _ = play_flow(
        [
            "I'd like to book an eye exam.",
            "Kendall.",
            "No, that's all I needed.",
            "Actually, my name is Maria Gonzalez.",
            "Aetna.",
            "Tuesday morning.",
            "No, that's all.",
        ]
    )
    assert state.outcome == "request_captured" and state.request.patient_name == "Maria Gonzalez"


def test_a_new_callback_number_after_a_message_keeps_the_message():
    state, _ = play_flow(
        [
            "I need to reschedule two appointments, mine and my husband's, on Friday at the "
            "Coral Gables office.",
            "Diane Friedman.",
            "And please call me back on my cell, not this number. It's 305-555-0462.",
            "That's it, thanks.",
        ]
    )
    assert state.outcome == "message_taken"
    assert "reschedule two appointments" in state.message
    assert state.request.callback_number == "+13055550462"


def test_after_an_answered_question_a_place_said_in_a_goodbye_starts_no_request():
    state, replies = play_flow(
        [
            "Do you do LASIK at the Round Rock office?",
            "Oh, okay. Austin's not that far. I'll think about it and call back. That's all "
            "for now, thanks.",
        ]
    )
    assert state.ended and replies[-1].end_call
    assert state.outcome == "question_answered" and not state.message


def test_a_question_after_the_recap_does_not_change_the_day_or_office_it_is_about():
    state, replies = play_flow(
        [*BOOKING, "Okay. Oh, and what time do you open on Saturday?", "No, that's all. Bye."]
    )
    assert state.request.preferred_time == "Tuesday morning"
    assert "Saturday 9 AM" in replies[-2].text
    state, _ = play_flow([*BOOKING, "What are the hours at the Austin office?", "No, bye."])
    assert state.request.office == "Kendall"


def test_a_wrong_number_after_an_answered_question_keeps_nothing():
    state, _ = play_flow(["Do you sell glasses?", "Oh, I'm so sorry, wrong number. Bye!"])
    assert state.outcome == "no_request"


@pytest.mark.parametrize(
    "after_recap",
    [
        "That's fine.",
        "Yes, that's my cell.",
        "That's my cell, that works.",
        "That's my home phone, that's fine.",
        "Yes, that number works.",
        "Yes, that's my home number.",
    ],
)
def test_accepting_the_read_back_number_asks_anything_else_again(after_recap):
    state, replies = play_flow([*_TO_RECAP, after_recap])
    assert replies[-1].text == "Is there anything else I can help you with?"
    assert state.request.phone_confirmed and not state.ended


@pytest.mark.parametrize(
    "after_recap",
    [
        "That's my home phone, but call my cell instead.",
        "Yes, that's my work number, call my cell.",
    ],
)
def test_a_home_number_with_a_but_is_still_another_number_wanted(after_recap):
    state, replies = play_flow([*_TO_RECAP, after_recap])
    assert replies[-1].expect == "phone" and not state.request.phone_confirmed


def test_is_this_the_practice_is_answered_yes_then_the_open_question():
    state, replies = play_flow(["Hello? Is this the eye doctor's office?"])
    assert replies[-1].text.startswith("Yes, you've reached Bayside Vision Care.")
    assert "Dr." not in replies[-1].text and state.questions == []


def test_asking_for_another_business_hears_where_they_are_and_nothing_is_kept():
    wrong = "Hi, is this Sunshine Pediatrics? I'm calling about my son's checkup."
    state, replies = play_flow([wrong])
    assert replies[-1].text.startswith("You've reached Bayside Vision Care.")
    assert replies[-1].text.endswith("?") and not state.request.reason
    state, replies = play_flow(
        [
            "Hi, is this Sunshine Pediatrics? I'm calling about my son's checkup.",
            "Oh, sorry, I must have dialed the wrong number. Bye.",
        ]
    )
    assert state.ended and state.outcome == "no_request"


def test_a_first_name_spelled_again_at_the_plan_question_is_fixed_and_the_plan_asked_again():
    state, replies = play_flow(
        [
            "I'm due for an eye exam.",
            "Pinecrest.",
            "Sean Murphy.",
            "Oh, sorry, it's not the usual spelling. Shawn, S H A W N.",
        ]
    )
    assert state.request.first_name == "Shawn"
    assert replies[-1].expect == "insurance"


def test_a_holiday_hours_question_is_noted_for_staff_as_the_agent_says():
    state, replies = play_flow(
        [
            "Hi, what time does the office out by Pflugerville close on Fridays?",
            "And are you open the Friday after Thanksgiving?",
        ]
    )
    assert "note your question for our staff" in replies[-1].text
    assert "Our Round Rock office is open" in replies[-1].text
    assert state.questions == ["And are you open the Friday after Thanksgiving?"]


def test_asked_which_offices_there_are_the_agent_names_them_and_asks_again():
    _, replies = play_flow(
        ["I need to get fitted for contact lenses.", "Um, which ones do you have?"]
    )
    assert replies[-1].text.startswith("We have offices in Kendall, Coral Gables, Hialeah")
    assert replies[-1].expect == "office"


def test_a_name_said_for_the_message_is_thanked_and_the_message_asked_again():
    state, replies = play_flow(["Need to reschedule.", "Ben Carter."])
    assert state.request.patient_name == "Ben Carter"
    assert replies[-1].text.startswith("Thank you, Ben.") and replies[-1].expect == "message"


def test_asked_to_say_it_again_the_agent_repeats_its_last_reply_word_for_word():
    state, replies = play_flow(["I'd like an eye exam.", "Sorry, could you say that again?"])
    assert replies[-1].text == replies[-2].text and replies[-1].expect == "office"
    assert state.questions == [] and state.not_understood == 0
    state, replies = play_flow([*_TO_RECAP, "I didn't catch that, could you repeat it?"])
    assert replies[-1].text == replies[-2].text and "5 5 5" in replies[-1].text
    assert not state.request.phone_confirmed  # the read-back is still open


@pytest.mark.parametrize(
    "after_instruction",
    ["Oh. Alright, I'll have my husband drive me.", "Okay, okay, I'm going now."],
)
def test_after_the_emergency_instruction_an_acknowledgement_ends_the_call(after_instruction):
    state, replies = play_flow(["I got bleach in my eye!", after_instruction])
    assert state.ended and replies[-1].end_call and state.outcome == "emergency"
    assert len(replies) == 3  # greeting, instruction, goodbye


def _profile():
    from switchboard.profiles import ProfileRegistry, default_profiles_dir

    return ProfileRegistry.load_dir(default_profiles_dir()).default


def test_done_after_an_answered_question_and_a_misheard_request_is_the_question_answered():
    # "And where exactly is the Coral Gables office?" heard without its question words
    from switchboard.brain import flow

    lines = [
        "What do I need to bring to my first eye appointment?",
        "been blurred check please the coral gables office",
        "No, that's all I needed, thanks.",
    ]
    state, replies = play_flow(lines)
    assert replies[-1].expect == "anything_else"
    for _ in range(3):
        state, _reply = flow.on_silence(_profile(), state)
    assert state.ended and state.outcome == "question_answered"
    state, _ = play_flow([*lines, "No."])
    assert state.ended and state.outcome == "question_answered"


def test_a_request_with_a_name_left_after_a_question_is_abandoned():
    state, _ = play_flow(
        ["What are your hours?", "Kendall.", "I'd like to book an exam.", "Maria Lopez."]
    )
    from switchboard.brain import flow

    state = flow.on_hangup(_profile(), state)
    assert state.outcome == "abandoned"


def test_an_echoed_question_acknowledging_the_emergency_instruction_ends_the_call():
    state, replies = play_flow(
        [
            "My eye hurts terribly, the worst pain I've ever had.",
            "The emergency room? Okay. Okay, my son will take me.",
        ]
    )
    assert state.ended and replies[-1].end_call and "children" not in replies[-1].text


def test_a_spelling_said_later_corrects_the_name_part_it_sounds_like():
    state, replies = play_flow(
        [
            "My eyes have been red and itchy.",
            "Georgetown.",
            "Catherine Moore.",
            "Sorry, Katherine is with a K. K A T H E R I N E. And the insurance is Aetna.",
        ]
    )
    assert state.request.patient_name == "Katherine Moore"
    assert state.request.insurance == "Aetna"


def test_a_name_given_with_everything_else_is_thanked_in_the_recap_sentence():
    state, replies = play_flow(
        [
            "Hi, this is Marcus Bell. I need a regular eye exam at your South Austin office, I "
            "have Humana, and Monday or Tuesday afternoon would be best."
        ]
    )
    assert replies[-1].text.startswith("Thank you, Marcus; I've noted your request")
    assert state.mode == "wrap_up"


def test_a_wrong_number_after_a_message_was_started_keeps_nothing():
    state, _ = play_flow(
        [
            "Hi, is this Walgreens? I'm calling about a prescription refill.",
            "Oh, sorry, wrong number. Bye.",
        ]
    )
    assert state.ended and state.outcome == "no_request" and state.request.reason == ""


def test_a_cancellation_after_the_request_is_a_message_beside_it():
    recap = [
        "I need to make an appointment for a diabetic eye exam.",
        "Hialeah.",
        "Luis Camacho.",
        "Medicaid.",
        "Tuesday morning.",
    ]
    state, replies = play_flow(
        [
            *recap,
            "Yes, that's my number. And one more thing, my wife has an appointment this "
            "Thursday that I need to cancel, she can't make it.",
            "Her name's Marisol Camacho, it was Thursday at two.",
            "No, that's everything, thank you.",
        ]
    )
    req = state.request
    assert (req.patient_name, req.preferred_time) == ("Luis Camacho", "Tuesday morning")
    assert "cancel" in state.message and "Marisol Camacho" in state.message
    assert state.outcome == "request_captured" and state.ended


def test_staff_notes_keep_a_message_that_is_not_the_reason():
    from switchboard.brain.flow import staff_notes

    recap = ["I need a diabetic eye exam.", "Hialeah.", "Luis Camacho.", "Medicaid.", "Tuesday."]
    state, _ = play_flow([*recap, "Also my wife needs to cancel her appointment on Thursday."])
    assert staff_notes(state) == [
        "Message: Also my wife needs to cancel her appointment on Thursday."
    ]
    state, _ = play_flow(["I need to cancel my appointment on Monday at Kendall."])
    assert staff_notes(state) == []  # the message is the reason staff read first


@pytest.mark.parametrize(
    ("after_recap", "office_id"),
    [
        ("no i'm austin", "hialeah"),  # "No, I'm all set.", as heard
        ("No, Kendall.", "kendall"),
        ("no it's kendall", "kendall"),
    ],
)
def test_after_the_recap_no_and_a_place_changes_the_office_only_side_by_side(
    after_recap, office_id
):
    state, _ = play_flow([*_TO_RECAP, after_recap])
    assert state.request.office_id == office_id


@pytest.mark.parametrize(
    "hold", ["Hold on one second, my kid's yelling.", "Oh hold on, let me grab my card."]
)
def test_hold_on_is_no_miss_and_the_question_stays_open(hold):
    lines = ["I'd like an eye exam.", "Kendall.", "Maria Lopez.", hold]
    state, replies = play_flow(lines)
    assert replies[-1].text == "Sure, take your time. What insurance do you have, if any?"
    assert replies[-1].expect == "insurance" and state.not_understood == 0
    state, _ = play_flow([*lines, "Okay, I'm back. It's VSP."])
    assert state.request.insurance == "VSP"


@pytest.mark.parametrize(
    "asked",
    ["Somebody will call me, yes? To tell me the time?", "Will you call me to confirm?"],
)
def test_asking_whether_staff_will_call_about_the_request_is_answered_yes(asked):
    state, replies = play_flow([*BOOKING, asked])
    assert "staff will call you to confirm" in replies[-1].text
    assert state.questions == [] and not state.ended


def test_asking_for_a_call_back_before_any_request_still_takes_a_message():
    state, replies = play_flow(["Will someone call me back about my bill?"])
    assert state.mode == "message" and "confirm the day" not in replies[-1].text


def test_checking_the_line_is_answered_and_the_open_question_asked_again():
    state, replies = play_flow(["Hello? Hello?", "Hello, I can barely hear you, it's breaking up."])
    assert all("I'm here" in r.text and "help you" in r.text for r in replies[1:])
    assert state.not_understood == 0
    state, replies = play_flow(["I'd like to book an eye exam.", "Are you still there?"])
    assert "I'm here" in replies[-1].text and replies[-1].expect == "office"


def test_a_caller_who_will_call_back_later_hears_goodbye():
    state, replies = play_flow(["Hello?", "Ugh. I'll call back."])
    assert state.ended and replies[-1].end_call and state.outcome == "no_request"


def test_booking_right_after_a_service_question_takes_that_service_as_the_reason():
    state, replies = play_flow(
        [
            "Hey, do y'all do contact lens fittings? I've never worn contacts.",
            "Okay cool, yeah, I'd like to set that up. Kendall's closest to me.",
        ]
    )
    assert "contact lens exam and fitting" in replies[1].text
    assert state.request.reason == "contact lens exam and fitting"
    state, _ = play_flow(
        ["Do you do LASIK?", "Okay. I'd like to book an eye exam for my son at Kendall."]
    )
    assert "eye exam" in state.request.reason


def test_a_reschedule_asks_the_day_that_would_work_better_not_the_old_one():
    state, replies = play_flow(
        [
            "I have an appointment this Thursday at two and I need to reschedule it.",
            "Kendall.",
            "Matteo Bianchi.",
        ]
    )
    assert "work better" in replies[-1].text and replies[-1].expect == "time"
    assert state.request.preferred_time == ""  # "this Thursday at two" is the visit moved
    state, replies = play_flow(
        [
            "I have an appointment this Thursday at two and I need to reschedule it.",
            "Kendall.",
            "Matteo Bianchi.",
            "Next week, mornings.",
        ]
    )
    assert (
        state.request.preferred_time == "Next week, mornings" and state.outcome == "message_taken"
    )


@pytest.mark.parametrize(
    "said",
    [
        "I need to move my Tuesday appointment to Friday morning at Kendall.",
        "I need to cancel my appointment for tomorrow at Kendall.",
    ],
)
def test_a_move_that_says_its_new_day_or_a_cancellation_asks_no_new_time(said):
    state, replies = play_flow([said, "Rosa Martinez."])
    assert "work better" not in replies[-1].text


def test_a_name_given_after_a_question_kept_for_staff_is_kept_for_them():
    # asking after results is a message for staff (only they can answer it)
    state, replies = play_flow(["Are my test results back yet?", "It's Ingrid Solberg."])
    assert state.request.patient_name == "Ingrid Solberg" and "Ingrid" in replies[-1].text
    assert state.message == "Are my test results back yet?"


def test_a_full_name_given_for_the_last_name_after_a_nickname_replaces_the_nickname():
    state, _ = play_flow(
        [
            "I'd like an eye exam.",
            "Kendall.",
            "Nandi.",
            "Oh sorry, it's Nandipha Dlamini. Nandi is just what everybody calls me.",
        ]
    )
    assert state.request.patient_name == "Nandipha Dlamini"


def test_a_service_named_in_a_noted_question_is_the_reason_of_the_booking_after_it():
    state, replies = play_flow(
        [
            "How much is a contact lens fitting if I'm paying out of pocket?",
            "Okay. Well, I'd like to set one up anyway, at the Gables.",
        ]
    )
    assert "note your question" in replies[1].text
    assert state.request.reason == "contact lens exam and fitting"
    # a visit no listed service names is kept in the caller's words
    state, _ = play_flow(
        [
            "How much is an eye exam without insurance?",
            "Fine, just put me down for one. Coral Gables.",
        ]
    )
    assert state.request.reason == "eye exam"


def test_over_there_after_a_question_about_an_office_is_that_office():
    _, replies = play_flow(
        [
            "I have my appointment at the Gables office tomorrow. Where do I park over there?",
            "And you guys close at what time over there?",
        ]
    )
    assert "Our Coral Gables office is open" in replies[-1].text


def test_no_thanks_to_which_office_for_an_hours_question_lists_no_offices():
    state, replies = play_flow(["What are your hours?", "No, that's it, thanks."])
    assert "We have offices" not in replies[-1].text and replies[-1].expect == "anything_else"


def test_an_office_given_right_after_a_service_was_answered_books_that_service():
    state, replies = play_flow(["I wanted to ask about, um, LASIK.", "Westlake, out in Westlake."])
    assert state.request.reason == "LASIK consultation" and replies[-1].expect == "name"


@pytest.mark.parametrize(
    "heard",
    ["congress got urgent okay meant bye", "Congress, got it. Okay, thanks, bye!"],
)
def test_a_goodbye_ending_the_answer_to_anything_else_closes_despite_stray_words(heard):
    state, replies = play_flow(["What's the address of the downtown Austin office?", heard])
    assert state.ended and replies[-1].end_call and state.outcome == "question_answered"


# --- session 12: blind batches h39-h44 ----------------------------------------------------


def test_a_plan_taken_back_after_the_recap_is_changed_and_the_call_goes_on():
    state, replies = play_flow(
        [*BOOKING, "No wait, not Aetna. I have Medicare now, I turned sixty-five last month."]
    )
    assert state.request.insurance == "Medicare" and not state.ended
    assert replies[-1].expect == "anything_else"


def test_a_first_name_corrected_after_the_recap_keeps_the_last_name():
    state, _ = play_flow(
        [*BOOKING, "Yeah, that's my cell. Oh, and my first name is Mariah. M A R I A H."]
    )
    assert state.request.patient_name == "Mariah Gonzalez"
    assert state.outcome == "request_captured" or not state.ended


def test_the_name_said_again_for_the_chart_corrects_the_first_name():
    state, _ = play_flow(
        [
            "I'd like to book an eye exam.",
            "Kendall.",
            "Hal Bernstein.",
            "Medicare. Oh, and for the chart, put Harold, not Hal. Harold Bernstein, that's "
            "what's on my Medicare card.",
        ]
    )
    assert state.request.patient_name == "Harold Bernstein"


def test_another_family_member_named_later_changes_no_name():
    state, _ = play_flow(
        [
            "I'd like to book an eye exam.",
            "Kendall.",
            "Thomas Wright.",
            "Aetna, it's through my wife, Janet Wright.",
        ]
    )
    assert state.request.patient_name == "Thomas Wright"


def test_an_answer_asked_beside_the_last_fact_is_said_before_the_recap():
    state, replies = play_flow(
        [*BOOKING[:4], "Wednesday morning. How long does the exam take, by the way?"]
    )
    assert "about an hour" in replies[-1].text and "I've noted your request" in replies[-1].text


def test_the_visit_asked_for_after_a_question_leads_the_reason():
    state, _ = play_flow(
        [
            "Hi, do you do contact lens exams? I've never worn contacts and I want to try them.",
            "Great, I'd like to get a contact lens fitting then, at Coral Gables.",
        ]
    )
    assert state.request.reason.startswith("a contact lens fitting")
    assert "never worn contacts" in state.request.reason


@pytest.mark.parametrize(
    ("called", "office_id"),
    [("+13055550100", "kendall"), ("+15125550100", "austin"), ("", "austin")],
)
def test_the_line_rung_settles_two_regions_offices_heard_in_one_answer(called, office_id):
    state, _ = play_flow(
        ["I need an eye exam.", "pinecrest would be hughes for austin"], called_number=called
    )
    assert state.request.office_id == office_id


def test_a_place_with_no_office_hears_the_offices_then_one_is_chosen():
    state, replies = play_flow(
        [
            "Hi, I need a contact lens fitting.",
            "Do you have an office in Aventura?",
            "Oh. Hialeah's fine, I work near there anyway.",
        ]
    )
    assert "Kendall, Coral Gables, Hialeah, Austin, and Round Rock" in replies[-2].text
    assert state.request.office_id == "hialeah" and not state.questions


# --- session 12, second half: blind batches h45-h49 --------------------------------------


def test_asking_to_leave_a_message_for_an_office_keeps_the_office_and_asks_what_it_is():
    state, replies = play_flow(["Hi, I just need to leave a message for the Austin office."])
    assert replies[-1].expect == "message" and state.request.office_id == "austin"
    state, replies = play_flow(
        [
            "Hi, I just need to leave a message for the Austin office.",
            "My glasses are ready and I want to know when I can pick them up.",
        ]
    )
    assert state.message.startswith("My glasses are ready") and replies[-1].expect == "name"


def test_an_office_said_to_what_to_pass_on_is_the_office_and_the_message_is_asked_again():
    state, replies = play_flow(["Can I leave a message?", "Round Rock."])
    assert state.request.office_id == "round-rock" and not state.message
    assert replies[-1].expect == "message"


def test_a_short_message_that_says_what_it_is_is_taken():
    state, replies = play_flow(["Need to reorder my contacts."])
    assert state.outcome == "message_taken" and state.message == "Need to reorder my contacts."
    assert replies[-1].expect == "office"


def test_a_last_name_spelled_with_the_name_is_not_asked_to_be_spelled_again():
    state, replies = play_flow(
        ["I'd like to book an eye exam.", "Kendall.", "Jenna Brooks. B R O O K S."]
    )
    assert state.request.patient_name == "Jenna Brooks" and state.spelling_asked
    assert replies[-1].expect == "insurance"


# --- session 14: blind batches h55-h59 -------------------------------------------------------


def test_a_family_members_name_is_said_back_but_the_caller_is_not_called_by_it():
    state, replies = play_flow(
        [
            "Hi, this is Rebecca Stein, I'm calling for my son Noah Stein. He needs a pediatric "
            "eye exam at the Austin office, he's on our Aetna plan.",
            "Anytime during Thanksgiving week.",
        ]
    )
    assert state.request.patient_name == "Noah Stein"
    assert state.request.reason == "He needs a pediatric eye exam"
    assert state.request.preferred_time == "Anytime during Thanksgiving week"
    assert all("Noah" not in r.text for r in replies[2:])  # the time question, the recap
    _, replies = play_flow(["I need an eye exam for my son", "Kendall", "It's for my son, Mateo"])
    assert replies[-1].text == "Thank you, that's for Mateo. And what's Mateo's last name?"


def test_a_call_back_asked_for_at_the_plan_question_is_a_message_with_what_was_said():
    state, replies = play_flow(
        [
            "This is Pearl Hutchins. I had my cataract surgery through the Coral Gables office, "
            "and I've lost the paper about my eye drops. I can't remember if it's three times a "
            "day or four.",
            "Yes, please, have the nurse or somebody call me.",
        ]
    )
    assert state.mode == "wrap_up" and state.outcome == "message_taken"
    assert "eye drops" in state.request.reason and state.request.office_id == "coral-gables"
    assert replies[-1].expect == "anything_else"


def test_a_question_noted_then_a_call_back_keeps_the_question_and_its_office():
    state, _ = play_flow(
        [
            "Hi, I ordered new glasses for my mother at your Kendall office a couple of weeks "
            "ago, and I wanted to find out if they're ready to pick up.",
            "Please have someone call me back at this number.",
        ]
    )
    assert state.request.office_id == "kendall" and state.outcome == "message_taken"
    assert "glasses" in state.request.reason and "call me back" in state.request.reason
    state, replies = play_flow(
        ["How much is the eye exam if I pay cash? My name is Rosa Mendoza, I go to Hialeah."]
    )
    assert state.questions and state.request.office_id == "hialeah"
    assert "note your question" in replies[-1].text


@pytest.mark.parametrize(
    "lines",
    [
        ["Eye exam, Round Rock, Priya Shah, Aetna, Tuesday morning."],
        ["Can we make this fast? Glaucoma check, Coral Gables, Robert Klein.", "Cigna.",
         "Mornings."],
        ["Eye exam, Coral Gables.", "Leo Grant, Cigna.", "Monday, late afternoon."],
    ],
)
def test_a_terse_caller_listing_facts_reaches_the_recap(lines):
    state, replies = play_flow(lines)
    assert state.request.complete and state.outcome == "request_captured"
    assert "noted your request" in replies[-1].text


def test_how_are_you_is_answered_and_a_question_announced_is_asked_for():
    state, replies = play_flow(
        ["How are you doing today?", "I have a question about an appointment"]
    )
    assert replies[1].text == "I'm doing well, thank you. What can I help you with today?"
    assert replies[2].text == "Sure, what's your question?"
    assert state.not_understood == 0 and state.mode == "open"
    _, replies = play_flow(["I need an eye exam", "Kendall", "Hi, how are you?"])
    assert replies[-1].text == "I'm doing well, thank you. May I have your first and last name?"


def test_a_plan_taken_back_after_the_recap_is_no_wrong_number():
    state, replies = play_flow(
        [
            *BOOKING,
            "Wait, that's wrong on the insurance. It's Cigna, not Aetna. I switched plans.",
        ]
    )
    assert state.request.insurance == "Cigna" and replies[-1].expect == "anything_else"


def test_a_first_name_taken_back_after_the_recap_keeps_the_last_name():
    state, _ = play_flow(
        [*BOOKING, "The number's fine, but my first name is Mariah, not Maria. M A R I A H."]
    )
    assert state.request.patient_name == "Mariah Gonzalez"


def test_a_call_that_only_asked_about_an_office_keeps_it_on_the_record():
    state, _ = play_flow(
        ["What are your hours at the downtown Austin office?", "Perfect, that's all. Thanks!"]
    )
    assert state.outcome == "question_answered" and state.request.office_id == "austin"


@pytest.mark.parametrize(
    ("begun", "rest", "number"),
    [
        ("No, use my cell. It's area code seven eight six...", "five five five, zero one three "
         "eight.", "+17865550138"),
        ("No, that's the landline. My cell is 737 555...", "0195.", "+17375550195"),
    ],
)
def test_a_number_given_in_two_parts_is_one_number(begun, rest, number):
    state, replies = play_flow([*BOOKING, begun])
    assert replies[-1].expect == "phone" and not state.ended  # no goodbye mid-number
    state, replies = play_flow([*BOOKING, begun, rest])
    assert state.request.callback_number == number
    assert replies[-1].expect == "anything_else"


def test_more_of_a_message_said_at_the_office_question_is_kept():
    state, replies = play_flow(
        [
            "Hi, can I leave a message for someone in billing?",
            "My insurance claim got denied because the member ID on it was wrong.",
        ]
    )
    assert "claim got denied" in state.message and replies[-1].expect == "office"


def test_a_message_with_a_number_begun_keeps_the_message_and_the_name():
    state, replies = play_flow(
        [
            "Hi, I'd like to leave a message for the Round Rock office.",
            "This is Kevin Marsh. The contact lenses I picked up are the wrong prescription. "
            "Could someone call me back at 512 555...",
            "...0153. That's my cell.",
        ]
    )
    assert "wrong prescription" in state.message and state.request.patient_name == "Kevin Marsh"
    assert state.request.callback_number == "+15125550153"
    assert replies[-1].expect == "anything_else"


def test_a_visit_asked_for_with_the_office_of_an_hours_question_is_taken_up():
    state, replies = play_flow(
        [
            "Hi, are any of your offices open tomorrow? My son's been squinting at the board.",
            "Okay. Then I'd like a pediatric eye exam for him at the Gables office.",
        ]
    )
    assert "open" in replies[-1].text and replies[-1].expect == "name"
    assert state.request.office_id == "coral-gables" and "pediatric" in state.request.reason


def test_an_emergency_said_with_a_number_begun_is_the_emergency():
    state, replies = play_flow(
        [*BOOKING, "Oh no, my son just got bleach splashed in his eye! My cell is 737 555..."]
    )
    assert state.outcome == "emergency" and "911" in replies[-1].text
