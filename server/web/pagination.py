"""Pages of a query's rows: one helper for the API's ``page``/``per_page`` lists and the admin's paged tables."""
import math
from dataclasses import dataclass

from server.extensions import db


def page_meta(page: int, per_page: int, total: int) -> dict:
    """The ``meta`` of an API page (``PageMetaSchema``)."""
    return {"page": page, "per_page": per_page, "total": total, "pages": math.ceil(total / per_page) if per_page else 0}


@dataclass(frozen=True)
class Page:
    """One page (1-based) of a query's rows and the number of rows in all."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, for a pager)."""
        return max(math.ceil(self.total / self.per_page), 1)

    def meta(self) -> dict:
        """The ``meta`` of an API page."""
        return page_meta(self.page, self.per_page, self.total)


def paginate(query, page: int, per_page: int, *order_by) -> Page:
    """Count the query's rows, then read one page of them in the given order."""
    total = db.session.execute(db.select(db.func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    items = list(db.session.execute(query.order_by(*order_by).limit(per_page).offset((page - 1) * per_page)).scalars())
    return Page(items, page, per_page, total)
