from datetime import UTC, date, datetime, time

from peili.notifications import ics


def test_one_event_per_session_in_taipei_time():
    text = ics.calendar(
        [
            ics.CalendarSession("s1@peili", "資訊安全通識 第1期", date(2026, 3, 2), time(9), time(12), "第一教室"),
            ics.CalendarSession("s2@peili", "資訊安全通識 第1期", date(2026, 3, 3), time(13, 30), time(16, 30)),
        ],
        stamp=datetime(2026, 2, 1, 0, 0, tzinfo=UTC),
    )
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART;TZID=Asia/Taipei:20260302T090000\r\n" in text
    assert "DTEND;TZID=Asia/Taipei:20260303T163000\r\n" in text
    assert "TZOFFSETTO:+0800" in text
    assert "DTSTAMP:20260201T000000Z" in text
    assert "LOCATION:第一教室" in text
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_long_lines_fold_without_splitting_characters():
    line = "SUMMARY:" + "公務人員" * 30
    folded = ics.fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(parts) == line


def test_text_is_escaped():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
