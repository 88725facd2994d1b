"""Load test (issue 13): simulated people using the hub through its JSON API.

Run by ``bench/load_run.py`` (throw-away PostgreSQL, the demo company plus thousands of
items, gunicorn with 4 workers), or by hand against any hub whose people have API tokens:

    LOCUST_TOKENS=tokens.json .venv/bin/locust -f bench/locustfile.py --headless \\
        -u 100 -r 10 -t 3m --host http://127.0.0.1:8000

``LOCUST_TOKENS`` is a JSON object ``{"username": {"token": "...", "id": 1,
"manager_id": 2, "reports": [3, 4]}, ...}`` (``load_run.py`` writes it).  Each simulated
person is one of the demo company's people (employees more often than managers), signed in
with their bearer token, and does, at random with these weights, about 80 % reads and 20 %
writes, with 1–3 s of thinking between requests:

- reads: the talks due (the home page's box) and one's own record, the letters, reports,
  announcements and talk logs lists, a search for a common word, one letter or report out
  of the list;
- writes: a letter (a fifth anonymous), a report, confirming an announcement that asks for
  it (a letter when none is left), a talk log with one of one's reports (managers; the
  others file a report instead).
"""
from __future__ import annotations

import json
import os
import random
from datetime import datetime, timedelta

from locust import HttpUser, between, task

TOKENS = json.loads(open(os.environ.get("LOCUST_TOKENS", "tokens.json")).read())
#: Who the simulated people are: the rank and file more often than the managers.
EMPLOYEES = [u for u, v in TOKENS.items() if not v.get("reports") and u != "admin"]
MANAGERS = [u for u, v in TOKENS.items() if v.get("reports")]
WORDS = ["食堂", "加班", "报销", "安全", "停车", "培训", "设备", "会议"]
SUBJECTS = ["食堂排队时间太长", "夜班交通补贴", "车间照明不足", "报销流程太慢", "会议室预订冲突"]


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        pool = EMPLOYEES if random.random() < 0.8 or not MANAGERS else MANAGERS
        self.username = random.choice(pool)
        me = TOKENS[self.username]
        self.me = me
        self.client.headers["Authorization"] = f"Bearer {me['token']}"
        self.letter_ids: list[int] = []
        self.report_ids: list[int] = []
        self.announcement_ids: list[int] = []
        self.to_confirm: list[int] = []

    # --- reads (80) -------------------------------------------------------------------

    @task(8)
    def talks_due(self):  # the home page's "talks due" box
        self.client.get("/api/v1/talks/due", name="GET /talks/due")

    @task(6)
    def me(self):
        self.client.get("/api/v1/me", name="GET /me")

    @task(12)
    def letters(self):
        with self.client.get("/api/v1/letters", name="GET /letters",
                             catch_response=True) as resp:
            if resp.ok:
                self.letter_ids = [i["id"] for i in resp.json().get("items", [])]

    @task(10)
    def reports(self):
        with self.client.get("/api/v1/reports", name="GET /reports",
                             catch_response=True) as resp:
            if resp.ok:
                self.report_ids = [i["id"] for i in resp.json().get("items", [])]

    @task(12)
    def announcements(self):
        with self.client.get("/api/v1/announcements", name="GET /announcements",
                             catch_response=True) as resp:
            if resp.ok:
                items = resp.json().get("items", [])
                self.announcement_ids = [i["id"] for i in items]
                self.to_confirm = [i["id"] for i in items if i.get("needs_confirmation")]

    @task(10)
    def search(self):
        self.client.get("/api/v1/search", params={"q": random.choice(WORDS)},
                        name="GET /search")

    @task(8)
    def one_letter(self):
        if self.letter_ids:
            self.client.get(f"/api/v1/letters/{random.choice(self.letter_ids)}",
                            name="GET /letters/{id}")
        else:
            self.letters()

    @task(8)
    def one_report(self):
        if self.report_ids:
            self.client.get(f"/api/v1/reports/{random.choice(self.report_ids)}",
                            name="GET /reports/{id}")
        else:
            self.reports()

    @task(6)
    def talk_logs(self):
        self.client.get("/api/v1/talks", name="GET /talks")

    # --- writes (20) -------------------------------------------------------------------

    @task(5)
    def write_letter(self):
        self.client.post("/api/v1/letters", name="POST /letters", json={
            "subject": random.choice(SUBJECTS), "body": "压力测试：希望尽快处理，谢谢。",
            "category": random.choice(["suggestion", "issue", "complaint", "other"]),
            "anonymous": random.random() < 0.2})

    @task(5)
    def write_report(self):
        self.client.post("/api/v1/reports", name="POST /reports", json={
            "kind": random.choice(["suggestion", "complaint", "issue", "customer"]),
            "subject": random.choice(SUBJECTS), "body": "压力测试：具体情况如下。",
            "anonymous": random.random() < 0.2})

    @task(5)
    def confirm(self):
        if not self.to_confirm:  # nothing (left) to confirm: write something else
            self.write_letter()
            return
        announcement = self.to_confirm.pop()
        self.client.post(f"/api/v1/announcements/{announcement}/confirm",
                         name="POST /announcements/{id}/confirm")

    @task(5)
    def talk_log(self):
        """A manager logs a talk with one of their reports (a one-on-one is the manager's
        to log); anybody else files a report instead."""
        if not self.me.get("reports"):
            self.write_report()
            return
        others = self.me["reports"]
        held = datetime.now() - timedelta(hours=random.randint(1, 72))
        self.client.post("/api/v1/talks", name="POST /talks", json={
            "kind": "one_on_one", "with_user_id": random.choice(others),
            "held_at": held.replace(microsecond=0).isoformat(), "duration_minutes": 20,
            "topics": "压力测试：本周工作进展与困难。", "agreements": "下周再沟通。"})
