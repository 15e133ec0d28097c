import pytest

from tests.conftest import COVENTRY_HOST


@pytest.mark.django_db
def test_national_and_coventry_homes_render(client, network):
    national = client.get("/")
    coventry = client.get("/", HTTP_HOST=COVENTRY_HOST)
    assert national.status_code == 200
    assert coventry.status_code == 200
    assert "Connection Coalition" in national.content.decode()
    assert "CommUNITY is not just for pandemics" in coventry.content.decode()
