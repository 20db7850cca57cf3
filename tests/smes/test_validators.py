import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from smes.validators import corporate_number_check_digit, validate_corporate_number

# Published corporate numbers (国税庁法人番号公表サイト): the National Tax Agency, Toyota Motor
# Corporation, Sony Group Corporation, and the worked example of the rule (7123456789012).
REAL_NUMBERS = ["7000012050002", "1180301018771", "5010401067252", "7123456789012"]


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_corporate_number_real_numbers_pass(number):
    validate_corporate_number(number)


def test_corporate_number_check_digit_worked_example():
    # 12-digit base 123456789012: digits from the right weighted 1,2,1,2...: sum 74, 74 mod 9 = 2, 9 - 2 = 7.
    assert corporate_number_check_digit("123456789012") == 7


def test_corporate_number_check_digit_is_never_zero():
    # 9 - (sum mod 9) lies in 1..9; a base whose weighted sum is a multiple of 9 gets 9.
    assert corporate_number_check_digit("000000000000") == 9
    assert corporate_number_check_digit("000000000009") == 9


@pytest.mark.parametrize(
    "number",
    [
        "8000012050002",  # NTA with the check digit raised by one
        "1180301018772",  # Toyota with the last digit changed
        "5010401067225",  # Sony with the last two digits swapped
        "0000012050002",  # a leading zero is never a check digit
    ],
)
def test_corporate_number_bad_check_digit_is_refused(number):
    with pytest.raises(ValidationError) as info:
        validate_corporate_number(number)
    assert info.value.code == "corporate_number_check_digit"


@pytest.mark.parametrize(
    "number", ["700001205000", "70000120500021", "7000O12050002", "７０００012050002", ""]
)
def test_corporate_number_wrong_format_is_refused(number):
    with pytest.raises(ValidationError) as info:
        validate_corporate_number(number)
    assert info.value.code == "corporate_number_format"


def test_corporate_number_messages_are_translated():
    # The messages are lazy: read them while Japanese is active, whatever an earlier test left active.
    with translation.override("ja"):
        with pytest.raises(ValidationError) as info:
            validate_corporate_number("8000012050002")
        assert info.value.messages == [
            "法人番号の検査用数字（先頭の1桁）が正しくありません。登記情報と照合してください。"
        ]
        with pytest.raises(ValidationError) as info:
            validate_corporate_number("123")
        assert info.value.messages == ["法人番号は13桁の数字です。"]
