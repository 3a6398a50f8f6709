"""Content in both languages: Chinese versions of titles, summaries and names, and the original
shown, marked, where a record has none."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from roadmap.content_language import text_for
from roadmap.models import Authority, Jurisdiction, Milestone, Roadmap, Topic, Workstream

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

ZH = {"headers": {"accept-language": "zh-hans"}}


def test_the_chinese_version_is_picked_only_for_a_chinese_reader():
    milestone = Milestone.objects.get(slug="sec-crypto-task-force-announced")

    assert text_for(milestone, "title", "zh-hans").text == "加密货币工作组成立"
    assert text_for(milestone, "title", "zh-hans").language == "zh-hans"
    assert text_for(milestone, "title", "en").text == "Crypto Task Force announced"
    assert not text_for(milestone, "title", "en").fallback


def test_a_missing_version_falls_back_to_the_original_marked_as_such():
    Milestone.objects.filter(slug="sec-fsb-data-sharing").update(title_zh_hans="")
    milestone = Milestone.objects.get(slug="sec-fsb-data-sharing")

    text = text_for(milestone, "title", "zh-hans")

    assert text.text == milestone.title
    assert (text.language, text.fallback) == ("en", True)


def test_every_demo_record_has_both_versions():
    for model, field in [
        (Jurisdiction, "name"),
        (Authority, "name"),
        (Topic, "name"),
        (Roadmap, "title"),
        (Roadmap, "summary"),
        (Workstream, "title"),
        (Workstream, "summary"),
        (Milestone, "title"),
        (Milestone, "summary"),
    ]:
        untranslated = model.objects.exclude(**{field: ""}).filter(**{f"{field}_zh_hans": ""})
        assert not untranslated.exists(), (model, field, list(untranslated))


def test_loading_the_demo_again_keeps_an_editors_version():
    Milestone.objects.filter(slug="sec-fsb-data-sharing").update(title_zh_hans="编辑改过的标题")

    call_command("load_demo_roadmap", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Milestone.objects.get(slug="sec-fsb-data-sharing").title_zh_hans == "编辑改过的标题"


def test_milestone_page_shows_the_chinese_version(client):
    url = reverse("roadmap:milestone", args=["sec-first-phase-public-comment"])

    page = client.get(url, **ZH).content.decode()

    assert "<h1>第一阶段成果公开征求意见</h1>" in page
    assert "<title>第一阶段成果公开征求意见" in page
    assert "“2025年第三季度前”" in page
    assert "SEC 加密货币工作组" in page  # the breadcrumb's roadmap
    assert "First-phase outputs out for public comment" not in page


def test_milestone_page_marks_the_original_when_there_is_no_chinese_version(client):
    Milestone.objects.filter(slug="sec-fsb-data-sharing").update(
        title_zh_hans="", summary_zh_hans=""
    )
    url = reverse("roadmap:milestone", args=["sec-fsb-data-sharing"])

    page = client.get(url, **ZH).content.decode()

    title = '<span lang="en">Data-sharing mechanism with the Financial Stability Board</span>'
    assert f'<h1>{title} <small class="original">英文原文</small></h1>' in page
    assert '<div lang="en"><p>An international supervisory network' in page


def test_english_pages_stay_english(client):
    page = client.get(reverse("roadmap:comparison")).content.decode()

    assert "Stablecoins" in page and "稳定币" not in page
    assert 'class="original"' not in page


def test_chinese_comparison_page_is_in_chinese(client):
    page = client.get(reverse("roadmap:comparison"), **ZH).content.decode()

    for words in ["欧盟", "新加坡", "日本", "稳定币", "投资者保护", "MiCA 全面适用"]:
        assert words in page
    for words in ["European Union", "Investor protection", "MiCA applies in full"]:
        assert words not in page


def test_api_serves_the_requested_language_and_says_which_it_is():
    api = APIClient()
    url = reverse("api:milestone-detail", args=["sec-crypto-task-force-announced"])

    body = api.get(url, {"lang": "zh-hans"}).json()

    assert body["title"] == "加密货币工作组成立"
    assert body["languages"] == {"title": "zh-hans", "summary": "zh-hans"}
    assert body["roadmap"]["title"] == "SEC 加密货币工作组"
    assert body["roadmap"]["languages"] == {"title": "zh-hans"}
    english = api.get(url, headers={"accept-language": "en"}).json()
    assert english["title"] == "Crypto Task Force announced"
    assert english["languages"] == {"title": "en", "summary": "en"}


def test_api_says_when_it_falls_back_to_the_original():
    Jurisdiction.objects.filter(code="SG").update(name_zh_hans="")
    api = APIClient()

    body = api.get(reverse("api:jurisdiction-list"), {"lang": "zh-hans"}).json()

    names = {j["code"]: (j["name"], j["languages"]["name"]) for j in body["results"]}
    assert names["SG"] == ("Singapore", "en")
    assert names["EU"] == ("欧盟", "zh-hans")


def test_api_writes_the_chinese_version():
    api = APIClient()
    api.force_authenticate(User.objects.create_superuser("editor", "e@example.com", "pw"))
    url = reverse("api:milestone-detail", args=["sec-fsb-data-sharing"])
    etag = api.get(url).headers["ETag"]

    response = api.patch(
        url, {"title_zh_hans": "新标题"}, format="json", headers={"if-match": etag}
    )

    assert response.status_code == 200, response.content
    assert Milestone.objects.get(slug="sec-fsb-data-sharing").title_zh_hans == "新标题"


def test_admin_edits_both_versions_side_by_side(admin_client):
    milestone = Milestone.objects.get(slug="sec-fsb-data-sharing")

    page = admin_client.get(reverse("admin:roadmap_milestone_change", args=[milestone.pk]))

    body = page.content.decode()
    assert 'name="title_zh_hans"' in body and 'name="summary_zh_hans"' in body
    assert 'fieldBox field-title"' in body and "fieldBox field-title_zh_hans" in body


def test_timeline_labels_are_in_chinese(client):
    with translation.override("zh-hans"):
        page = client.get(reverse("roadmap:dashboard"), **ZH).content.decode()

    assert "政策研究" in page  # a lane of the timeline
    assert "第一阶段成果公开征求意见" in page


def test_dashboard_filters_name_their_choices_in_chinese(client):
    page = client.get(reverse("roadmap:dashboard"), **ZH).content.decode()

    assert '<option value="eu-mica">欧盟加密资产市场监管条例（MiCA）</option>' in page
    assert '<option value="SG">新加坡</option>' in page
    assert ">SEC 加密货币工作组: 政策研究</option>" in page


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_calendar_and_feed_name_milestones_in_chinese(client):
    calendar = client.get(reverse("roadmap:all-ics"), **ZH).content.decode()
    feed = client.get(reverse("roadmap:all-rss"), **ZH).content.decode()

    assert "SUMMARY:第一阶段成果公开征求意见" in calendar
    assert "第一阶段成果公开征求意见" in feed


def test_subscribe_form_names_what_to_follow_in_chinese(client):
    page = client.get(reverse("tracker:subscribe"), {"find": "政策"}, **ZH).content.decode()

    assert "欧盟加密资产市场监管条例（MiCA）" in page
    assert "SEC 加密货币工作组: 政策研究" in page
    assert "EU Markets in Crypto-Assets (MiCA)" not in page
