"""Factories for the roadmap domain; milestones are made through the service, with their history."""

import factory

from roadmap import services
from roadmap.models import Authority, Jurisdiction, Milestone, Roadmap, Topic, Workstream
from roadmap.targets import Target


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "X" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    name = factory.LazyAttribute(lambda o: f"Jurisdiction {o.code}")


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("acronym",)

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    acronym = factory.Sequence(lambda n: f"AUTH{n}")
    name = factory.LazyAttribute(lambda o: f"Authority {o.acronym}")


class RoadmapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roadmap

    title = factory.Sequence(lambda n: f"Roadmap {n}")
    slug = factory.Sequence(lambda n: f"roadmap-{n}")
    authority = factory.SubFactory(AuthorityFactory)


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    roadmap = factory.SubFactory(RoadmapFactory)
    title = factory.Sequence(lambda n: f"Workstream {n}")
    slug = factory.Sequence(lambda n: f"workstream-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    workstream = factory.SubFactory(WorkstreamFactory)
    authority = factory.LazyAttribute(lambda o: o.workstream.roadmap.authority)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    target = factory.LazyFunction(lambda: Target.parse("Q3 2025"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.milestone_create(**kwargs)
