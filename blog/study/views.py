"""The glossary (단어장) of the commentaries' key expressions: the page, its CSV and Anki deck."""

from flask import Blueprint, render_template

from .glossary import (
    csv_download,
    deck_download,
    entries,
    entries_query,
    grouped_by_post,
    paginate,
    requested_order,
)

bp = Blueprint("study", __name__)


@bp.get("/glossary")
def glossary():
    order = requested_order()
    page, shown = paginate(order)
    groups = grouped_by_post(shown) if order == "post" else [shown]
    return render_template("study/glossary.html", page=page, order=order, groups=groups)


@bp.get("/glossary.csv")
def glossary_csv():
    return csv_download(entries(entries_query()), "glossary.csv")


@bp.get("/glossary.apkg")
def glossary_apkg():
    return deck_download(entries(entries_query()), "glossary.apkg")
