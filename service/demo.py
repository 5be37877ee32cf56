"""Demo people and an org chart, so a fresh `handoff demo` has someone to log in as (in English, or the
Chinese company of `service.demo_zh` with ``--locale zh-CN``: same usernames, Chinese names, mobiles)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from service import demo_zh
from service.clock import utcnow
from service.store.models import Group, Membership, User

GROUPS = {
    "sales": "Sales reps: start opportunities and handovers",
    "sales-managers": "Sales managers: receive reminders and escalations, reassign",
    "executives": "Sales VP and other executives",
    "sales-vp": "The sales VP: receives escalations of cross-department timeouts",
    "technical-sales": "Reps for technical buyers (routed by the lead table)",
    "education-sales": "Reps for education customers (routed by the lead table)",
    "key-accounts": "Reps for large budgets (routed by the lead table)",
    "legal": "Legal: contract review and supplementary terms",
    "delivery": "Delivery managers: co-sign, receive handovers, run delivery",
    "product": "Product owners: knowledge-base versions",
    "tech": "Tech leads: workload estimates",
    "finance": "Finance: invoicing, payment, staged payment ratios",
    "designers": "Process designers: edit and deploy BPMN",
    "admins": "Administrators: people, groups, org chart",
    "managers": "People who handle escalated work",
    "integrations": "Service accounts of partner systems: send messages and signals (POST /api/v1/correlations)",
}

# username, display name, groups, manager username
PEOPLE = [
    ("vp", "Vera Park (Sales VP)", ["executives", "sales-vp", "managers"], None),
    ("sales_mgr", "Sam Moreau (Sales manager)", ["sales-managers", "managers"], "vp"),
    ("rep", "Rita Patel (Sales rep)", ["sales", "technical-sales"], "sales_mgr"),
    ("rep2", "Ravi Osei (Sales rep)", ["sales", "education-sales", "key-accounts"], "sales_mgr"),
    ("legal", "Lena Gross (Legal)", ["legal"], "vp"),
    ("delivery_head", "Diego Alvarez (Head of delivery)", ["delivery", "managers"], "vp"),
    ("delivery", "Dana Kim (Delivery manager)", ["delivery"], "delivery_head"),
    ("product", "Paul Novak (Product owner)", ["product"], "delivery_head"),
    ("tech", "Tara Singh (Tech lead)", ["tech"], "delivery_head"),
    ("finance", "Femi Adeyemi (Finance)", ["finance"], "vp"),
    ("designer", "Dora Weiss (Process designer)", ["designers"], "vp"),
    ("admin", "Adam Berg (Admin)", ["admins", "designers"], None),
]


DEMO_PASSWORD = "handoff"


def seed_people(session: Session, password: str | None = None, locale: str | None = None) -> dict[str, User]:
    """Idempotent: creates missing groups, people and manager links; `password` for people without one.

    `locale` zh-CN: the people are the Chinese company's (their names, mobiles and language zh-CN)."""
    chinese = locale == "zh-CN"
    descriptions = demo_zh.GROUPS if chinese else GROUPS
    now = utcnow()
    password_hash = generate_password_hash(password) if password else None
    groups = {g.name: g for g in session.scalars(select(Group))}
    for name, description in GROUPS.items():
        if name not in groups:
            groups[name] = Group(name=name, description=descriptions.get(name, description))
            session.add(groups[name])
    users = {u.username: u for u in session.scalars(select(User))}
    for username, display, _groups, _manager in PEOPLE:
        if username not in users:
            users[username] = User(username=username, display_name=display, email=f"{username}@handoff.example",
                                   created_at=now)
            if chinese:
                users[username].display_name, users[username].mobile = demo_zh.PEOPLE[username]
                users[username].locale = "zh-CN"
            session.add(users[username])
        if password_hash and not users[username].password_hash:
            users[username].password_hash = password_hash
    session.flush()
    members = {(m.user_id, m.group_id) for m in session.scalars(select(Membership))}
    for username, _display, group_names, manager in PEOPLE:
        user = users[username]
        user.manager_id = users[manager].id if manager else None
        for name in group_names:
            if (user.id, groups[name].id) not in members:
                session.add(Membership(user_id=user.id, group_id=groups[name].id))
    session.flush()
    return users
