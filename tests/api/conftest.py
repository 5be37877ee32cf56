"""An API client on the real process library, with people who can log in."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from service.app import create_app
from service.clock import utcnow
from service.demo import seed_people
from service.store.models import Customer, KbProduct
from tests.support import deploy_library

PASSWORD = "s3cret-enough"


@dataclass
class Api:
    client: object
    people: dict[str, int]
    customer_id: int
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, username: str) -> dict[str, str]:
        if username not in self.tokens:  # checking a password is deliberately slow; log in once per person
            response = self.client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.json
            self.tokens[username] = response.json["token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def start_project(self, username: str = "rep") -> dict:
        response = self.client.post("/api/v1/processes/project_lifecycle/instances", headers=self.login(username),
                                    json={"data": {"customer_id": self.customer_id, "customer": "ACME Education"}})
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def api(services) -> Api:
    deploy_library(services)
    with services.sessions() as session:
        people = {name: user.id for name, user in seed_people(session, PASSWORD).items()}
        customer = Customer(name="ACME Education", industry="education", budget=800000, updated_at=utcnow())
        session.add(customer)
        session.add(KbProduct(product="Enterprise", current_version="V3.2", updated_at=utcnow()))
        session.commit()
        customer_id = customer.id
    return Api(create_app(services.config, services).test_client(), people, customer_id)
