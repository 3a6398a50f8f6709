"""The demo roadmap: the SEC's Crypto Task Force as one news article reported it, beside MiCA,
Singapore and Japan.

Every milestone names its source. Figures and dates come from the article unless the source says
otherwise (MiCA's application dates are public record); they are "reported", not verified.
Loading is idempotent: what already exists (by slug or code) is left exactly as it is.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from roadmap import demo_chinese, services
from roadmap.demo_record import load_public_record
from roadmap.models import (
    Authority,
    Confidence,
    Jurisdiction,
    Milestone,
    Roadmap,
    Status,
    Topic,
    Workstream,
)
from roadmap.sources.models import Watch, WatchKind
from roadmap.targets import Precision, Qualifier, Target

ARTICLE = {
    "title": "美 SEC 成立加密货币工作组推进监管框架完善 (SEC sets up a crypto task force to "
    "complete its regulatory framework)",
    "publisher": "Chinese-language news report",
}
MICA = {
    "title": "Regulation (EU) 2023/1114 on markets in crypto-assets (MiCA), Article 149",
    "publisher": "Official Journal of the European Union",
    "url": "https://eur-lex.europa.eu/eli/reg/2023/1114/oj",
}

JURISDICTIONS = [
    ("US", "United States"),
    ("EU", "European Union"),
    ("SG", "Singapore"),
    ("JP", "Japan"),
]
AUTHORITIES = [
    ("SEC", "US", "U.S. Securities and Exchange Commission", "https://www.sec.gov"),
    ("ESMA", "EU", "European Securities and Markets Authority", "https://www.esma.europa.eu"),
    ("MAS", "SG", "Monetary Authority of Singapore", "https://www.mas.gov.sg"),
    ("FSA", "JP", "Financial Services Agency", "https://www.fsa.go.jp"),
]
TOPICS = [
    ("framework", "Framework and asset classification"),
    ("licensing", "Exchange and service-provider licensing"),
    ("stablecoins", "Stablecoins"),
    ("investor-protection", "Investor protection"),
    ("defi", "DeFi and registration"),
    ("disclosure", "Disclosure"),
    ("enforcement", "Enforcement"),
    ("nft", "NFTs"),
    ("cross-border", "Cross-border cooperation"),
]


@dataclass
class DemoMilestone:
    slug: str
    title: str
    workstream: str
    summary: str
    target: Target = field(default_factory=Target.undated)
    status: str = Status.PLANNED
    progress: int = 0
    actual_date: datetime.date | None = None
    topics: tuple[str, ...] = ()
    confidence: str = Confidence.REPORTED
    source: dict = field(default_factory=lambda: ARTICLE)
    depends_on: tuple[str, ...] = ()


@dataclass
class DemoRoadmap:
    slug: str
    title: str
    authority: str
    summary: str
    workstreams: list[tuple[str, str, str]]
    milestones: list[DemoMilestone]
    announced_on: datetime.date | None = None


SEC_SUMMARY = """\
On 21 January 2025 the SEC's Acting Chairman, Mark T. Uyeda, announced a **Crypto Task Force**. It
is led by Commissioner Hester Peirce, with Richard Gabbert as chief of staff and Taylor Asher as
chief policy adviser.

Its stated aims, as reported: keep regulation in step with a crypto market valued at more than
USD 2.8 trillion; give blockchain innovation a clear legal footing; build cross-border supervisory
cooperation; and prevent systemic financial risk. The report cites Chainalysis's estimate of
USD 4.3 billion lost to scams and money laundering in 2024, and expects a framework to cut illicit
activity by more than 60%.

The report also lists what the SEC will expect of market participants: two-tier KYC/AML checks,
real-time on-chain monitoring and a stricter hot/cold wallet split at exchanges; accredited-investor
certification, risk-level assessment and circuit breakers to protect investors.
"""

SEC = DemoRoadmap(
    slug="sec-crypto-task-force",
    title="SEC Crypto Task Force",
    authority="SEC",
    announced_on=datetime.date(2025, 1, 21),
    summary=SEC_SUMMARY,
    workstreams=[
        ("organisation", "Organisation", "Setting up the task force and its leadership."),
        (
            "policy-research",
            "Policy research",
            "Classification standards for digital assets, delivered as a tiered assessment system.",
        ),
        (
            "supervision-enforcement",
            "Supervision and enforcement",
            "Rules of conduct for market participants, delivered as admission rules for exchanges "
            "and wallet operators; a specialist team for smart-contract violations.",
        ),
        (
            "cross-border-cooperation",
            "Cross-border cooperation",
            "An international supervisory network, delivered as a data-sharing mechanism with the "
            "G20's Financial Stability Board.",
        ),
        (
            "registration-disclosure",
            "Registration and disclosure",
            "A registration path fitted "
            "to DeFi, and financial-transparency standards for token issuers.",
        ),
        ("investor-protection", "Investor protection", "Investor education and protections."),
        ("stablecoins", "Stablecoins", "Research priority: reserve audits."),
        ("nfts", "NFTs", "Research priority: NFT securitisation products."),
    ],
    milestones=[
        DemoMilestone(
            slug="sec-crypto-task-force-announced",
            title="Crypto Task Force announced",
            workstream="organisation",
            summary="Acting Chairman Mark T. Uyeda announces the task force, led by Commissioner "
            "Hester Peirce.",
            target=Target.on_day(datetime.date(2025, 1, 21), wording="21 January 2025"),
            status=Status.COMPLETED,
            progress=100,
            actual_date=datetime.date(2025, 1, 21),
            topics=("framework",),
        ),
        DemoMilestone(
            slug="sec-first-phase-public-comment",
            title="First-phase outputs out for public comment",
            workstream="policy-research",
            summary="The task force's first-phase results are to be published for public "
            "comment. The report says “before Q3 2025” (2025年第三季度前): that may mean before "
            "the quarter starts or by its end, so the tracker keeps the words as given and "
            "counts the end of Q3 as the deadline.",
            target=Target.period(
                Precision.QUARTER, 2025, 3, qualifier=Qualifier.BY, wording="before Q3 2025"
            ),
            topics=("framework",),
        ),
        DemoMilestone(
            slug="sec-investor-education-programme",
            title="Investor education programme launched",
            workstream="investor-protection",
            summary="An investor education programme is to launch “within the next 18 months” of "
            "the January 2025 announcement: by about July 2026.",
            target=Target.period(
                Precision.MONTH,
                2026,
                7,
                qualifier=Qualifier.BY,
                wording="within the next 18 months (from January 2025)",
            ),
            topics=("investor-protection",),
            confidence=Confidence.ESTIMATED,
        ),
        DemoMilestone(
            slug="sec-tiered-asset-assessment",
            title="Tiered assessment system for digital assets",
            workstream="policy-research",
            summary="Classification standards for digital assets, delivered as a tiered "
            "assessment system.",
            topics=("framework",),
        ),
        DemoMilestone(
            slug="sec-exchange-wallet-admission-rules",
            title="Admission rules for exchanges and wallet operators",
            workstream="supervision-enforcement",
            summary="Rules of conduct for market participants: who may operate an exchange or a "
            "wallet service, with two-tier KYC/AML checks, real-time on-chain monitoring and a "
            "hot/cold wallet split for custody.",
            topics=("licensing",),
            # The tracker's reading: who needs admission follows from how assets are classified.
            depends_on=("sec-tiered-asset-assessment",),
        ),
        DemoMilestone(
            slug="sec-smart-contract-investigation-team",
            title="Specialist team for smart-contract violations",
            workstream="supervision-enforcement",
            summary="More enforcement resources: a technical investigation team for "
            "smart-contract violations.",
            topics=("enforcement",),
        ),
        DemoMilestone(
            slug="sec-ai-smart-contract-audit",
            title="AI-driven smart-contract audit system",
            workstream="supervision-enforcement",
            summary="Described in the report as under development.",
            status=Status.IN_PROGRESS,
            topics=("enforcement",),
        ),
        DemoMilestone(
            slug="sec-fsb-data-sharing",
            title="Data-sharing mechanism with the Financial Stability Board",
            workstream="cross-border-cooperation",
            summary="An international supervisory network, starting with data sharing with the "
            "G20's Financial Stability Board.",
            topics=("cross-border",),
        ),
        DemoMilestone(
            slug="sec-defi-registration-path",
            title="Registration path fitted to DeFi",
            workstream="registration-disclosure",
            summary="A new registration route suited to decentralised finance (注册路径优化).",
            topics=("defi",),
        ),
        DemoMilestone(
            slug="sec-token-issuer-disclosure",
            title="Disclosure standards for token issuers",
            workstream="registration-disclosure",
            summary="Financial-transparency standards for token issuers (信息披露框架).",
            topics=("disclosure",),
        ),
        DemoMilestone(
            slug="sec-investor-safeguards",
            title="Accredited-investor certification, risk ratings and circuit breakers",
            workstream="investor-protection",
            summary="Certification of accredited investors, risk-level assessment of "
            "investments, and circuit breakers for abnormal trading.",
            topics=("investor-protection",),
        ),
        DemoMilestone(
            slug="sec-stablecoin-reserve-audits",
            title="Stablecoin reserve audit rules",
            workstream="stablecoins",
            summary="Named as a future research priority (稳定币储备审计); no date given.",
            topics=("stablecoins",),
        ),
        DemoMilestone(
            slug="sec-nft-securitisation",
            title="Regulation of NFT securitisation products",
            workstream="nfts",
            summary="Named as a future research priority (NFT 证券化产品监管); no date given.",
            topics=("nft",),
        ),
    ],
)

MICA_ROADMAP = DemoRoadmap(
    slug="eu-mica",
    title="EU Markets in Crypto-Assets (MiCA)",
    authority="ESMA",
    summary="The EU's regulation of crypto-asset issuers and service providers. Against the SEC, "
    "the report notes a wider scope and different enforcement machinery.",
    workstreams=[
        ("stablecoins", "Stablecoins (EMTs and ARTs)", "Titles III and IV of MiCA."),
        ("service-providers", "Crypto-asset service providers", "Authorisation of CASPs."),
    ],
    milestones=[
        DemoMilestone(
            slug="mica-stablecoin-titles-apply",
            title="MiCA's stablecoin titles apply",
            workstream="stablecoins",
            summary="The rules for asset-referenced and e-money tokens apply from 30 June 2024.",
            target=Target.on_day(datetime.date(2024, 6, 30)),
            status=Status.COMPLETED,
            progress=100,
            actual_date=datetime.date(2024, 6, 30),
            topics=("stablecoins",),
            confidence=Confidence.OFFICIAL,
            source=MICA,
        ),
        DemoMilestone(
            slug="mica-applies-in-full",
            title="MiCA applies in full, including service-provider authorisation",
            workstream="service-providers",
            summary="The rest of the regulation, including the authorisation of crypto-asset "
            "service providers, applies from 30 December 2024.",
            target=Target.on_day(datetime.date(2024, 12, 30)),
            status=Status.COMPLETED,
            progress=100,
            actual_date=datetime.date(2024, 12, 30),
            topics=("licensing", "investor-protection"),
            confidence=Confidence.OFFICIAL,
            source=MICA,
        ),
    ],
)

SINGAPORE = DemoRoadmap(
    slug="sg-payment-token-licensing",
    title="Singapore: digital payment token licensing",
    authority="MAS",
    summary="Singapore licenses digital payment token services: an approval regime rather than "
    "the SEC's registration.",
    workstreams=[("licensing", "Licensing", "Major payment institution licences.")],
    milestones=[
        DemoMilestone(
            slug="sg-major-payment-institution-licences",
            title="Major payment institution licences for digital payment token firms",
            workstream="licensing",
            summary="The report counts 10 major payment institution licences issued.",
            status=Status.IN_PROGRESS,
            topics=("licensing",),
        ),
    ],
)

JAPAN = DemoRoadmap(
    slug="jp-exchange-approval",
    title="Japan: crypto-asset exchange approval",
    authority="FSA",
    summary="Exchanges in Japan need the Financial Services Agency's approval, with stricter "
    "investor-protection terms than the SEC's, as the report puts it.",
    workstreams=[("exchanges", "Exchanges", "Approval and supervision of exchanges.")],
    milestones=[
        DemoMilestone(
            slug="jp-exchange-approval-regime",
            title="FSA approval required for crypto-asset exchanges",
            workstream="exchanges",
            summary="Exchanges must be approved by the FSA, under stricter investor-protection "
            "terms.",
            status=Status.IN_PROGRESS,
            topics=("licensing", "investor-protection"),
        ),
    ],
)

DEMO_ROADMAPS = [SEC, MICA_ROADMAP, SINGAPORE, JAPAN]
# Two watches of the real public sources, disabled until an editor enables them.
EXAMPLE_WATCHES = [
    (
        "sec-federal-register",
        {
            "kind": WatchKind.FEDERAL_REGISTER,
            "url": "https://www.federalregister.gov/api/v1",
            "agencies": "securities-and-exchange-commission",
            "document_types": "RULE PRORULE",
            "since": datetime.date(2025, 1, 21),
            "every_minutes": 360,
        },
    ),
    (
        "unified-agenda",
        {
            "kind": WatchKind.UNIFIED_AGENDA,
            "url": "https://www.reginfo.gov/public/do/eAgendaXmlReport",
            "agencies": "SEC",
            "every_minutes": 1440,
        },
    ),
]


@transaction.atomic
def load_demo_roadmap() -> int:
    """Create whatever of the demo roadmaps is missing; return how many milestones were created."""
    jurisdictions = {
        code: Jurisdiction.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in JURISDICTIONS
    }
    authorities = {
        acronym: Authority.objects.get_or_create(
            acronym=acronym,
            defaults={"jurisdiction": jurisdictions[code], "name": name, "website": website},
        )[0]
        for acronym, code, name, website in AUTHORITIES
    }
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})[
            0
        ]
        for position, (slug, name) in enumerate(TOPICS)
    }
    created = 0
    for demo in DEMO_ROADMAPS:
        created += _load_roadmap(demo, authorities, topics)
    for demo in DEMO_ROADMAPS:
        for milestone in demo.milestones:
            _link_dependencies(milestone)
    created += load_public_record(authorities=authorities, topics=topics)
    for name, fields in EXAMPLE_WATCHES:
        Watch.objects.get_or_create(name=name, defaults={**fields, "enabled": False})
    _add_chinese_versions()
    return created


def _add_chinese_versions() -> None:
    """Give the demo's records their Simplified Chinese versions, leaving any already written."""
    for code, name in demo_chinese.JURISDICTIONS.items():
        _fill(Jurisdiction.objects.filter(code=code), name_zh_hans=name)
    for acronym, name in demo_chinese.AUTHORITIES.items():
        _fill(Authority.objects.filter(acronym=acronym), name_zh_hans=name)
    for slug, name in demo_chinese.TOPICS.items():
        _fill(Topic.objects.filter(slug=slug), name_zh_hans=name)
    for slug, (title, summary) in demo_chinese.ROADMAPS.items():
        _fill(Roadmap.objects.filter(slug=slug), title_zh_hans=title, summary_zh_hans=summary)
    for (roadmap, slug), (title, summary) in demo_chinese.WORKSTREAMS.items():
        workstream = Workstream.objects.filter(roadmap__slug=roadmap, slug=slug)
        _fill(workstream, title_zh_hans=title, summary_zh_hans=summary)
    for slug, (title, summary) in demo_chinese.MILESTONES.items():
        _fill(Milestone.objects.filter(slug=slug), title_zh_hans=title, summary_zh_hans=summary)


def _fill(records, **versions: str) -> None:
    for name, text in versions.items():
        records.filter(**{name: ""}).update(**{name: text})


def _load_roadmap(demo: DemoRoadmap, authorities: dict, topics: dict) -> int:
    authority = authorities[demo.authority]
    roadmap, _ = Roadmap.objects.get_or_create(
        slug=demo.slug,
        defaults={
            "title": demo.title,
            "authority": authority,
            "summary": demo.summary,
            "announced_on": demo.announced_on,
        },
    )
    workstreams = {
        slug: Workstream.objects.get_or_create(
            roadmap=roadmap,
            slug=slug,
            defaults={"title": title, "summary": summary, "position": position},
        )[0]
        for position, (slug, title, summary) in enumerate(demo.workstreams)
    }
    created = 0
    for milestone in demo.milestones:
        if Milestone.objects.filter(slug=milestone.slug).exists():
            continue
        services.milestone_create(
            workstream=workstreams[milestone.workstream],
            authority=authority,
            title=milestone.title,
            slug=milestone.slug,
            summary=milestone.summary,
            status=milestone.status,
            progress=milestone.progress,
            actual_date=milestone.actual_date,
            confidence=milestone.confidence,
            target=milestone.target,
            topics=[topics[slug] for slug in milestone.topics],
            sources=[milestone.source],
            note="Loaded from the demo roadmap.",
        )
        created += 1
    return created


def _link_dependencies(demo: DemoMilestone) -> None:
    milestone = Milestone.objects.get(slug=demo.slug)
    for slug in demo.depends_on:
        prerequisite = Milestone.objects.get(slug=slug)
        if not milestone.prerequisite_links.filter(prerequisite=prerequisite).exists():
            services.milestone_add_dependency(milestone=milestone, prerequisite=prerequisite)
