"""Invitee lists, invitation links, representatives and declines."""

import io

import openpyxl
import pytest
import sqlalchemy as sa

from coordination.extensions import db
from coordination.mail.models import OutboxMessage
from coordination.registration.models import Invitation, Registration

from .test_registration_pages import event_slug  # noqa: F401 - shared fixture

GOOD_CSV = (
    "nama;instansi;jabatan;hp;email\n"
    "Siti Rahayu;KSP Kraksaan;Ketua;0812-1111-0001;siti@example.org\n"
    "Budi Santoso;KUD Paiton;Bendahara;+62 812 1111 0002;\n"
)


def upload(client, slug, name, content):
    return client.post(
        f"/events/{slug}/invitations",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.fixture
def invited(client, ctx, as_user, organiser, event_slug):  # noqa: F811
    """GOOD_CSV uploaded by the event's organiser, who stays logged in: the event's slug."""
    as_user(organiser)
    upload(client, event_slug, "undangan.csv", GOOD_CSV.encode())
    return event_slug


def invitation(name: str) -> Invitation:
    return db.session.scalar(sa.select(Invitation).where(Invitation.full_name == name))


def test_organiser_imports_a_csv_and_invitees_with_email_get_their_link(
    client,
    ctx,
    as_user,
    organiser,
    event_slug,  # noqa: F811
):
    as_user(organiser)
    response = upload(client, event_slug, "undangan.csv", GOOD_CSV.encode())
    # No mail server in the tests: the invitation is in the outbox, not e-mailed.
    assert "2 undangan diimpor; 1 undangan hanya disimpan di kotak keluar" in response.text
    assert "Belum menjawab: 2" in response.text
    siti = invitation("Siti Rahayu")
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.recipient == "siti@example.org" and f"/i/{siti.token}" in message.body
    assert message.subject.startswith("Undangan: ")


def test_the_same_list_again_with_names_added_invites_only_the_new_ones(client, invited):
    longer = GOOD_CSV + "Ani Wulandari;KSU Dringu;Sekretaris;0812-1111-0004;ani@example.org\n"
    response = upload(client, invited, "undangan.csv", longer.encode())
    assert "1 undangan diimpor; 1 undangan hanya disimpan di kotak keluar" in response.text
    assert "2 baris sudah diundang sebelumnya dan dibiarkan seperti semula." in response.text
    names = db.session.scalars(sa.select(Invitation.full_name).order_by(Invitation.id)).all()
    assert names == ["Siti Rahayu", "Budi Santoso", "Ani Wulandari"]
    recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
    assert recipients == ["siti@example.org", "ani@example.org"]  # nobody invited twice


def test_a_list_with_one_bad_row_imports_nothing_and_names_the_rows(
    client,
    ctx,
    as_user,
    organiser,
    event_slug,  # noqa: F811
):
    as_user(organiser)
    bad = (
        GOOD_CSV
        + ";KUD Tanpa Nama;;0812-1111-0003;\nAni;KSU;;0812;\nSiti Lagi;;;;siti@example.org\n"
    )
    response = upload(client, event_slug, "undangan.csv", bad.encode())
    assert "Tidak ada yang diimpor" in response.text
    assert "Baris 4: nama kosong" in response.text
    assert "Baris 5: nomor HP tidak valid: “0812”" in response.text
    assert "Baris 6: nomor HP atau e-mail sudah ada di daftar: “siti@example.org”" in response.text
    assert db.session.scalars(sa.select(Invitation)).all() == []


def test_a_row_with_several_mistakes_names_each_with_the_value_typed(
    client,
    ctx,
    as_user,
    organiser,
    event_slug,  # noqa: F811
):
    as_user(organiser)
    bad = "nama;instansi;jabatan;hp;email\n;KUD Paiton;;0812-12;budi@paiton\n"
    page = upload(client, event_slug, "undangan.csv", bad.encode()).text
    assert "Baris 2: nama kosong" in page
    assert "Baris 2: nomor HP tidak valid: “0812-12”" in page
    assert "Baris 2: e-mail tidak valid: “budi@paiton”" in page


def test_xlsx_lists_and_the_template_round_trip(client, ctx, as_user, organiser, event_slug):  # noqa: F811
    as_user(organiser)
    template = client.get(f"/events/{event_slug}/invitations/template.xlsx")
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).active
    # Heads in the organiser's language; the upload reads them back.
    assert [c.value for c in sheet[1]] == ["nama", "instansi", "jabatan", "hp", "email"]
    response = upload(client, event_slug, "undangan.xlsx", template.data)
    assert "1 undangan diimpor" in response.text
    response = upload(client, event_slug, "undangan.xlsx", b"not a spreadsheet")
    assert "Berkas tidak dapat dibaca" in response.text
    response = upload(client, event_slug, "undangan.pdf", b"%PDF")
    assert "Unggah berkas .csv atau .xlsx." in response.text


def test_invitee_registers_from_the_prefilled_link(client, as_user, organiser, invited):
    client.post("/logout")
    siti = invitation("Siti Rahayu")
    page = client.get(f"/i/{siti.token}").text
    assert 'value="Siti Rahayu"' in page and 'value="0812-1111-0001"' in page
    response = client.post(
        f"/i/{siti.token}",
        data={
            "full_name": "Siti Rahayu",
            "organisation": "KSP Kraksaan",
            "phone": "+6281211110001",
            "email": "siti@example.org",
        },
    )
    assert response.status_code == 302
    db.session.refresh(siti)
    assert siti.status == "registered"
    # Opening the invitation again leads to the registration.
    assert client.get(f"/i/{siti.token}").headers["Location"].startswith("/r/")
    as_user(organiser)
    invitations = client.get(f"/events/{invited}/invitations").text
    assert f"/invitations/{siti.id}/resend" not in invitations  # she has answered


def test_a_representative_registers_in_the_invitees_place(client, invited):
    budi = invitation("Budi Santoso")
    client.post(
        f"/i/{budi.token}",
        data={
            "representative": "y",
            "full_name": "Ani Wakil",
            "organisation": "KUD Paiton",
            "phone": "0813-5555-6666",
        },
    )
    ani = db.session.scalar(sa.select(Registration).where(Registration.full_name == "Ani Wakil"))
    assert ani.represents_name == "Budi Santoso"
    page = client.get(f"/events/{invited}/participants").text
    assert "mewakili Budi Santoso" in page
    invitations = client.get(f"/events/{invited}/invitations").text
    assert "diwakili oleh Ani Wakil" in invitations
    assert f"/invitations/{budi.id}/withdraw" not in invitations  # answered: nothing to take back
    assert "Anda mewakili Budi Santoso." in client.get(f"/r/{ani.link_token}").text


def test_invitee_declines_and_the_organiser_sees_it(client, invited):
    budi = invitation("Budi Santoso")
    client.post(f"/i/{budi.token}/decline")
    page = client.get(f"/events/{invited}/invitations").text
    assert "Menolak: 1" in page and "Belum menjawab: 1" in page


def test_invitation_pages_are_404_for_other_organisers(client, make, as_user, event_slug):  # noqa: F811
    from . import factories

    as_user(make(factories.make_user, "organiser"))
    assert client.get(f"/events/{event_slug}/invitations").status_code == 404
    assert client.get(f"/events/{event_slug}/invitations/template.csv").status_code == 404
    assert client.get("/i/not-a-token").status_code == 404


def test_participant_list_filters_invitees_and_sorts_by_organisation(client, invited):
    siti = invitation("Siti Rahayu")
    client.post(
        f"/i/{siti.token}",
        data={
            "full_name": "Siti Rahayu",
            "phone": "0812-1111-0001",
            "organisation": "KSP Kraksaan",
        },
    )
    client.post(
        f"/e/{invited}",
        data={"full_name": "Zaenal", "organisation": "Abadi KUD", "phone": "0812-2222-0001"},
    )
    page = client.get(f"/events/{invited}/participants?invited=yes").text
    assert "Siti Rahayu" in page and "Zaenal" not in page
    page = client.get(f"/events/{invited}/participants?sort=organisation").text
    assert page.index("Zaenal") < page.index("Siti Rahayu")


def test_an_invitation_sent_by_mistake_can_be_taken_back(client, invited):
    budi = invitation("Budi Santoso")
    token, withdraw = budi.token, f"/events/{invited}/invitations/{budi.id}/withdraw"
    asked = client.post(withdraw)
    assert "Tarik undangan Budi Santoso?" in asked.text
    done = client.post(withdraw, data={"confirm": "yes"}, follow_redirects=True)
    assert "Undangan Budi Santoso ditarik." in done.text
    assert client.get(f"/i/{token}").status_code == 404
    names = db.session.scalars(sa.select(Invitation.full_name)).all()
    assert names == ["Siti Rahayu"]


def test_an_invitation_shows_the_agenda_and_the_way_to_the_venue(client, invited):
    from datetime import timedelta

    from coordination.events.models import Event
    from coordination.events.services import AgendaItemData, add_agenda_item

    event = db.session.scalar(sa.select(Event).where(Event.slug == invited))
    add_agenda_item(
        event, AgendaItemData("Laporan kemajuan koperasi", event.starts_at + timedelta(minutes=15))
    )
    event.contact = "Sekretariat Dekopinda, telp. (0335) 841 234"
    db.session.commit()
    page = client.get(f"/i/{invitation('Siti Rahayu').token}").text
    assert "Laporan kemajuan koperasi" in page and "Buka peta" in page
    assert "Sekretariat Dekopinda, telp. (0335) 841 234" in page
    assert page.index('href="#register"') < page.index("Laporan kemajuan koperasi")
    public = client.get(f"/e/{invited}").text
    assert public.index('href="#register"') < public.index("Laporan kemajuan koperasi")
    assert "google.com/maps/search/?api=1&amp;query=Aula" in public


def test_a_long_invitation_list_is_read_a_page_at_a_time(
    client,
    ctx,
    as_user,
    organiser,
    event_slug,  # noqa: F811
):
    """A province invites thousands: the page shows a hundred at a time, counts them all, and
    pages on in name order."""
    as_user(organiser)
    rows = "".join(f"Undangan {n:03d};Dinas {n % 7};Kepala;;u{n}@example.org\n" for n in range(250))
    upload(client, event_slug, "undangan.csv", ("nama;instansi;jabatan;hp;email\n" + rows).encode())
    first = client.get(f"/events/{event_slug}/invitations").text
    assert "Diundang: 250" in first and "Halaman 1 dari 3" in first
    assert "Undangan 000" in first and "Undangan 099" in first and "Undangan 100" not in first
    last = client.get(f"/events/{event_slug}/invitations?page=3").text
    assert "Undangan 200" in last and "Undangan 249" in last and "Undangan 199" not in last
    # An old link past the end lands on the last page.
    late = client.get(f"/events/{event_slug}/invitations?page=9")
    assert late.status_code == 302 and late.headers["Location"].endswith("page=3")
