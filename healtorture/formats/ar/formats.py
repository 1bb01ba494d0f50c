"""Arabic dates: day, month name and year, with a 24-hour clock (Django's own Arabic formats
have a 12-hour clock and no date-and-time format). Digits stay Western (0-9), as most Arabic
sites for professionals write them, and as the numbers in titles and addresses are written."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y، H:i"
