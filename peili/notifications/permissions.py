"""Named permission predicates for notices: everyone signed in reads their own."""

from __future__ import annotations

import rules

rules.add_perm("notifications.view_own", rules.is_authenticated)
