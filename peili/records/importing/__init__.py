"""Importing learning records from elsewhere (the national portal's or another platform's export)."""
