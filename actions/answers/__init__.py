"""One parser for each kind of answer people type: amounts of money (amounts.py), names (names.py),
kinship words (kin.py); where one message answers several questions at once (all_at_once.py, which only finds
the words). Only the shape of an answer is read here; whether it is valid (an ID number's
check digit, an income far above the local standard) is the backend's to say."""
