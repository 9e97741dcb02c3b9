"""Surveys (滿意度問卷) and written reflections (心得寫作) after classes."""
