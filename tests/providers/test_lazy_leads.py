"""An adapter's lead code loads on first use (`providers/base.Lazy`): validate never imports it,
and a subclass (a test's stub, a wrapped adapter) still finds its parent's lead operations."""

from __future__ import annotations

import subprocess
import sys

import pytest

from outreach_cli.providers import PROVIDERS, provider_class


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_validate_loads_no_lead_code_and_leads_load_when_asked(name: str) -> None:
    probe = (
        "import sys\n"
        f"from outreach_cli.providers import provider_class\n"
        f"cls = provider_class({name!r})\n"
        "cls().check({})\n"
        f"before = 'outreach_cli.providers.{name}.leads' in sys.modules\n"
        "ops = cls().leads\n"
        f"after = 'outreach_cli.providers.{name}.leads' in sys.modules\n"
        "print(before, after, type(ops).__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", f"outreach_cli.providers.{name}.leads"]


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_a_subclass_elsewhere_finds_its_parents_lead_operations(name: str) -> None:
    parent = provider_class(name)
    stub = type("Stub", (parent,), {"__module__": __name__})  # defined in this test module
    assert stub.LEADS is parent.LEADS
    assert stub.LEADS.__module__ == f"outreach_cli.providers.{name}.leads"
    assert isinstance(stub().leads, parent.LEADS)
