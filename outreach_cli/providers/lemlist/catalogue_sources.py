"""The files under shared/ that lemlist's catalogue quotes (catalogue.py and its parts)."""

UPDATE = "seeds/lemlist-update-campaign.txt"
OPENAPI = "reference/openapi/lemlist.json"
REF = "reference/providers.md"
