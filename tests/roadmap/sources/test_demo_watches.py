"""The demo loads two disabled example watches of the real public sources, once."""

import pytest
from django.core.management import call_command

from roadmap.sources.models import Watch

pytestmark = pytest.mark.django_db


def test_the_demo_adds_two_disabled_watches_once_and_keeps_an_editors_choice():
    call_command("load_demo_roadmap")
    watches = {w.name: w for w in Watch.objects.all()}
    assert set(watches) == {"sec-federal-register", "unified-agenda"}
    assert not any(w.enabled for w in watches.values())
    assert watches["sec-federal-register"].url == "https://www.federalregister.gov/api/v1"
    assert watches["unified-agenda"].url == "https://www.reginfo.gov/public/do/eAgendaXmlReport"
    for watch in watches.values():
        watch.full_clean()
    Watch.objects.filter(name="unified-agenda").update(enabled=True)
    call_command("load_demo_roadmap")
    assert Watch.objects.count() == 2
    assert Watch.objects.get(name="unified-agenda").enabled
