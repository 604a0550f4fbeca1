"""`python manage.py send_reminders`: the former name of `send_notifications` (the value
reminders are now part of the notifications engine)."""

from __future__ import annotations

from targets.management.commands.send_notifications import Command as SendNotifications


class Command(SendNotifications):
    help = "The former name of send_notifications: " + SendNotifications.help
