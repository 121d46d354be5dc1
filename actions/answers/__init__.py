"""One parser for each kind of answer people type: amounts of money (amounts.py), names (names.py),
kinship words (kin.py). Only the shape of an answer is read here; whether it is valid (an ID number's
check digit, an income far above the local standard) is the backend's to say."""
