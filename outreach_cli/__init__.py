"""outreach: campaign-as-code for cold-outreach platforms."""

__version__ = "0.1.0"
