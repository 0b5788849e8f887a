import pytest

from komar.lib.names import (
    clean_name,
    key_similarity,
    match_score,
    name_key,
    number_key,
    phone_core,
    query_name_key,
    similarity,
    split_names,
    trigrams,
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
