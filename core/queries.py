from django.db.models import IntegerField, Subquery


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: counts without joining rows into the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()
