"""The demo's public record, 2025–2026: what sources reported after the seed article.

Each fact is loaded "as reported by" the source named with it (confidence: reported) and the
source is linked. Where two sources give different dates, the milestone keeps both sources and
says so. The seed article's own milestones keep their article source; what later happened to them
is recorded as history citing the later source. The GENIUS Act's dates are statutory clocks, so
completing the final rules moves the effective date.

Like the rest of the demo, loading is idempotent and never overwrites an editor's change: a
milestone that exists is left alone, and a reported event is recorded only once, and only while
the milestone is still as the demo left it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from roadmap import services
from roadmap.forecasts.clocks import Combine, Term, Unit
from roadmap.models import (
    Authority,
    Confidence,
    LegalDeadline,
    Milestone,
    MilestoneUpdate,
    Roadmap,
    Status,
    Workstream,
)
from roadmap.targets import Precision, Qualifier, Target

D = datetime.date


def _source(title: str, publisher: str, url: str) -> dict:
    return {"title": title, "publisher": publisher, "url": url}


SEC_PRESS_RELEASE = _source(
    "SEC Crypto 2.0: Acting Chairman Uyeda announces formation of new Crypto Task Force "
    "(press release 2025-30)",
    "U.S. Securities and Exchange Commission",
    "https://www.sec.gov/newsroom/press-releases/2025-30",
)
VEDDER_PRICE = _source(
    "SEC Forms Cryptocurrency Task Force and Cyber and Emerging Technologies Unit",
    "Vedder Price",
    "https://vedderprice.com/sec-forms-cryptocurrency-task-force-and-cyber-and-emerging-"
    "technologies-unit",
)
ZERO_ONE = _source(
    "Newsletter of 10 February 2025 on the Crypto Task Force's first weeks",
    "Zero One Strategies",
    "",
)
PAUL_HASTINGS = _source(
    "Crypto Policy Tracker: New legislation introduced, Federal Reserve revises guidance and SEC "
    "hosts custody roundtable (2 May 2025)",
    "Paul Hastings",
    "https://www.paulhastings.com/insights/crypto-policy-tracker/new-legislation-introduced-"
    "federal-reserve-revises-guidance-and-sec-hosts-custody-roundtable",
)
ZEALNEWS = _source(
    "Report on Commissioner Peirce's speech “Miles To Go” (26 March 2025)",
    "zealnews.africa",
    "https://zealnews.africa/",
)
DELTA = _source(
    "Notes on the SEC Crypto Task Force roundtable “DeFi and the American Spirit”",
    "Delta Strategy Group",
    "https://deltastrategygroup.com/",
)
SIMPSON_THACHER = _source(
    "Memo on the Trading and Markets staff's crypto FAQs and the withdrawn 2019 custody statement",
    "Simpson Thacher",
    "https://www.stblaw.com/",
)
MORGAN_LEWIS = _source(
    "Memo on the Chairman's direction to draft crypto rule proposals",
    "Morgan Lewis",
    "https://www.morganlewis.com/",
)
CORPORATE_COUNSEL = _source(
    "Report on the launch of “Project Crypto” (August 2025)",
    "The Corporate Counsel",
    "https://www.thecorporatecounsel.net/",
)
WILLKIE = _source(
    "Inside the emerging U.S. crypto regulatory framework: recent key developments and takeaways",
    "Willkie Farr & Gallagher (Compliance Concourse)",
    "https://complianceconcourse.willkie.com/articles/inside-the-emerging-u-s-crypto-regulatory-"
    "framework-recent-key-developments-and-takeaways",
)
PAUL_WEISS = _source(
    "Memos on the Chairman's token taxonomy speech and the SEC–CFTC joint interpretation",
    "Paul Weiss",
    "https://www.paulweiss.com/",
)
LEGISEYE = _source(
    "Report on the SEC–CFTC joint interpretation (Release No. 2026-30)",
    "legiseye.com",
    "https://legiseye.com/",
)
BETALYTIC = _source(
    "Report on the “Regulation Crypto Assets” proposal and its OIRA review",
    "betalytic.org",
    "https://betalytic.org/",
)
GREENBERG_TRAURIG = _source(
    "GENIUS Act enacted, establishing a regulatory framework for payment stablecoins",
    "Greenberg Traurig (Overheard on the Blockchain)",
    "https://www.gtlaw-overheardontheblockchain.com/2025/07/22/genius-act-enacted-establishing-a-"
    "regulatory-framework-for-payment-stablecoins-issued-or-sold-in-the-united-states/",
)
ECO = _source("GENIUS Act implementation tracker", "eco.com", "https://eco.com/")
CRYPTOVERSE = _source(
    "Note on MiCA's transitional period for existing service providers (Art. 143(3))",
    "cryptoverselawyers.io",
    "https://cryptoverselawyers.io/",
)
MAS_SITE = _source(
    "MAS finalises its stablecoin regulatory framework (15 August 2023)",
    "Monetary Authority of Singapore",
    "https://www.mas.gov.sg/",
)
ALLEN_GLEDHILL = _source(
    "Update on the digital token service provider regime (FSMA Part 9) from 30 June 2025",
    "Allen & Gledhill",
    "https://www.allenandgledhill.com/",
)
FINTECH_OBSERVER = _source(
    "Report on Japan's Payment Services Act amendment and its draft orders",
    "fintechobserver.com",
    "https://fintechobserver.com/",
)
INNOVATION_LAW = _source(
    "Notes on the FSA's crypto working group and the planned securities-law bill",
    "innovationlaw.jp",
    "https://innovationlaw.jp/",
)
CLUSTERWIRE = _source(
    "Report of the cabinet's approval of the crypto amendment bill",
    "clusterwire.news",
    "https://clusterwire.news/",
)


@dataclass
class RecordedMilestone:
    """A milestone the public record adds, with its sources (two when they disagree)."""

    slug: str
    roadmap: str
    workstream: str
    title: str
    summary: str
    sources: tuple[dict, ...]
    target: Target = field(default_factory=Target.undated)
    actual_date: datetime.date | None = None
    status: str = Status.PLANNED
    topics: tuple[str, ...] = ()
    legal_deadline: str = LegalDeadline.NONE
    # Clock terms: (trigger slug, offset, unit) or a fixed date; combined by ``combine``.
    clock: tuple = ()
    combine: str = Combine.EARLIER

    @property
    def observed_on(self) -> datetime.date | None:
        return self.actual_date or self.target.end


@dataclass
class RecordedEvent:
    """Something a later source reported about a milestone already on the roadmap."""

    milestone: str
    note: str
    source: dict
    observed_on: datetime.date
    changes: dict = field(default_factory=dict)
    # Recorded only while the milestone still has this status (an editor's change wins).
    while_status: str | None = None


def _day(year, month, day, wording=""):
    return Target.on_day(D(year, month, day), wording=wording)


def _done_on(year, month, day, **fields):
    """A milestone done on a reported day: its target and its actual date are that day."""
    return {"target": _day(year, month, day), "actual_date": D(year, month, day), **fields}


def _done_in(precision, year, number, wording, **fields):
    """A milestone done in a reported period only: the tracker counts the period's last day."""
    target = Target.period(precision, year, number, wording=wording)
    return {"target": target, "actual_date": target.end, **fields}


COMPLETED = {"status": Status.COMPLETED}
EXTRA_AUTHORITIES = [
    ("TREASURY", "US", "U.S. Department of the Treasury", "https://home.treasury.gov"),
]
GENIUS = {
    "slug": "us-genius-act",
    "title": "GENIUS Act: payment stablecoins",
    "authority": "TREASURY",
    "announced_on": D(2025, 7, 18),
    "summary": "The Guiding and Establishing National Innovation for U.S. Stablecoins Act sets a "
    "federal framework for payment stablecoins. Its dates are clocks that count from its "
    "enactment and from the final implementing rules, so the tracker recomputes them when those "
    "happen.",
}
WORKSTREAMS = [
    ("sec-crypto-task-force", "public-input", "Roundtables and public input", ""),
    ("sec-crypto-task-force", "rulemaking", "Rulemaking", "Rule proposals and interpretations."),
    ("us-genius-act", "legislation", "Legislation", "The bill's passage and enactment."),
    ("us-genius-act", "implementing-rules", "Implementing rules", "Rules the Act calls for."),
    ("us-genius-act", "application", "Application", "When the Act's requirements apply."),
    ("sg-payment-token-licensing", "regimes", "New regimes", "Stablecoins and DTSPs."),
    ("jp-exchange-approval", "legislation", "Legislation", "Bills and their orders."),
]

RECORDED_MILESTONES = [
    RecordedMilestone(
        "sec-roundtable-security-status",
        "sec-crypto-task-force",
        "public-input",
        "Roundtable on the security status of crypto assets",
        "The first public roundtable of the task force's spring series asks when a crypto asset "
        "is a security.",
        (PAUL_HASTINGS,),
        **_done_on(2025, 3, 21, **COMPLETED),
        topics=("framework",),
    ),
    RecordedMilestone(
        "sec-roundtable-custody",
        "sec-crypto-task-force",
        "public-input",
        "Roundtable on crypto custody",
        "A roundtable on how broker-dealers and advisers may hold crypto assets for clients.",
        (PAUL_HASTINGS,),
        **_done_on(2025, 4, 25, **COMPLETED),
        topics=("investor-protection",),
    ),
    RecordedMilestone(
        "sec-roundtable-tokenization",
        "sec-crypto-task-force",
        "public-input",
        "Roundtable on tokenization",
        "A roundtable on putting securities on blockchains, as reported in the compliance press.",
        (_source("Report on the SEC's tokenization roundtable", "Compliance press", ""),),
        **_done_on(2025, 5, 12, **COMPLETED),
        topics=("framework",),
    ),
    RecordedMilestone(
        "sec-roundtable-defi",
        "sec-crypto-task-force",
        "public-input",
        "Roundtable on DeFi, the last of the spring series",
        "“DeFi and the American Spirit” closes the spring roundtables.",
        (DELTA,),
        **_done_on(2025, 6, 9, **COMPLETED),
        topics=("defi",),
    ),
    RecordedMilestone(
        "sec-trading-markets-crypto-faqs",
        "sec-crypto-task-force",
        "supervision-enforcement",
        "Staff FAQs on crypto for broker-dealers; 2019 custody statement withdrawn",
        "The Division of Trading and Markets answers common questions about crypto assets, and "
        "the 2019 joint statement on broker-dealer custody is withdrawn.",
        (SIMPSON_THACHER,),
        **_done_on(2025, 5, 15, **COMPLETED),
        topics=("licensing",),
    ),
    RecordedMilestone(
        "sec-staff-directed-to-draft-rules",
        "sec-crypto-task-force",
        "rulemaking",
        "Staff directed to draft crypto rule proposals",
        "The Chairman asks the staff to prepare rule proposals on crypto assets.",
        (MORGAN_LEWIS,),
        **_done_on(2025, 5, 19, **COMPLETED),
        topics=("framework",),
    ),
    RecordedMilestone(
        "sec-project-crypto",
        "sec-crypto-task-force",
        "organisation",
        "“Project Crypto” launched",
        "Chairman Paul Atkins launches a Commission-wide effort to modernise the securities rules "
        "for crypto assets.",
        (CORPORATE_COUNSEL,),
        **_done_on(2025, 7, 31, **COMPLETED),
        topics=("framework",),
    ),
    RecordedMilestone(
        "sec-spring-2025-agenda-crypto-rules",
        "sec-crypto-task-force",
        "rulemaking",
        "Spring 2025 agenda lists four crypto rulemakings",
        "The regulatory agenda, published late on 4 September 2025, plans rules on the offer and "
        "sale of crypto assets, on custody, on transfer agents and on broker-dealers.",
        (WILLKIE,),
        **_done_on(2025, 9, 4, **COMPLETED),
        topics=("framework", "licensing"),
    ),
    RecordedMilestone(
        "sec-token-taxonomy-speech",
        "sec-crypto-task-force",
        "policy-research",
        "Chairman's speech on a token taxonomy",
        "The Chairman sets out how he would sort crypto assets into kinds.",
        (PAUL_WEISS,),
        **_done_on(2025, 11, 12, **COMPLETED),
        topics=("framework",),
    ),
    RecordedMilestone(
        "sec-cftc-crypto-asset-categories",
        "sec-crypto-task-force",
        "policy-research",
        "Joint SEC–CFTC interpretation sorts crypto assets into five categories",
        "Release No. 2026-30. **The sources disagree on the date**: Paul Weiss reports 17 March "
        "2026, legiseye.com 23 March 2026. The tracker shows the earlier as the day it was done "
        "and keeps both sources.",
        (PAUL_WEISS, LEGISEYE),
        target=Target.period(
            Precision.MONTH, 2026, 3, wording="17 or 23 March 2026 (sources disagree)"
        ),
        actual_date=D(2026, 3, 17),
        status=Status.COMPLETED,
        topics=("framework",),
    ),
    RecordedMilestone(
        "sec-regulation-crypto-assets-proposal",
        "sec-crypto-task-force",
        "rulemaking",
        "“Regulation Crypto Assets” proposal",
        "A proposal outlined in spring 2026 and then reported under review at the White House's "
        "Office of Information and Regulatory Affairs.",
        (BETALYTIC,),
        target=Target.period(
            Precision.QUARTER, 2026, 2, qualifier=Qualifier.BY, wording="spring 2026"
        ),
        status=Status.IN_PROGRESS,
        topics=("framework",),
    ),
    RecordedMilestone(
        "genius-senate-passes",
        "us-genius-act",
        "legislation",
        "Senate passes the GENIUS Act (68–30)",
        "The Senate passes the stablecoin bill.",
        (GREENBERG_TRAURIG,),
        **_done_on(2025, 6, 17, **COMPLETED),
        topics=("stablecoins",),
    ),
    RecordedMilestone(
        "genius-house-passes",
        "us-genius-act",
        "legislation",
        "House passes the GENIUS Act (308–122)",
        "The House passes the Senate's bill.",
        (GREENBERG_TRAURIG,),
        **_done_on(2025, 7, 17, **COMPLETED),
        topics=("stablecoins",),
    ),
    RecordedMilestone(
        "genius-act-enacted",
        "us-genius-act",
        "legislation",
        "GENIUS Act signed into law",
        "The President signs the Act: its clocks start.",
        (GREENBERG_TRAURIG,),
        **_done_on(2025, 7, 18, **COMPLETED),
        topics=("stablecoins",),
    ),
    RecordedMilestone(
        "genius-treasury-anprm",
        "us-genius-act",
        "implementing-rules",
        "Treasury's advance notice of proposed rulemaking",
        "Treasury asks for comment before proposing the Act's rules.",
        (ECO,),
        **_done_on(2025, 9, 19, **COMPLETED),
        topics=("stablecoins",),
    ),
    RecordedMilestone(
        "genius-fincen-ofac-proposed-rule",
        "us-genius-act",
        "implementing-rules",
        "FinCEN and OFAC joint proposed rule",
        "The anti-money-laundering and sanctions rules for stablecoin issuers are proposed. The "
        "source gives the month only; the tracker counts its last day.",
        (ECO,),
        **_done_in(Precision.MONTH, 2026, 4, "April 2026", **COMPLETED),
        topics=("stablecoins",),
    ),
    RecordedMilestone(
        "genius-final-rules",
        "us-genius-act",
        "implementing-rules",
        "Final implementing rules",
        "The regulators' rules must come within one year of enactment. In June 2026 they were "
        "reported still pending.",
        (GREENBERG_TRAURIG, ECO),
        status=Status.IN_PROGRESS,
        topics=("stablecoins",),
        legal_deadline=LegalDeadline.STATUTORY,
        clock=(("genius-act-enacted", 1, Unit.YEARS),),
    ),
    RecordedMilestone(
        "genius-act-effective",
        "us-genius-act",
        "application",
        "GENIUS Act takes effect",
        "The Act takes effect on the earlier of 18 January 2027 (18 months after enactment) and "
        "120 days after the final implementing rules. (One secondary post says 180 days: the "
        "Act's text and the sources cited here say 120.)",
        (GREENBERG_TRAURIG,),
        topics=("stablecoins",),
        legal_deadline=LegalDeadline.STATUTORY,
        clock=(("genius-final-rules", 120, Unit.DAYS), D(2027, 1, 18)),
    ),
    RecordedMilestone(
        "genius-service-provider-transition-ends",
        "us-genius-act",
        "application",
        "Transition for digital asset service providers ends",
        "Three years after enactment, exchanges, custodians and wallet providers may deal only in "
        "payment stablecoins from approved issuers.",
        (GREENBERG_TRAURIG,),
        topics=("stablecoins", "licensing"),
        legal_deadline=LegalDeadline.STATUTORY,
        clock=(("genius-act-enacted", 3, Unit.YEARS),),
    ),
    RecordedMilestone(
        "mica-casp-transition-ends",
        "eu-mica",
        "service-providers",
        "MiCA's transitional period for existing service providers ends",
        "Providers already serving clients under national law may continue until 1 July 2026 at "
        "the latest (Article 143(3)); member states may have chosen shorter periods.",
        (CRYPTOVERSE,),
        target=_day(2026, 7, 1, wording="1 July 2026 at the latest"),
        actual_date=D(2026, 7, 1),
        status=Status.COMPLETED,
        topics=("licensing",),
        legal_deadline=LegalDeadline.STATUTORY,
    ),
    RecordedMilestone(
        "sg-stablecoin-framework-finalised",
        "sg-payment-token-licensing",
        "regimes",
        "Stablecoin regulatory framework finalised",
        "The Monetary Authority of Singapore finalises its framework for single-currency "
        "stablecoins.",
        (MAS_SITE,),
        **_done_on(2023, 8, 15, **COMPLETED),
        topics=("stablecoins",),
    ),
    RecordedMilestone(
        "sg-dtsp-regime-takes-effect",
        "sg-payment-token-licensing",
        "regimes",
        "Regime for digital token service providers takes effect",
        "Part 9 of the Financial Services and Markets Act applies from 30 June 2025, with no "
        "transitional period.",
        (ALLEN_GLEDHILL,),
        **_done_on(2025, 6, 30, **COMPLETED),
        topics=("licensing",),
        legal_deadline=LegalDeadline.STATUTORY,
    ),
    RecordedMilestone(
        "jp-payment-services-act-amended",
        "jp-exchange-approval",
        "legislation",
        "Payment Services Act amendment passes",
        "The Diet passes the amendment. The source gives the month only; the tracker counts its "
        "last day.",
        (FINTECH_OBSERVER,),
        **_done_in(Precision.MONTH, 2025, 6, "June 2025", **COMPLETED),
        topics=("stablecoins", "licensing"),
    ),
    RecordedMilestone(
        "jp-draft-orders-consultation",
        "jp-exchange-approval",
        "legislation",
        "Consultation on the amendment's draft orders closes",
        "Draft orders published on 16 December 2025 are open for comment until 19 January 2026.",
        (FINTECH_OBSERVER,),
        **_done_on(2026, 1, 19, **COMPLETED),
        topics=("licensing",),
    ),
    RecordedMilestone(
        "jp-crypto-working-group",
        "jp-exchange-approval",
        "legislation",
        "FSA crypto working group set up",
        "A working group is set up to review how crypto assets are regulated.",
        (INNOVATION_LAW,),
        **_done_on(2025, 6, 25, **COMPLETED),
        topics=("framework",),
    ),
    RecordedMilestone(
        "jp-working-group-report",
        "jp-exchange-approval",
        "legislation",
        "Working group's draft report approved",
        "Approved late in 2025; the tracker counts the end of the year.",
        (INNOVATION_LAW,),
        **_done_in(Precision.HALF, 2025, 2, "late 2025", **COMPLETED),
        topics=("framework",),
    ),
    RecordedMilestone(
        "jp-securities-law-bill-cabinet",
        "jp-exchange-approval",
        "legislation",
        "Cabinet approves the bill moving crypto assets under the securities law",
        "Reported for 10 April 2026.",
        (CLUSTERWIRE,),
        **_done_on(2026, 4, 10, **COMPLETED),
        topics=("framework", "investor-protection"),
    ),
    RecordedMilestone(
        "jp-securities-law-bill-passes",
        "jp-exchange-approval",
        "legislation",
        "Diet passes the securities-law bill for crypto assets",
        "Expected in the 2026 Diet session.",
        (INNOVATION_LAW,),
        target=Target.period(
            Precision.YEAR, 2026, 1, qualifier=Qualifier.BY, wording="the 2026 Diet session"
        ),
        topics=("framework", "investor-protection"),
    ),
    RecordedMilestone(
        "jp-securities-law-rules-apply",
        "jp-exchange-approval",
        "legislation",
        "Crypto rules under the securities law apply",
        "Possibly from spring 2027, once the bill passes.",
        (INNOVATION_LAW,),
        target=Target.period(
            Precision.QUARTER, 2027, 2, qualifier=Qualifier.NOT_BEFORE, wording="spring 2027"
        ),
        topics=("framework", "investor-protection"),
    ),
]

RECORDED_EVENTS = [
    RecordedEvent(
        "sec-crypto-task-force-announced",
        "The SEC's own press release (2025-30) and a law firm's alert report the launch on "
        "21 January 2025.",
        SEC_PRESS_RELEASE,
        D(2025, 1, 21),
    ),
    RecordedEvent(
        "sec-crypto-task-force-announced",
        "Vedder Price's client alert reports the same launch.",
        VEDDER_PRICE,
        D(2025, 1, 21),
    ),
    RecordedEvent(
        "sec-first-phase-public-comment",
        "Reported done by 10 February 2025: the task force started work in early February, "
        "published its priorities, and Commissioner Peirce's statements invited public input with "
        "a list of questions (the day is the report's; the article's promise is kept as written).",
        ZERO_ONE,
        D(2025, 2, 10),
        changes={"status": Status.COMPLETED, "actual_date": D(2025, 2, 10)},
        while_status=Status.PLANNED,
    ),
    RecordedEvent(
        "sec-first-phase-public-comment",
        "About 50 written submissions had reached the task force by 26 March 2025, Commissioner "
        "Peirce said in her speech “Miles To Go”.",
        ZEALNEWS,
        D(2025, 3, 26),
    ),
    RecordedEvent(
        "sec-first-phase-public-comment",
        "The rule proposals followed: the Spring 2025 regulatory agenda (4 September 2025) lists "
        "four crypto rulemakings.",
        WILLKIE,
        D(2025, 9, 4),
    ),
]


def load_public_record(*, authorities: dict, topics: dict) -> int:
    """Add the public record to the demo; return how many milestones were created."""
    authorities = {**authorities, **_extra_authorities(authorities)}
    Roadmap.objects.get_or_create(
        slug=GENIUS["slug"],
        defaults={**GENIUS, "authority": authorities[GENIUS["authority"]]},
    )
    workstreams = {
        (roadmap_slug, slug): Workstream.objects.get_or_create(
            roadmap=Roadmap.objects.get(slug=roadmap_slug),
            slug=slug,
            defaults={"title": title, "summary": summary, "position": 100 + position},
        )[0]
        for position, (roadmap_slug, slug, title, summary) in enumerate(WORKSTREAMS)
    }
    created = 0
    for recorded in RECORDED_MILESTONES:
        if Milestone.objects.filter(slug=recorded.slug).exists():
            continue
        workstream = workstreams.get((recorded.roadmap, recorded.workstream)) or (
            Workstream.objects.get(roadmap__slug=recorded.roadmap, slug=recorded.workstream)
        )
        _create(recorded, workstream, topics)
        created += 1
    for event in RECORDED_EVENTS:
        _record(event)
    return created


def _extra_authorities(authorities: dict) -> dict:
    jurisdictions = {a.jurisdiction.code: a.jurisdiction for a in authorities.values()}
    return {
        acronym: Authority.objects.get_or_create(
            acronym=acronym,
            defaults={"jurisdiction": jurisdictions[code], "name": name, "website": website},
        )[0]
        for acronym, code, name, website in EXTRA_AUTHORITIES
    }


def _moment(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _create(recorded: RecordedMilestone, workstream: Workstream, topics: dict) -> None:
    milestone = services.milestone_create(
        workstream=workstream,
        authority=workstream.roadmap.authority,
        title=recorded.title,
        slug=recorded.slug,
        summary=recorded.summary,
        status=recorded.status,
        actual_date=recorded.actual_date,
        confidence=Confidence.REPORTED,
        legal_deadline=recorded.legal_deadline,
        target=recorded.target,
        topics=[topics[slug] for slug in recorded.topics],
        sources=recorded.sources,
        note="Loaded from the demo's public record.",
        observed_at=_moment(recorded.observed_on),
    )
    if recorded.clock:
        terms = [
            Term(on=term)
            if isinstance(term, datetime.date)
            else Term(after=Milestone.objects.get(slug=term[0]).pk, offset=term[1], unit=term[2])
            for term in recorded.clock
        ]
        services.milestone_set_clock(milestone=milestone, terms=terms, combine=recorded.combine)


def _record(event: RecordedEvent) -> None:
    milestone = Milestone.objects.filter(slug=event.milestone).first()
    if milestone is None:
        return
    if MilestoneUpdate.objects.filter(milestone=milestone, note=event.note).exists():
        return
    if event.while_status is not None and milestone.status != event.while_status:
        return
    source = services.source_add(milestone=milestone, **event.source)
    services.milestone_record_update(
        milestone=milestone,
        note=event.note,
        source=source,
        observed_at=_moment(event.observed_on),
        **event.changes,
    )
