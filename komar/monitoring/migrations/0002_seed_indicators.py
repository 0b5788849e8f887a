"""The Bangkok Rules checklist's indicators, each citing its rule (UN Bangkok Rules, 2010; the
Nelson Mandela Rules, 2015). Reference data: an administrator edits them in the admin. The seed
adds what is missing and never overwrites an edited row."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# (key, topic, rule cited, English, Khmer)
INDICATORS = [
    (
        "admission_children_recorded",
        "admission",
        "Bangkok Rule 3(1)",
        "At admission, each child of the woman is recorded: name, age and, for a child outside, "
        "where and with whom the child lives.",
        "នៅពេលទទួលចូល កូនម្នាក់ៗរបស់ស្ត្រីត្រូវបានកត់ត្រា៖ ឈ្មោះ អាយុ ហើយសម្រាប់កូនដែលនៅខាងក្រៅ "
        "កន្លែង និងអ្នកដែលកូនរស់នៅជាមួយ។",
    ),
    (
        "admission_records_confidential",
        "admission",
        "Bangkok Rule 3(2)",
        "The children's records are kept confidential and used only in the best interests of "
        "the child.",
        "កំណត់ត្រារបស់កុមារត្រូវបានរក្សាជាការសម្ងាត់ ហើយប្រើតែដើម្បីឧត្តមប្រយោជន៍របស់កុមារប៉ុណ្ណោះ។",
    ),
    (
        "health_screening_admission",
        "health",
        "Bangkok Rule 9; Nelson Mandela Rule 29(1)(b)",
        "Each child who enters with the mother has a health screening, preferably by a child "
        "health specialist.",
        "កុមារម្នាក់ៗដែលចូលមកជាមួយម្ដាយ ត្រូវបានពិនិត្យសុខភាព ល្អបំផុតដោយអ្នកឯកទេសសុខភាពកុមារ។",
    ),
    (
        "health_ongoing",
        "health",
        "Bangkok Rule 51(1); Nelson Mandela Rule 29(1)(b)",
        "The children receive ongoing health care, and their growth and development are "
        "monitored by specialists with the community health services.",
        "កុមារទទួលបានការថែទាំសុខភាពជាប្រចាំ ហើយការលូតលាស់ និងការអភិវឌ្ឍរបស់ពួកគេត្រូវបានតាមដាន"
        "ដោយអ្នកឯកទេស រួមជាមួយសេវាសុខាភិបាលសហគមន៍។",
    ),
    (
        "food_pregnant_children",
        "health",
        "Bangkok Rule 48(1)",
        "Pregnant and breastfeeding women, babies and children receive adequate and timely "
        "food, free of charge, and advice on health and diet.",
        "ស្ត្រីមានផ្ទៃពោះ និងស្ត្រីបំបៅដោះកូន ទារក និងកុមារ ទទួលបានអាហារគ្រប់គ្រាន់ និងទាន់ពេលវេលា "
        "ដោយឥតគិតថ្លៃ ព្រមទាំងដំបូន្មានអំពីសុខភាព និងរបបអាហារ។",
    ),
    (
        "breastfeeding",
        "health",
        "Bangkok Rule 48(2)",
        "Women are not discouraged from breastfeeding, unless there are specific health "
        "reasons.",
        "ស្ត្រីមិនត្រូវបានរារាំងពីការបំបៅដោះកូនដោយទឹកដោះម្តាយទេ លើកលែងតែមានហេតុផលសុខភាពជាក់លាក់។",
    ),
    (
        "childcare_staffed",
        "environment",
        "Nelson Mandela Rule 29(1)(a)",
        "A child-friendly space or childcare, staffed by qualified persons, is open for the "
        "children when they are not in their mother's care.",
        "កន្លែងមិត្តភាពកុមារ ឬការថែទាំកុមារ ដែលមានបុគ្គលិកមានសមត្ថភាព បើកសម្រាប់កុមារ "
        "នៅពេលដែលពួកគេមិននៅក្នុងការថែទាំរបស់ម្ដាយ។",
    ),
    (
        "environment_as_outside",
        "environment",
        "Bangkok Rule 51(2)",
        "The children's surroundings are as close as possible to those of a child outside: "
        "space, daylight, play and time outdoors every day.",
        "បរិយាកាសរបស់កុមារប្រហាក់ប្រហែលបំផុតទៅនឹងកុមារនៅខាងក្រៅ៖ ទីកន្លែង ពន្លឺថ្ងៃ ការលេង "
        "និងពេលវេលានៅខាងក្រៅរៀងរាល់ថ្ងៃ។",
    ),
    (
        "never_prisoners",
        "environment",
        "Bangkok Rule 49; Nelson Mandela Rule 29(2)",
        "The children are never treated as prisoners: not counted, searched or locked in as "
        "prisoners are.",
        "កុមារមិនត្រូវបានចាត់ទុកជាជនជាប់ឃុំឡើយ៖ មិនត្រូវបានរាប់ ឆែកឆេរ ឬចាក់សោទុកដូចជនជាប់ឃុំទេ។",
    ),
    (
        "time_with_children",
        "family",
        "Bangkok Rule 50",
        "Mothers have the most possible time with their children inside.",
        "ម្ដាយមានពេលវេលាច្រើនបំផុតតាមដែលអាចធ្វើបាន ជាមួយកូនរបស់ខ្លួនដែលនៅខាងក្នុង។",
    ),
    (
        "family_contact",
        "family",
        "Bangkok Rule 26",
        "Contact with families, children outside included, is encouraged and made easy: "
        "visits, calls and letters, with help for women held far from home.",
        "ទំនាក់ទំនងជាមួយគ្រួសារ រួមទាំងកូននៅខាងក្រៅ ត្រូវបានលើកទឹកចិត្ត និងសម្រួល៖ ការសួរសុខទុក្ខ "
        "ការហៅទូរស័ព្ទ និងសំបុត្រ ព្រមទាំងជំនួយសម្រាប់ស្ត្រីដែលជាប់ឃុំឆ្ងាយពីផ្ទះ។",
    ),
    (
        "visits_child_friendly",
        "family",
        "Bangkok Rule 28",
        "Visits with children take place in a setting that makes them a good experience, with "
        "open contact between mother and child.",
        "ការសួរសុខទុក្ខដែលមានកុមារ ធ្វើឡើងនៅកន្លែងដែលធ្វើឱ្យវាជាបទពិសោធន៍ល្អ "
        "ដោយម្ដាយ និងកូនអាចប៉ះពាល់គ្នាដោយសេរី។",
    ),
    (
        "separation_assessed",
        "separation",
        "Bangkok Rule 52(1)",
        "Each decision on when a child leaves the mother is based on an individual assessment "
        "of the child's best interests.",
        "សេចក្ដីសម្រេចនីមួយៗអំពីពេលដែលកុមារចាកចេញពីម្ដាយ ផ្អែកលើការវាយតម្លៃផ្ទាល់ខ្លួន"
        "អំពីឧត្តមប្រយោជន៍របស់កុមារ។",
    ),
    (
        "separation_prepared",
        "separation",
        "Bangkok Rule 52(2)",
        "A child leaves with sensitivity, only once alternative care has been found, with the "
        "mother and child prepared for it.",
        "កុមារចាកចេញដោយការយកចិត្តទុកដាក់ លុះត្រាតែបានរកឃើញការថែទាំជំនួស "
        "ហើយម្ដាយ និងកូនត្រូវបានរៀបចំសម្រាប់ការនេះ។",
    ),
    (
        "contact_after_separation",
        "separation",
        "Bangkok Rule 52(3)",
        "After a child has left, the mother has the most possible opportunities to meet the "
        "child.",
        "បន្ទាប់ពីកុមារបានចាកចេញ ម្ដាយមានឱកាសច្រើនបំផុតតាមដែលអាចធ្វើបាន ដើម្បីជួបកូន។",
    ),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("monitoring", "Indicator")
    for order, (key, topic, rule, text_en, text_km) in enumerate(INDICATORS, 1):
        Indicator.objects.get_or_create(
            key=key,
            defaults={
                "topic": topic,
                "rule": rule,
                "text_en": text_en,
                "text_km": text_km,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
