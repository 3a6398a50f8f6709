"""Which milestones, rules and topics a news item is likely about, and why: a suggestion's match.

Pure over what ``Candidates.load()`` reads once per run: a tracked rule is matched by its RIN in
the item, a topic by most of the words of its name, an open milestone by most of the distinctive
words of its title (at least three, or all of a shorter title).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from roadmap.importers.unified_agenda import ROADMAP_SLUG as AGENDA_SLUG
from roadmap.models import Milestone, Topic, Workstream

RIN = re.compile(r"\b(\d{4}-[A-Z]{2}\d{2})\b")
WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    [
        "about",
        "after",
        "again",
        "against",
        "also",
        "among",
        "and",
        "are",
        "been",
        "before",
        "being",
        "between",
        "both",
        "could",
        "does",
        "each",
        "first",
        "from",
        "have",
        "into",
        "more",
        "most",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "upon",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "within",
        "would",
        "your",
        "rule",
        "rules",
        "proposed",
        "final",
        "notice",
        "release",
        "commission",
    ]
)
MAX_MILESTONES = 5


def words(text: str) -> set[str]:
    """The distinctive words of ``text``: lower case, four letters or more, plural ``s`` off."""
    found = set()
    for word in WORD.findall(text.lower()):
        if len(word) < 4 or word in STOPWORDS:
            continue
        found.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return found


@dataclass
class Match:
    milestones: list[int] = field(default_factory=list)
    workstreams: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.milestones or self.workstreams or self.topics)


@dataclass
class Candidates:
    rules: dict[str, int]
    topics: list[tuple[int, str, set[str]]]
    milestones: dict[int, tuple[str, set[str]]]
    index: dict[str, set[int]]

    @classmethod
    def load(cls) -> Candidates:
        rules = dict(Workstream.objects.filter(roadmap__slug=AGENDA_SLUG).values_list("slug", "pk"))
        topics = [(pk, name, words(name)) for pk, name in Topic.objects.values_list("pk", "name")]
        milestones, index = {}, defaultdict(set)
        for pk, title in Milestone.objects.open().values_list("pk", "title").iterator():
            title_words = words(title)
            milestones[pk] = (title, title_words)
            for word in title_words:
                index[word].add(pk)
        return cls(
            rules={slug.upper(): pk for slug, pk in rules.items()},
            topics=topics,
            milestones=milestones,
            index=index,
        )

    def match(self, text: str) -> Match:
        match = Match()
        for rin in sorted(set(RIN.findall(text))):
            if rin in self.rules:
                match.workstreams.append(self.rules[rin])
                match.reasons.append(f"mentions RIN {rin}, a tracked rule")
        text_words = words(text)
        for pk, name, name_words in self.topics:
            shared = name_words & text_words
            if name_words and len(shared) * 2 >= len(name_words):
                match.topics.append(pk)
                match.reasons.append(f"mentions the topic “{name}”")
        overlap: dict[int, int] = defaultdict(int)
        for word in text_words:
            for pk in self.index.get(word, ()):
                overlap[pk] += 1
        ranked = sorted(overlap.items(), key=lambda item: (-item[1], item[0]))
        for pk, count in ranked:
            title, title_words = self.milestones[pk]
            if count < min(3, len(title_words)) or count * 5 < len(title_words) * 3:
                continue
            match.milestones.append(pk)
            in_common = ", ".join(sorted(title_words & text_words))
            match.reasons.append(f"shares {in_common} with the milestone “{title}”")
            if len(match.milestones) == MAX_MILESTONES:
                break
        return match
