from __future__ import annotations


def test_home_page_greets_each_role(personas):
    response = personas.client("registrar").get("/")
    assert response.status_code == 200
    assert "Registration officer" in response.content.decode()


def test_health_answers_without_login(client, db):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
