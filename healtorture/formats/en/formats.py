"""English dates as the directory has always written them (15 January 2026, 24-hour clock),
not Django's American defaults (Jan. 15, 2026, 3 p.m.): readers are all over the world."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
