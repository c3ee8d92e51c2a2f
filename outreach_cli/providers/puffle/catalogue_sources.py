"""The files under shared/ that Puffle's catalogue quotes, and the probe pieces its parts share."""

from __future__ import annotations

UPDATE = "seeds/puffle-update-campaign.txt"
REF = "reference/providers.md"

EMAIL_SENDER = "5e4de000-0000-4000-8000-000000000001"  # the sandbox's demo senders
LINKEDIN_SENDER = "5e4d1000-0000-4000-8000-000000000001"
HELLO = {"type": "email", "subject": "Hello", "body": "Hi {{first_name}}"}
END = {"type": "end"}
