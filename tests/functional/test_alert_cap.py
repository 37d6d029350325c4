"""CAP 1.2 for signage, paging systems and aggregators: an Atom index of the active alerts
whose entries link to each alert's CAP document; every document valid against the OASIS
schema (tests/cap/CAP-v1.2.xsd); an update references the alert it supersedes."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import feedparser

from app.models.base import utcnow
from app.services import alerts
from app.services.alerts import AlertDraft

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def cap_documents(client):
    index = client.get("/alerts/cap.atom")
    assert index.mimetype == "application/atom+xml"
    documents = []
    for entry in feedparser.parse(index.get_data()).entries:
        [link] = [link for link in entry.links if link.type == "application/cap+xml"]
        response = client.get(urlsplit(link.href).path)
        assert response.mimetype == "application/cap+xml"
        documents.append(response.get_data())
    return documents


def test_the_cap_index_links_each_active_alert_as_a_valid_cap_document(
        client, db, make_alert, campus, cap_schema):
    make_alert(headline="Fire in Garage A", severity="severe",
               location_ids=(campus["garage"].id, campus["lobby"].id))
    make_alert(headline="Road closed on Campus Drive", severity="minor")
    make_alert(headline="Old drill", minutes=5, now=utcnow() - timedelta(minutes=6))
    documents = cap_documents(client)
    assert len(documents) == 2
    trees = [cap_schema(document) for document in documents]
    headlines = {t.findtext(f"{CAP}info/{CAP}headline"): t for t in trees}
    assert set(headlines) == {"Fire in Garage A", "Road closed on Campus Drive"}
    fire = headlines["Fire in Garage A"]
    assert fire.findtext(f"{CAP}msgType") == "Alert"
    assert fire.findtext(f"{CAP}info/{CAP}severity") == "Severe"
    assert fire.findtext(f"{CAP}info/{CAP}area/{CAP}areaDesc") == (
        "Garage A, Level 3, Main Hospital Lobby")


def test_an_all_clear_is_a_cap_update_that_references_the_alert_it_supersedes(
        client, db, make_alert, make_user, cap_schema):
    dispatcher = make_user(roles=("dispatcher",))
    fire = make_alert(headline="Fire in Garage A", issuer=dispatcher)
    clear = alerts.post_update(dispatcher, fire.id, AlertDraft(
        "All clear in Garage A", "Garage A is open again.", "minor", 30, all_clear=True))
    [document] = cap_documents(client)
    tree = cap_schema(document)
    assert tree.findtext(f"{CAP}msgType") == "Update"
    assert tree.findtext(f"{CAP}identifier") == clear.identifier
    sender, identifier, sent = tree.findtext(f"{CAP}references").split(",")
    assert (sender, identifier) == (tree.findtext(f"{CAP}sender"), fire.identifier)
    assert tree.findtext(f"{CAP}info/{CAP}responseType") == "AllClear"
    old = cap_schema(client.get(f"/alerts/{fire.id}/cap.xml").get_data())
    assert old.findtext(f"{CAP}msgType") == "Alert"


def test_markup_in_an_alert_stays_text_and_the_document_stays_valid(
        client, db, make_alert, cap_schema):
    alert = make_alert(headline='Fire <b>&</b> smoke "here"',
                       instruction="Leave by ]]> the <script>stairs</script> & wait.")
    tree = cap_schema(client.get(f"/alerts/{alert.id}/cap.xml").get_data())
    assert tree.findtext(f"{CAP}info/{CAP}headline") == 'Fire <b>&</b> smoke "here"'
    assert tree.findtext(f"{CAP}info/{CAP}instruction") == (
        "Leave by ]]> the <script>stairs</script> & wait.")


def test_every_severity_makes_a_valid_cap_document(client, db, make_alert, make_user,
                                                   cap_schema):
    supervisor = make_user(roles=("supervisor",))
    for severity in ("extreme", "severe", "moderate", "minor"):
        alert = make_alert(severity=severity, issuer=supervisor)
        tree = cap_schema(client.get(f"/alerts/{alert.id}/cap.xml").get_data())
        assert tree.findtext(f"{CAP}info/{CAP}severity") == severity.title()
