from __future__ import annotations

from tests.conftest import PASSWORD, csrf_token, post_form


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_with_email_and_password(client, make_user, app):
    make_user("dpo", email="dpo@example.dk")
    response = post_form(client, "/login", {"email": "DPO@example.dk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_message(client, make_user):
    make_user("dpo", email="dpo@example.dk")
    response = post_form(client, "/login", {"email": "dpo@example.dk", "password": "wrong password"})
    assert response.status_code == 401
    assert "Forkert e-mail eller adgangskode" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_rejected(client, make_user):
    make_user("dpo", email="dpo@example.dk")
    csrf_token(client)
    response = client.post("/login", data={"email": "dpo@example.dk", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302
