# Khmer date and number formats. Django's own km formats use "," as the decimal separator;
# Cambodian government and NGO documents use "." as CLDR does, so Komar follows CLDR.
DATE_FORMAT = "j F Y"
# One way to write a date on every page and PDF: the short formats are the long ones.
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
