"""The files under shared/ that SendKit's catalogue quotes (catalogue.py and its parts)."""

CREATE = "seeds/sendkit-create-campaign.txt"
UPDATE = "seeds/sendkit-update-campaign.txt"
LEAD = "seeds/sendkit-update-campaign-lead.txt"
REF = "reference/providers.md"
