import pytest
from django.core.exceptions import ValidationError

from komar.lib.names import (
    CARER_PUNCTUATION,
    NameProblem,
    clean_name,
    key_similarity,
    match_score,
    name_key,
    name_problem,
    number_key,
    phone_core,
    query_name_key,
    similarity,
    split_names,
    trigrams,
    validate_name,
    validate_names,
)


def test_clean_name_removes_zero_width_spaces_and_extra_spaces() -> None:
    assert clean_name("  ស្រី\u200bសុភា   ") == "ស្រីសុភា"
    assert clean_name("Srey   Sophea ") == "Srey Sophea"


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (["Chan Sophea", "Chan Sophia", "Chhan Sophea", "CHAN SOPHEA", "Chan-Sophea"], "can sopea"),
        (["Srey Mom", "Srei Mom", "Srey.Mom"], "srei mom"),
        (["Khiev Leakhena", "Kiev Leakena"], "kiev leakena"),
        (["Vanna", "Vana"], "vana"),
        (["Touch", "Tuch"], "tuc"),
        (["Phalla", "Falla", "Phala"], "pala"),
        (["ចាន់ សុភា", "ចាន សុភា", "ចាន់ សុភា\u200b"], "ចាន សុភា"),
        (["ស្រីមុំ", "ស្រីមំុ", "សរីមុំ"], "សរីមុំ"),  # coeng gone, ំុ in either order
        (["រ៉ានី", "រានី"], "រានី"),
        (["កញ្ញា", "កញា"], "កញា"),
        (["វណ្ណា", "វណា"], "វណា"),
    ],
)
def test_spelling_variants_have_one_key(variants, key) -> None:
    assert {name_key(v) for v in variants} == {key}


def test_a_name_key_keeps_the_names_apart() -> None:
    key = name_key("ចាន់ សុភា,Chan Sophea,Sophia, Mom")
    assert key == "ចាន សុភា | can sopea | sopea |  mom"
    assert split_names(f" {key} ") == ["ចាន សុភា", "can sopea", "sopea", "mom"]


def test_a_query_key_is_one_name_with_single_spaces() -> None:
    assert query_name_key("  Chan,\u200b Sophia ") == "can sopea"
    assert query_name_key("ចាន់\u200bសុភា") == "ចានសុភា"


def test_number_keys_keep_letters_and_digits() -> None:
    assert number_key("26/0457") == "260457"
    assert number_key("+855 (12) 345-678") == "85512345678"
    assert number_key("Passport N-0123 456") == "passportn0123456"
    assert number_key("០១២ ៣៤៥ ៦៧៨") == "012345678"


@pytest.mark.parametrize(
    ("number", "core"),
    [
        ("012345678", "12345678"),
        ("85512345678", "12345678"),
        ("0085512345678", "12345678"),
        ("0977123456", "977123456"),
        ("260457", ""),  # a prison number
        ("160234567", ""),  # an ID card number
        ("0123", ""),
        ("passportn0123456", ""),
    ],
)
def test_phone_core_drops_the_trunk_and_country_prefix(number, core) -> None:
    assert phone_core(number) == core


def test_trigrams_mark_the_start_and_end_of_each_word() -> None:
    assert trigrams("can sopea") == [" ca", "can", "an ", " so", "sop", "ope", "pea", "ea "]
    assert trigrams("li li") == [" li", "li "]


def test_similarity_of_spelling_variants_is_high() -> None:
    assert similarity("Srey Sophea", "Srey Sophia") == 1.0
    assert similarity("Sophea Srey", "Srey Sophea") == 1.0  # word order
    assert similarity("ស្រី សុភា", "ស្រីសុភា") == 1.0
    assert similarity("Chan Sopheaa", "Chan Sophea") == 1.0  # doubled letters
    assert similarity("Chan Sopheap", "Chan Sophea") >= 0.9


def test_similarity_of_different_names_is_low() -> None:
    assert similarity("Srey Sophea", "Chan Dara") < 0.5
    assert similarity("Sok Sophea", "Chan Sophea") < 0.8
    assert similarity("", "Chan Dara") == 0.0
    assert similarity("Chan Sophea", "ចាន់ សុភា") == 0.0  # scripts are compared apart


def test_a_query_that_is_part_of_a_name_scores_high() -> None:
    assert match_score("sopea", "can sopea") >= 0.9
    assert match_score("can", "can tida") >= 0.9
    assert match_score("សុភា", "ចានសុភា") >= 0.9  # inside a name written without a space
    assert match_score("can sopea", "can") < 0.6  # but a longer query is not part of "Chan"
    assert key_similarity("can sopea", "can") < 0.6


@pytest.mark.parametrize(
    ("value", "script"),
    [
        ("ស្រី សុភា", "khmer"),
        ("ចាន់ សុភា", "khmer"),
        ("ឥន្ទ្រា", "khmer"),  # an independent vowel first
        ("Srey Sophea", "latin"),
        ("Nguyễn Thị Lan", "latin"),
        ("Sok-Chea", "latin"),
        ("Sos Ma'arif", "latin"),
        ("S. Dara", "latin"),
        ("Yim Sam", ""),
        ("យឹម សំ", ""),
    ],
)
def test_real_names_are_accepted(value, script) -> None:
    assert name_problem(clean_name(value), script) is None
    validate_name(clean_name(value), script)


@pytest.mark.parametrize(
    ("value", "script", "problem"),
    [
        ("\u17b7\u17d2\u17bb", "khmer", NameProblem.STRAY_MARK),  # only combining marks
        ("\u17d2\u179f\u17d2\u179a\u17b8", "khmer", NameProblem.STRAY_MARK),  # starts with coeng
        ("ស្រី \u17b6", "khmer", NameProblem.STRAY_MARK),  # a vowel sign after a space
        ("\u0301", "latin", NameProblem.STRAY_MARK),
        ("Sophea 2", "latin", NameProblem.DIGITS),
        ("ស្រី១", "khmer", NameProblem.DIGITS),  # a Khmer digit
        ("Srey²", "latin", NameProblem.DIGITS),
        ("Sophea \U0001f600", "latin", NameProblem.SYMBOL),
        ("ស្រី \U0001f338", "khmer", NameProblem.SYMBOL),
        ("\U0001f1f0\U0001f1ed", "", NameProblem.SYMBOL),  # a flag
        ("Sok@Dara", "latin", NameProblem.SYMBOL),
        ("ស្រី។", "khmer", NameProblem.SYMBOL),  # the Khmer full stop
        ("Srey\u200eSophea", "latin", NameProblem.INVISIBLE),  # a direction mark
        ("- . '", "latin", NameProblem.NO_LETTER),
        ("Srey Sophea", "khmer", NameProblem.NOT_KHMER),
        ("ស្រី Sophea", "khmer", NameProblem.NOT_KHMER),
        ("ស្រី សុភា", "latin", NameProblem.NOT_LATIN),
        ("Софья", "latin", NameProblem.NOT_LATIN),
    ],
)
def test_junk_is_refused_with_the_reason(value, script, problem) -> None:
    found = name_problem(clean_name(value), script)
    assert found is not None and found[0] == problem
    with pytest.raises(ValidationError) as raised:
        validate_name(clean_name(value), script)
    assert raised.value.code == problem.value


def test_the_message_names_the_symbol() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_name("Sophea \U0001f600", "latin")
    assert "\U0001f600" in raised.value.messages[0]


def test_other_names_are_checked_one_by_one() -> None:
    validate_names("Pov, ពៅ, Sophia")
    with pytest.raises(ValidationError):
        validate_names("Pov, Sophia 2")


def test_a_carer_may_be_a_place_but_not_junk() -> None:
    validate_name("Children's residential centre (demo)", punctuation=CARER_PUNCTUATION)
    with pytest.raises(ValidationError):
        validate_name("Children's residential centre (demo)")
    with pytest.raises(ValidationError):
        validate_name("Centre 2", punctuation=CARER_PUNCTUATION)
