import pytest

from images.models import compose_credit_line


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (
            {"agency": "SPUTNIK", "photographer": "SERGEI SAVOSTYANOV", "distributor": "REUTERS"},
            "SPUTNIK/SERGEI SAVOSTYANOV via REUTERS",
        ),
        ({"agency": "REUTERS", "photographer": "ANA LÓPEZ"}, "REUTERS/ANA LÓPEZ"),
        ({"photographer": "ANA LÓPEZ"}, "ANA LÓPEZ"),
        ({"photographer": "ANA LÓPEZ", "distributor": "AFP"}, "ANA LÓPEZ via AFP"),
        ({"agency": "HANDOUT", "distributor": "REUTERS"}, "HANDOUT via REUTERS"),
        ({"agency": "REUTERS", "distributor": "Reuters"}, "REUTERS"),
        ({"distributor": "AFP"}, "AFP"),
        ({}, ""),
    ],
)
def test_credit_line_composes_the_parts_that_exist(parts, expected):
    assert compose_credit_line(**parts) == expected


def test_override_replaces_the_composed_credit(make_image):
    image = make_image(credit_override="Courtesy of the family")

    assert image.credit_line == "Courtesy of the family"
