"""Named permission predicates for attendance, completion and certification: organizers for their
own classes, administrators everywhere; learners sign themselves in."""

from __future__ import annotations

import rules

from peili.catalog.permissions import organizes
from peili.org.permissions import has_person, is_admin, is_organizer

rules.add_perm("attendance.manage", is_admin | is_organizer)
rules.add_perm("attendance.manage_object", is_admin | organizes)
rules.add_perm("attendance.sign_in", has_person)
