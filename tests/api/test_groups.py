"""Groups: anyone logged in sees them with their members; admins add an empty one, others hear 403."""

from __future__ import annotations

from sqlalchemy import select

from service.store.models import Group


def test_groups_are_listed_with_their_members_and_admins_add_one(api, services):
    rep = api.login("rep")
    listed = api.client.get("/api/v1/groups", headers=rep)
    assert listed.status_code == 200
    groups = {g["name"]: g["members"] for g in listed.json}
    assert groups["sales"] == ["rep", "rep2"] and "admin" in groups["admins"]
    refused = api.client.post("/api/v1/groups", headers=rep, json={"name": "partners"})
    assert refused.status_code == 403
    admin = api.login("admin")
    created = api.client.post("/api/v1/groups", headers=admin, json={"name": "partners"})
    assert created.status_code == 201 and created.json == {"name": "partners", "members": []}
    again = api.client.post("/api/v1/groups", headers=admin, json={"name": "partners"})
    assert again.status_code == 409 and "exists already" in again.json["message"]
    assert api.client.post("/api/v1/groups", headers=admin, json={"name": ""}).status_code == 422
    assert {"name": "partners", "members": []} in api.client.get("/api/v1/groups", headers=rep).json
    with services.sessions() as session:
        assert session.scalar(select(Group.id).where(Group.name == "partners")) is not None
    assert api.client.get("/api/v1/groups").status_code == 401
