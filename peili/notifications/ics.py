"""iCalendar (RFC 5545) files for a class: one VEVENT per session, in Asia/Taipei time.

Pure: plain values in, text out. Taiwan has no daylight saving, so the VTIMEZONE is a fixed +08:00.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

TZID = "Asia/Taipei"
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class CalendarSession:
    uid: str
    summary: str
    day: date
    starts_at: time
    ends_at: time
    location: str = ""
    description: str = ""


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and newline escaped."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and a space, never splitting
    a UTF-8 character (Chinese text is 3 octets a character)."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _stamp(value: date, at: time) -> str:
    return f"{value:%Y%m%d}T{at:%H%M%S}"


def calendar(sessions: Iterable[CalendarSession], *, stamp: datetime, method: str = "PUBLISH") -> str:
    """The whole file, CRLF line endings, one VEVENT per session."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Peili//Training//ZH-TW", "CALSCALE:GREGORIAN"]
    lines.append(f"METHOD:{method}")
    lines.extend(VTIMEZONE)
    utc_stamp = f"{stamp:%Y%m%dT%H%M%SZ}"
    for session in sessions:
        lines.extend(
            [
                "BEGIN:VEVENT",
                f"UID:{session.uid}",
                f"DTSTAMP:{utc_stamp}",
                f"DTSTART;TZID={TZID}:{_stamp(session.day, session.starts_at)}",
                f"DTEND;TZID={TZID}:{_stamp(session.day, session.ends_at)}",
                f"SUMMARY:{escape(session.summary)}",
            ]
        )
        if session.location:
            lines.append(f"LOCATION:{escape(session.location)}")
        if session.description:
            lines.append(f"DESCRIPTION:{escape(session.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
