"""Attendance (sign-in by rotating QR code, the roster's ticks, late/early minutes, leave), closing a
class under the absence rule, and the certification of its hours on the national portal."""
