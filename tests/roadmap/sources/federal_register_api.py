"""A stand-in for the Federal Register API's ``documents.json``, served by the local test server.

It answers as the public API does: ``count`` of all matches, ``total_pages``, ``results`` of the
page and a ``next_page_url`` until the last page, ordered oldest first, filtered by
``conditions[publication_date][gte|lte]``, and it pages through at most ``cap`` results of one
search, as the real API stops at 10,000.
"""

from __future__ import annotations

import datetime
import json
import math
from urllib.parse import urlencode

from tests.roadmap.sources.server import Answer, Request


def document(number: int, published: datetime.date, **fields) -> dict:
    """A published rule of the SEC with its effective date, as the API returns one."""
    return {
        "document_number": f"2026-{number:05d}",
        "title": f"Custody of Crypto Assets, Part {number}",
        "type": "Rule",
        "abstract": "The Commission adopts amendments.",
        "publication_date": published.isoformat(),
        "effective_on": (published + datetime.timedelta(days=60)).isoformat(),
        "comments_close_on": None,
        "agencies": [
            {
                "raw_name": "SECURITIES AND EXCHANGE COMMISSION",
                "name": "Securities and Exchange Commission",
                "id": 466,
                "slug": "securities-and-exchange-commission",
            }
        ],
        "regulation_id_numbers": [],
        "citation": f"91 FR {10000 + number}",
        "html_url": f"https://www.federalregister.gov/d/2026-{number:05d}",
        **fields,
    }


class DocumentsApi:
    def __init__(self, server, documents: list[dict], *, cap: int = 10_000):
        self.server = server
        self.documents = sorted(
            documents, key=lambda d: (d["publication_date"], d["document_number"])
        )
        self.cap = cap
        self.searches: list[tuple[str, str, int]] = []

    def __call__(self, request: Request) -> Answer:
        query = request.query
        first = query.get("conditions[publication_date][gte]", ["0000-00-00"])[0]
        last = query.get("conditions[publication_date][lte]", ["9999-99-99"])[0]
        per_page = int(query.get("per_page", ["20"])[0])
        page = int(query.get("page", ["1"])[0])
        matches = [d for d in self.documents if first <= d["publication_date"] <= last]
        total_pages = min(math.ceil(len(matches) / per_page), self.cap // per_page)
        if page == 1:
            self.searches.append((first, last, len(matches)))
        body = {
            "count": len(matches),
            "description": "Documents matching the search",
            "total_pages": total_pages,
            "results": matches[(page - 1) * per_page : page * per_page]
            if page <= total_pages
            else [],
        }
        if page < total_pages:
            following = [(k, v) for k, values in query.items() if k != "page" for v in values]
            following.append(("page", page + 1))
            body["next_page_url"] = self.server.url(f"{request.path}?{urlencode(following)}")
        return Answer(200, json.dumps(body).encode(), {"Content-Type": "application/json"})
