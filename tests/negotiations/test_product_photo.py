"""A product's photo: stored without its metadata under our own name, shown only through a checked view."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from PIL import Image

from kawasaki.models import Role
from negotiations import services
from negotiations.models import State
from tests.conftest import make_member
from tests.factories.negotiations import NegotiationFactory, member_of, records_for

pytestmark = pytest.mark.django_db


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (35.0, 31.0, 50.0), 3: "E", 4: (139.0, 42.0, 10.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 150, 90)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def product(city_a, coordinator_a):
    with scope(municipality=city_a):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.PROTOTYPE), State.PROTOTYPE)
        return services.product_record(
            negotiation=deal,
            actor=coordinator_a,
            name="防振マウント",
            launch_date=timezone.localdate() - dt.timedelta(days=1),
            photo=SimpleUploadedFile("../../etc/試作品.jpg", photo_with_gps(), content_type="image/jpeg"),
        )


def photo_url(municipality, product):
    return reverse("product_photo", kwargs={"municipality": municipality.slug, "pk": product.pk})


def test_photo_is_stored_under_our_name_without_metadata(product):
    name = product.photo.name.rsplit("/", 1)[-1]
    assert name.endswith(".jpg")
    assert len(name) == 32 + 4
    data = product.photo.read()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {}


def test_photo_is_shown_to_the_deal_parties_and_staff_only(client_of, city_a, city_b, coordinator_a, product):
    sme_member = member_of(product.negotiation.sme)
    other_sme = make_member(city_a, Role.SME_MEMBER)
    other_city = make_member(city_b, Role.COORDINATOR)

    for user in (coordinator_a, sme_member):
        response = client_of(user).get(photo_url(city_a, product))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert client_of(other_sme).get(photo_url(city_a, product)).status_code == 404
    assert client_of(other_city).get(photo_url(city_b, product)).status_code == 404
    # The products page points at the checked view; no public /media/ URL serves the file.
    page = client_of(coordinator_a).get(reverse("product_list", kwargs={"municipality": city_a.slug}))
    assert photo_url(city_a, product) in page.content.decode()
    assert client_of(coordinator_a).get("/media/" + product.photo.name).status_code == 404


def test_product_without_photo_has_no_photo_page(client_of, city_a, coordinator_a):
    with scope(municipality=city_a):
        deal = records_for(NegotiationFactory(municipality=city_a, state=State.PROTOTYPE), State.PROTOTYPE)
        plain = services.product_record(
            negotiation=deal,
            actor=coordinator_a,
            name="x",
            launch_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert client_of(coordinator_a).get(photo_url(city_a, plain)).status_code == 404


def test_a_photo_whose_file_is_gone_is_not_found_not_a_server_error(
    client_of, city_a, coordinator_a, product
):
    product.photo.storage.delete(product.photo.name)
    assert client_of(coordinator_a).get(photo_url(city_a, product)).status_code == 404
