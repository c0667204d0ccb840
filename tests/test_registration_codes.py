"""Check-in codes: read aloud and typed from badges, so only unambiguous letters, all of them."""

from coordination.registration.models import CODE_ALPHABET, CODE_LENGTH, new_checkin_code


def test_checkin_codes_are_distinct_and_use_every_letter_of_the_alphabet():
    codes = [new_checkin_code() for _ in range(200)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == CODE_LENGTH for code in codes)
    # 5400 letters drawn from 30: each turns up, none outside the alphabet.
    assert set("".join(codes)) == set(CODE_ALPHABET)
