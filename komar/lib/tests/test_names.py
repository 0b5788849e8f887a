from komar.lib.names import clean_name, comparable, similarity


def test_clean_name_removes_zero_width_spaces_and_extra_spaces() -> None:
    assert clean_name("  ស្រី\u200bសុភា   ") == "ស្រីសុភា"
    assert clean_name("Srey   Sophea ") == "Srey Sophea"


def test_comparable_ignores_case_spaces_and_latin_accents() -> None:
    assert comparable("Sréy-Sophéa") == comparable("srey sophea")


def test_similarity_of_spelling_variants_is_high() -> None:
    assert similarity("Srey Sophea", "Srey Sophia") >= 0.8
    assert similarity("Sophea Srey", "Srey Sophea") == 1.0  # word order
    assert similarity("ស្រី សុភា", "ស្រីសុភា") == 1.0


def test_similarity_of_different_names_is_low() -> None:
    assert similarity("Srey Sophea", "Chan Dara") < 0.5
    assert similarity("", "Chan Dara") == 0.0
