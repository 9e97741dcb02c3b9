"""Notices in the app and by e-mail (with .ics calendar files): one `Notification` model, the kinds
each higher app registers (`kinds`), and `services.deliver`. Sits just above core: it imports no
domain app — the apps that send notices import it and register their kinds into it."""
