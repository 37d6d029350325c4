"""Serial normalisation and the registry's rules."""
import pytest

from app.services.devices import DeviceError, normalise_serial, valid_serial


@pytest.mark.parametrize(("typed", "normal"), [
    ("abc-123 x", "ABC123X"),
    ("  ABC 123 X  ", "ABC123X"),
    ("abc_123.x", "ABC123X"),
    ("ＡＢＣ１２３Ｘ", "ABC123X"),  # full-width characters from a phone keyboard
    ("abc/123:x", "ABC123X"),
    ("", ""),
    (None, ""),
])
def test_serials_are_normalised_for_case_spaces_and_dashes(typed, normal):
    assert normalise_serial(typed) == normal


@pytest.mark.parametrize("bad", ["", "ab", "A" * 41, "ABC\x00123", "ABC\n123", "<script>",
                                 "ABC'; DROP TABLE device;--", "SN\u202e123"])
def test_absurd_or_hostile_serials_are_refused(bad):
    with pytest.raises(DeviceError):
        valid_serial(bad)


def test_a_long_but_plausible_serial_is_accepted():
    assert valid_serial("c02fk1-abq6w4") == "C02FK1ABQ6W4"
