"""Proportionate data for the benchmark: the demo county grown to any size, in bulk.

    from scripts.bench_data import build
    build(10)            # on an empty, migrated PostgreSQL database

`build(scale)` runs `seed_demo`, then adds, per unit of scale (1× below; 10× is ten times
all of it), with INSERT ... SELECT generate_series statements:

- 2,000 institutions over the demo's 22 townships (each township gets its share; the demo
  institutions, 羊册镇敬老院 included, take part in the spread of hazards and inspections,
  so each institution holds about ten hazards and five inspections at every size), two
  staff accounts each, three clerks per township;
- 20,000 hazards (open, rectifying, submitted, closed; deadlines from 90 days ago to two
  months ahead; 10% major; some under supervision), each with its events, some with photos;
- 10,000 inspections (self, township and supervisory; drafts and submitted ones), an Answer
  per checklist item for each submitted one;
- a duty post for each new residential (or holiday) institution and 11,000 24-hour shifts
  over them (five days back to a day ahead), a leader and an officer each, with attendance
  (on time, late, absent) for the shifts that have started;
- 2,000 incidents with their first reports, 2,000 leave reports;
- a daily report a day from each new residential institution over the demo's reporting
  period so far (most filed, some late, most 零报告, a few corrected);
- 10,000 people in difficulty with a category each, 3,000 applications in every state
  (payments for the approved ones), a line and a payment in each of six monthly batches for
  everyone eligible, and a home visit for seven in ten;
- emergency preparedness for each new institution: its current plans (a residential one
  all four kinds, the others the basic two; one in six missing, some overdue for review,
  one in five with an earlier version), three supply lines (some short, some expired),
  two drills a year for most residential ones, and the responsibility record (责任书) of
  this year and last;
- a weekly epidemic report from each new elderly-care and social-welfare home for the last
  eight weeks (a few missing), with a follow-up for each that had positives;
- 1,500 spot checks of duty posts over four months (one in five failed, some answered or
  closed), 300 accountability cases (from failed spot checks, overdue major hazards, and
  others), and failed items in one in seven answers of the township's and the bureau's
  inspections (so self-inspections that passed them are 自查不实);
- relief's 公示 for one in three approved applications (an open objection for one in ten of
  those), a recognition (认定) for one in four children, and a monitoring flag (防返贫监测)
  for one in twenty people;
- django-simple-history rows for every new row of a model with history (one created row,
  and a changed row for every second one; two for every hazard).

`grow(scale)` adds the same again without seeding, so a test can measure at two sizes on
one database. PostgreSQL only (generate_series, make_interval). ANALYZE runs at the end.

Command line: builds into the test database of DATABASE_URL (``test_<name>``, replaced if
it exists), keeps it, and prints its name, so pages can be profiled against it:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/bench_data.py --scale 10
    # ... kept database test_bench: point DATABASE_URL at it

or, with --in-place, into DATABASE_URL's own database (created empty beforehand).
"""

import argparse
import datetime
import io
import os
import sys
import time
import zoneinfo
from pathlib import Path

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# Rows added per unit of scale.
PER_SCALE = {
    "institutions": 2000,
    "hazards": 20000,
    "inspections": 10000,
    "shifts": 11000,
    "incidents": 2000,
    "leave_reports": 2000,
    "people": 10000,
    "applications": 3000,
    "spot_checks": 1500,
    "cases": 300,
}
EPIDEMIC_WEEKS = 8
CLERKS_PER_TOWNSHIP = 3
BATCH_MONTHS = 6

# Kinds of the new institutions, in proportion (elderly care most of them).
KINDS = (
    ["elderly_care"] * 12
    + ["child_welfare", "social_welfare", "rescue_station"]
    + ["marriage_registry", "funeral_service"]
    + ["social_work_station"] * 3
)
KIND_WORDS = {
    "elderly_care": "养老服务中心",
    "child_welfare": "儿童福利院",
    "social_welfare": "社会福利院",
    "rescue_station": "救助站",
    "marriage_registry": "婚姻登记点",
    "funeral_service": "殡葬服务站",
    "social_work_station": "社会工作服务站",
}
HAZARD_CATEGORIES = ["fire", "electricity", "gas", "food", "building", "evacuation", "duty"]
HAZARD_TEXTS = [
    "灭火器压力不足，未按期检验。",
    "疏散通道堆放杂物，宽度不足。",
    "电动车在楼道内充电。",
    "厨房燃气报警器失灵。",
    "安全出口指示灯不亮。",
    "夜间巡查记录不全。",
    "配电箱周边堆放可燃物。",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["秀英", "桂兰", "玉梅", "建国", "春生", "小明", "子涵", "浩然", "国庆", "德胜"]
VILLAGES = ["王庄村", "李湾村", "张楼村", "刘店村", "陈岗村", "杨寨村", "东街社区", "西街社区"]
# Categories by age band: children, working age, elderly.
CHILD_CATEGORIES = ["orphan", "unsupported_child", "left_behind_child", "left_behind_child"]
ADULT_CATEGORIES = ["dibao", "low_income", "disabled", "unemployed"]
ELDER_CATEGORIES = ["elderly_alone", "elderly_alone", "tekun", "dibao"]
BATCH_CATEGORIES = ["dibao", "tekun", "orphan", "unsupported_child"]

# The models with django-simple-history whose rows this module adds.
HISTORY_MODELS = [
    "institutions.Institution",
    "institutions.User",
    "inspections.Hazard",
    "inspections.Inspection",
    "duty_roster.Shift",
    "duty_roster.Incident",
    "duty_roster.LeaveReport",
    "relief.Person",
    "relief.Application",
    "relief.DisbursementBatch",
]

# GB 11643 check character, as a function the inserts call.
ID_CHECK_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_id_check(first17 text) RETURNS text AS $$
  SELECT substr('10X98765432', 1 + (
      SELECT sum(substr(first17, i::int, 1)::int * w) FROM unnest(
        ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]) WITH ORDINALITY AS t(w, i)
    )::int %% 11, 1)
$$ LANGUAGE sql IMMUTABLE
"""


def _setup_django():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOCAL_RUN", "true")  # a benchmark on this computer
    import django

    django.setup()


class _Builder:
    def __init__(self, scale, stdout):
        from django.db import connection
        from django.utils import timezone

        self.scale = scale
        self.out = stdout
        self.cursor = connection.cursor()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.day0 = datetime.datetime.combine(self.today, datetime.time(8, 30), tzinfo=SHANGHAI)
        self.counts = {name: max(1, round(n * scale)) for name, n in PER_SCALE.items()}
        self.floors = {}

    # -- helpers ---------------------------------------------------------------------------

    def sql(self, statement, params=None):
        self.cursor.execute(statement, params or {})
        return self.cursor.rowcount

    def value(self, statement, params=None):
        self.cursor.execute(statement, params or {})
        return self.cursor.fetchone()[0]

    def ids(self, statement, params=None):
        self.cursor.execute(statement, params or {})
        return [row[0] for row in self.cursor.fetchall()]

    def floor(self, table):
        """The highest id before this run's inserts: new rows are the ones above it."""
        if table not in self.floors:
            self.floors[table] = self.value(
                f"SELECT coalesce(max(id), 0) FROM {table}"  # noqa: S608 - a model's table
            )
        return self.floors[table]

    def step(self, label, function):
        start = time.perf_counter()
        rows = function()
        self.out.write(f"  {label}: {rows:,} rows in {time.perf_counter() - start:.1f} s\n")

    # -- the county ------------------------------------------------------------------------

    def setup(self):
        self.sql(ID_CHECK_FUNCTION)
        for table in (
            "institutions_institution",
            "institutions_user",
            "duty_roster_dutypost",
            "duty_roster_shift",
            "duty_roster_incident",
            "duty_roster_leavereport",
            "inspections_hazard",
            "inspections_inspection",
            "relief_person",
            "relief_application",
            "duty_roster_spotcheck",
        ):
            self.floor(table)
        self.officer = self.value("SELECT id FROM institutions_user WHERE username = 'officer'")
        self.admin = self.value("SELECT id FROM institutions_user WHERE username = 'admin'")
        self.townships = self.ids("SELECT id FROM institutions_township ORDER BY code")
        # Offsets keep names and ID numbers unique when grow() runs again.
        self.offset = self.value(
            "SELECT count(*) FROM institutions_institution WHERE name LIKE '%%（B%%'"
        )
        # The people this script made (the demo's all have a household, these none): their
        # ID numbers are encrypted, so they cannot be told apart by the numbers themselves.
        self.person_offset = self.value(
            "SELECT count(*) FROM relief_person WHERE household_id IS NULL"
        )

    def institutions(self):
        n = self.counts["institutions"]
        return self.sql(
            """
            INSERT INTO institutions_institution (
                name, kind, operator, township_id, address, credit_code,
                legal_representative, legal_representative_phone, safety_officer,
                safety_officer_phone, beds, residents, residents_aged_80_plus, fire_risk_level,
                designated_hospital, designated_hospital_level, designated_hospital_phone,
                has_sandwich_panels, building_notes, is_active, created_at, updated_at)
            SELECT t.name || (%(words)s::text[])[1 + (g * 7) %% %(nk)s] || '（B' || g || '）',
                   k.kind,
                   CASE WHEN g %% 3 = 0 THEN 'private' ELSE 'public' END,
                   t.id,
                   '河南省驻马店市泌阳县' || t.name || '建设路' || (1 + g %% 300) || '号',
                   '',
                   substr(%(surnames)s, (1 + g %% 30)::int, 1) || '建国',
                   '139' || lpad((g %% 100000000)::text, 8, '0'),
                   substr(%(surnames)s, (1 + (g / 7) %% 30)::int, 1) || '志刚',
                   '138' || lpad((g %% 100000000)::text, 8, '0'),
                   k.beds, k.beds * 7 / 10, k.beds * 7 / 30,
                   CASE WHEN k.kind IN ('elderly_care', 'child_welfare')
                        THEN 'high' ELSE 'medium' END,
                   CASE WHEN k.residential AND g %% 20 <> 0 THEN t.name || '卫生院' ELSE '' END,
                   CASE WHEN k.residential AND g %% 20 <> 0 THEN 'primary' ELSE '' END,
                   CASE WHEN k.residential AND g %% 20 <> 0
                        THEN '0396-79' || lpad((10000 + g %% 90000)::text, 5, '0') ELSE '' END,
                   g %% 37 = 0, '', true, %(now)s, %(now)s
            FROM generate_series(%(first)s::int, %(first)s::int + %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT (%(kinds)s::text[])[1 + (g * 7) %% %(nk)s] AS kind) AS k0
            CROSS JOIN LATERAL (
                SELECT k0.kind,
                       k0.kind IN ('elderly_care', 'child_welfare', 'social_welfare',
                                   'rescue_station') AS residential,
                       CASE WHEN k0.kind IN ('elderly_care', 'child_welfare', 'social_welfare',
                                             'rescue_station')
                            THEN 20 + (g %% 13) * 10 ELSE 0 END AS beds) AS k
            JOIN institutions_township t
              ON t.id = (%(townships)s::bigint[])[1 + g %% %(nt)s]
            """,
            {
                "first": self.offset,
                "n": n,
                "kinds": KINDS,
                "words": [KIND_WORDS[k] for k in KINDS],
                "nk": len(KINDS),
                "surnames": SURNAMES,
                "townships": self.townships,
                "nt": len(self.townships),
                "now": self.now,
            },
        )

    def users(self):
        from config.crypto import convert_columns

        floor = self.floor("institutions_institution")
        common = """
            (password, last_login, is_superuser, username, first_name, last_name, email,
             is_staff, is_active, date_joined, full_name, phone, role, township_id,
             institution_id, village)
        """
        rows = self.sql(
            f"""
            INSERT INTO institutions_user {common}
            SELECT '!', NULL, false, 'b' || i.id || s.slot, '', '', '', false, true, %(now)s,
                   substr(%(surnames)s, (1 + (i.id + s.n) %% 30)::int, 1)
                     || CASE s.slot WHEN 'a' THEN '值班员' ELSE '主任' END,
                   '137' || lpad(((i.id * 2 + s.n) %% 100000000)::text, 8, '0'),
                   'institution_staff', i.township_id, i.id, ''
            FROM institutions_institution i
            CROSS JOIN (VALUES ('a', 0), ('b', 1)) AS s(slot, n)
            WHERE i.id > %(floor)s
            """,  # noqa: S608 - the column list is ours
            {"floor": floor, "now": self.now, "surnames": SURNAMES},
        )
        # Three clerks per township (once): one files, another reviews.
        rows += self.sql(
            f"""
            INSERT INTO institutions_user {common}
            SELECT '!', NULL, false, 'bt' || t.id || '_' || c, '', '', '', false, true, %(now)s,
                   substr(%(surnames)s, (1 + (t.id + c) %% 30)::int, 1) || '干事',
                   '136' || lpad((t.id * 10 + c)::text, 8, '0'),
                   'township_staff', t.id, NULL, ''
            FROM institutions_township t CROSS JOIN generate_series(0, %(clerks)s - 1) AS c
            WHERE NOT EXISTS (
                SELECT 1 FROM institutions_user u WHERE u.username = 'bt' || t.id || '_' || c)
            """,  # noqa: S608 - the column list is ours
            {"now": self.now, "surnames": SURNAMES, "clerks": CLERKS_PER_TOWNSHIP},
        )
        # Phones are stored encrypted (config/crypto.py): the new rows' are, before any page
        # or the history step reads them.
        convert_columns(
            self.cursor.db,
            "institutions_user",
            ["phone"],
            start_after=self.floor("institutions_user"),
        )
        return rows

    # -- inspections and hazards -----------------------------------------------------------

    def _institution_pool(self):
        return self.ids("SELECT id FROM institutions_institution WHERE is_active ORDER BY id")

    def hazards(self):
        pool = self._institution_pool()
        n = self.counts["hazards"]
        floor = self.floor("inspections_hazard")
        rows = self.sql(
            """
            INSERT INTO inspections_hazard (
                institution_id, inspection_id, item_id, item_key, category, severity,
                description, responsible_person, responsible_phone, deadline, interim_measures,
                status, is_recurring, found_by_id, found_at, rectification_note,
                rectified_by_id, closed_at, supervised_at, supervised_by_id,
                supervision_deadline, supervision_reason, submission_token)
            SELECT h.institution_id, NULL, NULL, '', h.category,
                   CASE WHEN g %% 10 = 0 THEN 'major' ELSE 'general' END,
                   h.description, '王建国', '139' || lpad((g %% 100000000)::text, 8, '0'),
                   h.deadline,
                   CASE WHEN h.status = 'rectifying' THEN '设专人看守，配足灭火器。' ELSE '' END,
                   h.status, g %% 17 = 0, %(officer)s,
                   ((h.deadline - 14) + time '10:00') AT TIME ZONE 'Asia/Shanghai',
                   CASE WHEN h.status IN ('submitted', 'closed') THEN '已整改完毕。' ELSE '' END,
                   NULL,
                   CASE WHEN h.status = 'closed'
                        THEN ((h.deadline - 1) + time '16:00') AT TIME ZONE 'Asia/Shanghai' END,
                   CASE WHEN h.supervised
                        THEN ((h.deadline + 3) + time '09:00') AT TIME ZONE 'Asia/Shanghai' END,
                   CASE WHEN h.supervised AND g %% 2 = 0 THEN %(officer)s END,
                   CASE WHEN h.supervised THEN h.deadline + 10 END,
                   CASE WHEN h.supervised THEN '逾期未整改' ELSE '' END,
                   NULL
            FROM generate_series(0, %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT (%(pool)s::bigint[])[1 + (g + %(shift)s) %% %(np)s] AS institution_id,
                       (%(categories)s::text[])[1 + g %% 7] AS category,
                       (%(texts)s::text[])[1 + (g / 7) %% 7] AS description,
                       %(today)s::date + ((g * 37) %% 150 - 90) AS deadline,
                       CASE WHEN (g * 7) %% 20 < 11 THEN 'closed'
                            WHEN (g * 7) %% 20 < 15 THEN 'open'
                            WHEN (g * 7) %% 20 < 18 THEN 'rectifying'
                            ELSE 'submitted' END AS status) AS h0
            CROSS JOIN LATERAL (
                SELECT h0.*, h0.status <> 'closed' AND h0.deadline < %(today)s::date - 3
                             AND g %% 3 = 0 AS supervised) AS h
            """,
            {
                "n": n,
                "pool": pool,
                "np": len(pool),
                "shift": self.offset,
                "categories": HAZARD_CATEGORIES,
                "texts": HAZARD_TEXTS,
                "today": self.today,
                "officer": self.officer,
            },
        )
        rows += self.sql(
            """
            INSERT INTO inspections_hazardevent (hazard_id, kind, actor_id, note, at)
            SELECT id, 'raised', found_by_id, '', found_at FROM inspections_hazard
            WHERE id > %(floor)s
            UNION ALL
            SELECT id, 'verified', %(officer)s, '现场复核，整改到位。', closed_at
            FROM inspections_hazard WHERE id > %(floor)s AND status = 'closed'
            UNION ALL
            SELECT id, 'supervised', NULL, supervision_reason, supervised_at
            FROM inspections_hazard WHERE id > %(floor)s AND supervised_at IS NOT NULL
            """,
            {"floor": floor, "officer": self.officer},
        )
        rows += self.sql(
            """
            INSERT INTO inspections_hazardphoto (hazard_id, stage, image, uploaded_by_id,
                                                 uploaded_at)
            SELECT id, 'found', 'hazards/' || id || '/found-bench.jpg', found_by_id, found_at
            FROM inspections_hazard WHERE id > %(floor)s AND id %% 10 = 0
            """,
            {"floor": floor},
        )
        return rows

    def inspections(self):
        pool = self._institution_pool()
        versions = self.ids(
            "SELECT id FROM inspections_templateversion WHERE is_published ORDER BY id"
        )
        n = self.counts["inspections"]
        floor = self.floor("inspections_inspection")
        rows = self.sql(
            """
            INSERT INTO inspections_inspection (
                institution_id, version_id, campaign_id, level, due_on, status, inspector_id,
                inspector_name, person_present, submitted_at, score, created_at)
            SELECT i.institution_id, i.version_id, NULL,
                   (ARRAY['self', 'township', 'supervisory'])[1 + g %% 3], i.due_on,
                   i.status,
                   CASE WHEN i.status = 'submitted' THEN %(officer)s END,
                   CASE WHEN i.status = 'submitted' THEN '赵卫东' ELSE '' END,
                   CASE WHEN i.status = 'submitted' THEN '机构安全负责人' ELSE '' END,
                   CASE WHEN i.status = 'submitted'
                        THEN ((i.due_on - 1) + time '10:00') AT TIME ZONE 'Asia/Shanghai' END,
                   CASE WHEN i.status = 'submitted' THEN 80 + g %% 20 END,
                   ((i.due_on - 14) + time '08:00') AT TIME ZONE 'Asia/Shanghai'
            FROM generate_series(0, %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT (%(pool)s::bigint[])[1 + (g + %(shift)s) %% %(np)s] AS institution_id,
                       (%(versions)s::bigint[])[1 + g %% %(nv)s] AS version_id,
                       %(today)s::date + ((g * 13) %% 210 - 180) AS due_on) AS i0
            CROSS JOIN LATERAL (
                SELECT i0.*, CASE WHEN i0.due_on < %(today)s::date AND g %% 5 <> 0
                                  THEN 'submitted' ELSE 'draft' END AS status) AS i
            """,
            {
                "n": n,
                "pool": pool,
                "np": len(pool),
                "shift": self.offset,
                "versions": versions,
                "nv": len(versions),
                "today": self.today,
                "officer": self.officer,
            },
        )
        rows += self.sql(
            """
            INSERT INTO inspections_answer (inspection_id, item_id, value, note, photo,
                                            is_failure, answered_by_id, updated_at)
            SELECT n.id, it.id,
                   CASE it.answer_type
                        WHEN 'pass_fail' THEN 'pass'
                        WHEN 'yes_no' THEN CASE WHEN it.failing_yes_no = 'yes' THEN 'no'
                                                ELSE 'yes' END
                        WHEN 'number' THEN '2'
                        WHEN 'choice' THEN coalesce(it.choices ->> 0, '')
                        WHEN 'text' THEN '已落实'
                        ELSE '' END,
                   '', '', false, n.inspector_id, n.submitted_at
            FROM inspections_inspection n
            JOIN inspections_section s ON s.version_id = n.version_id
            JOIN inspections_item it ON it.section_id = s.id
            WHERE n.id > %(floor)s AND n.status = 'submitted'
            """,
            {"floor": floor},
        )
        return rows

    # -- duty ------------------------------------------------------------------------------

    def duty(self):
        inst_floor = self.floor("institutions_institution")
        post_floor = self.floor("duty_roster_dutypost")
        shift_floor = self.floor("duty_roster_shift")
        rows = self.sql(
            """
            INSERT INTO duty_roster_dutypost (name, kind, township_id, institution_id, phone,
                                              is_active)
            SELECT name || '值班室',
                   CASE WHEN kind IN ('marriage_registry', 'funeral_service') THEN 'holiday'
                        ELSE 'institution' END,
                   township_id, id, safety_officer_phone, true
            FROM institutions_institution
            WHERE id > %(floor)s AND kind <> 'social_work_station'
            ORDER BY id
            """,
            {"floor": inst_floor},
        )
        posts = self.ids(
            "SELECT id FROM duty_roster_dutypost WHERE id > %(floor)s ORDER BY id",
            {"floor": post_floor},
        )
        n = self.counts["shifts"]
        # Consecutive 24-hour shifts at each post, from five days back.
        rows += self.sql(
            """
            INSERT INTO duty_roster_shift (post_id, starts_at, ends_at, leader_id,
                                           handover_note, handover_acknowledged_at,
                                           handover_acknowledged_by_id, submission_token)
            SELECT p.id, s.starts_at, s.starts_at + interval '24 hours', lead.id,
                   CASE WHEN s.starts_at + interval '24 hours' < %(now)s
                        THEN '交接正常，无异常情况。' ELSE '' END,
                   NULL, NULL, NULL
            FROM generate_series(0, %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT (%(posts)s::bigint[])[1 + g %% %(np)s] AS post_id,
                       %(day0)s::timestamptz + make_interval(days => (g / %(np)s)::int - 5)
                         AS starts_at) AS s
            JOIN duty_roster_dutypost p ON p.id = s.post_id
            JOIN institutions_user lead ON lead.username = 'b' || p.institution_id || 'b'
            """,
            {"n": n, "posts": posts, "np": len(posts), "day0": self.day0, "now": self.now},
        )
        rows += self.sql(
            """
            INSERT INTO duty_roster_shift_officers (shift_id, user_id)
            SELECT s.id, u.id FROM duty_roster_shift s
            JOIN duty_roster_dutypost p ON p.id = s.post_id
            JOIN institutions_user u ON u.username = 'b' || p.institution_id || 'a'
            WHERE s.id > %(floor)s
            """,
            {"floor": shift_floor},
        )
        # Attendance: on time mostly, late one in seven, absent (脱岗) one in eleven.
        rows += self.sql(
            """
            INSERT INTO duty_roster_attendance (shift_id, person_id, role, checked_in_at,
                                                checked_out_at, missed_at)
            SELECT a.shift_id, a.person_id, a.role,
                   CASE WHEN a.started AND NOT a.missed THEN a.arrival END,
                   CASE WHEN a.started AND NOT a.missed AND a.ends_at <= %(now)s
                        THEN a.ends_at + interval '3 minutes' END,
                   CASE WHEN a.started AND a.missed
                        THEN a.starts_at + interval '16 minutes' END
            FROM (
                SELECT s.id AS shift_id, x.person_id, x.role, s.starts_at, s.ends_at,
                       s.starts_at + interval '16 minutes' <= %(now)s AS started,
                       (s.id + x.n) %% 11 = 5 AS missed,
                       CASE WHEN (s.id + x.n) %% 7 = 3
                                 AND s.starts_at + interval '47 minutes' <= %(now)s
                            THEN s.starts_at + interval '47 minutes'
                            ELSE s.starts_at - interval '12 minutes' END AS arrival
                FROM duty_roster_shift s
                JOIN duty_roster_shift_officers o ON o.shift_id = s.id
                CROSS JOIN LATERAL (VALUES (s.leader_id, 'leader', 0),
                                           (o.user_id, 'officer', 1)) AS x(person_id, role, n)
                WHERE s.id > %(floor)s
            ) AS a
            """,
            {"floor": shift_floor, "now": self.now},
        )
        return rows

    def daily_reports(self):
        """A report a day from every new residential institution over the demo's period so
        far (seven days back to today): nine in ten filed (today: half), one in ten of those
        after the cut-off, seven in ten of them 零报告, one in twenty corrected once."""
        inst_floor = self.floor("institutions_institution")
        periods = self.ids(
            "SELECT id FROM daily_reports_reportingperiod"
            " WHERE start_date <= %(today)s AND end_date >= %(today)s ORDER BY id LIMIT 1",
            {"today": self.today},
        )
        if not periods:
            return 0
        period = periods[0]
        return self.sql(
            """
            WITH filed AS (
                SELECT i.id AS institution_id, i.township_id, d::date AS day,
                       (i.id + extract(doy FROM d)::int) %% 10 AS luck
                FROM daily_reports_reportingperiod p
                CROSS JOIN generate_series(p.start_date, %(today)s, interval '1 day') AS d
                JOIN institutions_institution i
                  ON i.id > %(floor)s AND p.institution_kinds ? i.kind
                WHERE p.id = %(period)s
            )
            INSERT INTO daily_reports_dailyreport (
                period_id, day, township_id, institution_id, unit, version, is_zero,
                safety_situation, hazards_found, hazards_fixed, fever_cases, positive_tests,
                sent_to_hospital, incidents, incident_notes, duty_in_place, for_the_bureau,
                correction_reason, submitted_at, submitted_by_id, is_late)
            SELECT %(period)s, day, township_id, institution_id, 'i' || institution_id, v,
                   luck < 7, CASE WHEN luck < 7 THEN '' ELSE '消防通道畅通，设施完好' END,
                   (luck = 8)::int, (luck = 8 AND v = 2)::int, (luck = 9)::int, 0, 0, 0, '',
                   true, '', CASE WHEN v = 2 THEN '更正人数' ELSE '' END,
                   (day + CASE WHEN luck = 1 THEN time '17:30' ELSE time '15:00' END
                        + make_interval(mins => v)) AT TIME ZONE 'Asia/Shanghai',
                   %(officer)s, luck = 1
            FROM filed
            CROSS JOIN LATERAL generate_series(1, CASE WHEN institution_id %% 20 = 0
                                                       THEN 2 ELSE 1 END) AS v
            WHERE luck <> 0 AND (day < %(today)s OR luck %% 2 = 1)
            """,
            {"today": self.today, "floor": inst_floor, "period": period, "officer": self.officer},
        )

    def incidents_and_leave(self):
        inst_floor = self.floor("institutions_institution")
        incident_floor = self.floor("duty_roster_incident")
        staff = self.ids(
            "SELECT id FROM institutions_user WHERE username LIKE 'b%%a'"
            " AND institution_id > %(floor)s ORDER BY id",
            {"floor": inst_floor},
        )
        n = self.counts["incidents"]
        rows = self.sql(
            """
            INSERT INTO duty_roster_incident (
                occurred_at, township_id, institution_id, place, category, severity, deaths,
                injuries, summary, actions_taken, who_was_told, reported_by_id, reported_at,
                acknowledged_by_id, acknowledged_at, closed_at, submission_token)
            SELECT x.occurred_at, u.township_id, u.institution_id, '院内' || (1 + g %% 5) || '号楼',
                   (ARRAY['fire', 'gas', 'food', 'casualty', 'missing', 'other'])[1 + g %% 6],
                   (ARRAY['ordinary', 'ordinary', 'ordinary', 'serious', 'major'])[1 + g %% 5],
                   0, g %% 4, '值班员发现异常，及时处置。', '已处置并报告镇政府值班室。',
                   '镇政府值班室', u.id, x.occurred_at + interval '40 minutes',
                   CASE WHEN g %% 10 <> 0 THEN %(officer)s END,
                   CASE WHEN g %% 10 <> 0 THEN x.occurred_at + interval '55 minutes' END,
                   CASE WHEN g %% 3 <> 0 THEN x.occurred_at + interval '1 day' END,
                   NULL
            FROM generate_series(0, %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT (%(staff)s::bigint[])[1 + g %% %(ns)s] AS user_id,
                       %(now)s::timestamptz - make_interval(mins => ((g * 7919) %% 525600)::int
                                                                    + 60) AS occurred_at) AS x
            JOIN institutions_user u ON u.id = x.user_id
            """,
            {"n": n, "staff": staff, "ns": len(staff), "now": self.now, "officer": self.officer},
        )
        rows += self.sql(
            """
            INSERT INTO duty_roster_incidentupdate (incident_id, kind, text, author_id, at)
            SELECT id, 'first', summary, reported_by_id, reported_at FROM duty_roster_incident
            WHERE id > %(floor)s
            UNION ALL
            SELECT id, 'acknowledged', '', acknowledged_by_id, acknowledged_at
            FROM duty_roster_incident WHERE id > %(floor)s AND acknowledged_at IS NOT NULL
            """,
            {"floor": incident_floor},
        )
        n = self.counts["leave_reports"]
        rows += self.sql(
            """
            INSERT INTO duty_roster_leavereport (
                person_id, destination, starts_at, ends_at, reason, contact, approver_id,
                status, decided_at, created_at, submission_token)
            SELECT x.user_id, '驻马店市', x.starts_at, x.starts_at + interval '8 hours',
                   '到市局汇报工作', '13903965678', %(officer)s, x.status,
                   CASE WHEN x.status <> 'pending' THEN x.starts_at - interval '1 day' END,
                   x.starts_at - interval '3 days', NULL
            FROM generate_series(0, %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT (%(staff)s::bigint[])[1 + (g * 3) %% %(ns)s] AS user_id,
                       %(day0)s::timestamptz + make_interval(days => ((g * 31) %% 400)::int - 360)
                         AS starts_at,
                       (ARRAY['approved', 'approved', 'approved', 'rejected', 'pending'])[1 + g %% 5]
                         AS status) AS x
            """,
            {
                "n": n,
                "staff": staff,
                "ns": len(staff),
                "day0": self.day0,
                "officer": self.officer,
            },
        )
        return rows

    # -- relief ----------------------------------------------------------------------------

    def relief(self):
        from config.crypto import convert_columns

        person_floor = self.floor("relief_person")
        application_floor = self.floor("relief_application")
        n = self.counts["people"]
        # ID numbers: a birth day from 1932 on and a sequence from 101 (the demo's are below
        # 100), so they never clash with the demo's or with each other.
        rows = self.sql(
            """
            INSERT INTO relief_person (household_id, township_id, village, address, name,
                                       id_number, id_number_digest, birth_date, sex, phone,
                                       monthly_income, duplicate_status, last_visited_on,
                                       created_at)
            SELECT NULL, x.township_id, x.village, (1 + g %% 120) || '号', x.name,
                   x.first17 || pg_temp.bench_id_check(x.first17), 'bench:' || g, x.born,
                   CASE WHEN x.seq %% 2 = 1 THEN 'male' ELSE 'female' END,
                   '', (ARRAY[0, 0, 300, 450, 600])[1 + g %% 5], '', NULL, %(now)s
            FROM generate_series(%(first)s::int, %(first)s::int + %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT (%(townships)s::bigint[])[1 + g %% %(nt)s] AS township_id,
                       (%(villages)s::text[])[1 + (g / 3) %% 8] AS village,
                       substr(%(surnames)s, (1 + (g * 7) %% 30)::int, 1)
                         || (%(given)s::text[])[1 + (g / 30) %% 10] AS name,
                       date '1932-01-01' + (g * 7) %% 32000 AS born,
                       101 + g / 32000 * 2 + (g %% 2) AS seq) AS x0
            CROSS JOIN LATERAL (
                SELECT x0.*, '411726' || to_char(x0.born, 'YYYYMMDD') || lpad(x0.seq::text, 3, '0')
                         AS first17) AS x
            """,
            {
                "first": self.person_offset,
                "n": n,
                "townships": self.townships,
                "nt": len(self.townships),
                "villages": VILLAGES,
                "surnames": SURNAMES,
                "given": GIVEN,
                "now": self.now,
            },
        )
        # ID numbers (and phones) encrypted, the placeholder digests replaced by real ones.
        convert_columns(
            self.cursor.db,
            "relief_person",
            ["id_number", "phone"],
            digests={"id_number": "id_number_digest"},
            start_after=person_floor,
        )
        rows += self.sql(
            """
            INSERT INTO relief_personcategory (person_id, category, start_date, end_date,
                                               raised_in_institution)
            SELECT p.id,
                   CASE WHEN age < 18 THEN (%(child)s::text[])[1 + p.id %% 4]
                        WHEN age >= 65 THEN (%(elder)s::text[])[1 + p.id %% 4]
                        ELSE (%(adult)s::text[])[1 + p.id %% 4] END,
                   %(today)s::date - (40 + p.id %% 860)::int,
                   CASE WHEN p.id %% 13 = 0 THEN %(today)s::date - (p.id %% 30)::int END,
                   false
            FROM relief_person p
            CROSS JOIN LATERAL (SELECT extract(year FROM age(%(today)s::date, p.birth_date))
                                       AS age) AS a
            WHERE p.id > %(floor)s
            """,
            {
                "floor": person_floor,
                "today": self.today,
                "child": CHILD_CATEGORIES,
                "adult": ADULT_CATEGORIES,
                "elder": ELDER_CATEGORIES,
            },
        )
        rows += self.sql(
            """
            INSERT INTO relief_homevisit (person_id, visitor_id, visited_on, findings, needs,
                                          follow_up, follow_up_owner_id, follow_up_done)
            SELECT p.id, c.id, %(today)s::date - ((p.id * 11) %% 120)::int,
                   '家中取暖设施正常，粮油充足。',
                   CASE WHEN p.id %% 8 = 0 THEN '["supplies"]'::jsonb ELSE '[]'::jsonb END,
                   '', NULL, false
            FROM relief_person p
            JOIN institutions_user c ON c.username = 'bt' || p.township_id || '_0'
            WHERE p.id > %(floor)s AND p.id %% 10 < 7
            """,
            {"floor": person_floor, "today": self.today},
        )
        self.sql(
            """
            UPDATE relief_person p SET last_visited_on = v.visited_on
            FROM relief_homevisit v WHERE v.person_id = p.id AND p.id > %(floor)s
            """,
            {"floor": person_floor},
        )
        temporary = self.value("SELECT id FROM relief_programme WHERE kind = 'one_off' LIMIT 1")
        n = self.counts["applications"]
        rows += self.sql(
            """
            INSERT INTO relief_application (
                person_id, township_id, programme_id, amount, reason, is_emergency, status,
                filed_by_id, reviewed_by_id, decided_by_id, decision_note, filed_at, reviewed_at,
                decided_at, submission_token, earned_income, single_person_coverage,
                employment_cost_deduction)
            SELECT p.id, p.township_id, %(programme)s, 500 + (g %% 10) * 200,
                   '突发重病住院，医疗费用负担重', g %% 9 = 0, x.status, filer.id,
                   CASE WHEN x.status <> 'submitted' THEN reviewer.id END,
                   CASE WHEN x.status IN ('approved', 'returned') THEN %(officer)s END,
                   CASE WHEN x.status = 'rejected' THEN '家庭收入超过救助标准' ELSE '' END,
                   x.filed_at,
                   CASE WHEN x.status <> 'submitted' THEN x.filed_at + interval '2 days' END,
                   CASE WHEN x.status IN ('approved', 'returned', 'rejected')
                        THEN x.filed_at + interval '5 days' END,
                   NULL, 0, false, false
            FROM generate_series(0, %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                -- g / 2, not g: people (and so townships) go by 3g, and g %% 6 would give
                -- half the townships no application waiting for their review.
                SELECT (ARRAY['submitted', 'reviewed', 'approved', 'approved', 'rejected',
                              'returned'])[1 + (g / 2) %% 6] AS status,
                       %(now)s::timestamptz - make_interval(days => ((g * 17) %% 400)::int)
                         AS filed_at) AS x
            JOIN (SELECT id, township_id, row_number() OVER (ORDER BY id) - 1 AS k
                  FROM relief_person WHERE id > %(floor)s) AS p
              ON p.k = (g * 3) %% %(people)s
            JOIN institutions_user filer ON filer.username = 'bt' || p.township_id || '_0'
            JOIN institutions_user reviewer ON reviewer.username = 'bt' || p.township_id || '_1'
            """,
            {
                "n": n,
                "floor": person_floor,
                "people": self.counts["people"],
                "programme": temporary,
                "officer": self.officer,
                "now": self.now,
            },
        )
        rows += self.sql(
            """
            INSERT INTO relief_payment (person_id, programme_id, period, amount, batch_id,
                                        application_id, approved_at)
            SELECT person_id, programme_id, 'A' || id, amount, NULL, id, decided_at
            FROM relief_application WHERE id > %(floor)s AND status = 'approved'
            """,
            {"floor": application_floor},
        )
        rows += self._batches(person_floor)
        return rows

    def _batches(self, person_floor):
        """Six monthly batches of the price subsidy: paid but the current month's draft.
        A second grow() adds its new people's lines to the same batches."""
        programme = self.value(
            "SELECT id FROM relief_programme WHERE kind = 'periodic' ORDER BY id DESC LIMIT 1"
        )
        months = []
        year, month = self.today.year, self.today.month
        for _ in range(BATCH_MONTHS):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        # The demo pays its own batch for the orphan allowance: ours is another programme.
        rows = 0
        for index, period in enumerate(months):
            exists = self.value(
                "SELECT count(*) FROM relief_disbursementbatch"
                " WHERE programme_id = %(p)s AND period = %(period)s",
                {"p": programme, "period": period},
            )
            if not exists:
                paid = index > 0
                rows += self.sql(
                    """
                    INSERT INTO relief_disbursementbatch (
                        programme_id, period, status, total, count, created_by_id,
                        approved_by_id, approved_at, paid_at, method)
                    VALUES (%(p)s, %(period)s, %(status)s, 0, 0, %(officer)s,
                            %(approver)s, %(at)s, %(at)s, %(method)s)
                    """,
                    {
                        "p": programme,
                        "period": period,
                        "status": "paid" if paid else "draft",
                        "officer": self.officer,
                        "approver": self.admin if paid else None,
                        "at": self.now if paid else None,
                        "method": "bank" if paid else "",
                    },
                )
        rows += self.sql(
            """
            INSERT INTO relief_batchline (batch_id, person_id, category, amount, excluded,
                                          exclusion_reason, person_name, village)
            SELECT b.id, c.person_id, c.category, 30, false, '', p.name, p.village
            FROM relief_disbursementbatch b
            JOIN relief_personcategory c ON c.category = ANY(%(categories)s)
                                         AND c.end_date IS NULL
            JOIN relief_person p ON p.id = c.person_id
            WHERE b.programme_id = %(p)s AND b.period = ANY(%(months)s) AND p.id > %(floor)s
            """,
            {
                "p": programme,
                "months": months,
                "floor": person_floor,
                "categories": BATCH_CATEGORIES,
            },
        )
        rows += self.sql(
            """
            INSERT INTO relief_payment (person_id, programme_id, period, amount, batch_id,
                                        application_id, approved_at)
            SELECT l.person_id, b.programme_id, b.period, l.amount, b.id, NULL, b.paid_at
            FROM relief_batchline l JOIN relief_disbursementbatch b ON b.id = l.batch_id
            WHERE b.programme_id = %(p)s AND b.status = 'paid' AND l.person_id > %(floor)s
            """,
            {"p": programme, "floor": person_floor},
        )
        self.sql(
            """
            UPDATE relief_disbursementbatch b SET total = t.total, count = t.count
            FROM (SELECT batch_id, sum(amount) AS total, count(*) AS count
                  FROM relief_batchline WHERE NOT excluded GROUP BY batch_id) AS t
            WHERE t.batch_id = b.id AND b.programme_id = %(p)s
            """,
            {"p": programme},
        )
        return rows

    # -- preparedness and epidemic ----------------------------------------------------------

    def preparedness(self):
        """Plans, supplies, drills and responsibility records of the new institutions."""
        from institutions.models import RESIDENTIAL_KINDS
        from preparedness.models import BASIC_PLAN_KINDS

        floor = self.floor("institutions_institution")
        params = {
            "floor": floor,
            "today": self.today,
            "now": self.now,
            "officer": self.officer,
            "residential": sorted(RESIDENTIAL_KINDS),
            "basic": list(BASIC_PLAN_KINDS),
        }
        # The kinds an institution must keep, one in six missing; approved up to 15 months
        # ago and reviewed yearly, so about one in five is overdue. One in five has an
        # earlier version (version 2 current, version 1 kept).
        plans = """
            FROM institutions_institution i
            CROSS JOIN (VALUES ('fire', '消防应急疏散预案', 1), ('infection', '传染病应急预案', 2),
                               ('one_policy', '一院一策', 3), ('winter', '冬季及极端天气预案', 4))
                 AS k(kind, title, n)
            CROSS JOIN LATERAL (
                SELECT %(today)s::date - ((i.id * 37 + k.n * 101) %% 450)::int AS approved_on,
                       (i.id + k.n) %% 5 = 0 AS revised) AS a
            WHERE i.id > %(floor)s AND (i.id + k.n) %% 6 <> 0
              AND (i.kind = ANY(%(residential)s) OR k.kind = ANY(%(basic)s))
        """
        columns = """
            (kind, version, is_current, title, owner, owner_phone, approved_on, review_on,
             document, residents_unable_to_walk, evacuation_assignments, designated_hospital,
             emergency_channel, cooperation_agreement, notes, created_at, created_by_id,
             institution_id)
        """
        rows = self.sql(
            f"""
            INSERT INTO preparedness_plan {columns}
            SELECT k.kind, CASE WHEN a.revised THEN 2 ELSE 1 END, true, k.title,
                   i.safety_officer, '', a.approved_on, a.approved_on + 365, '',
                   CASE WHEN k.kind = 'fire' THEN i.residents_aged_80_plus END,
                   CASE WHEN k.kind = 'fire' THEN '每名护理员负责三名失能老人' ELSE '' END,
                   i.designated_hospital, '', '', '', %(now)s, %(officer)s, i.id
            {plans}
            """,
            params,
        )
        rows += self.sql(
            f"""
            INSERT INTO preparedness_plan {columns}
            SELECT k.kind, 1, false, k.title, i.safety_officer, '', a.approved_on - 365,
                   a.approved_on, '', NULL, '', '', '', '', '', %(now)s, %(officer)s, i.id
            {plans} AND a.revised
            """,
            params,
        )
        # Three lines each: extinguishers (one in four short of the minimum), emergency
        # lights, and antigen kits (a residential home) or masks, one in six expired.
        rows += self.sql(
            """
            INSERT INTO preparedness_supply (kind, description, quantity, unit,
                                             minimum_quantity, location, last_inspected_on,
                                             expires_on, is_active, updated_at, institution_id,
                                             updated_by_id)
            SELECT l.kind, l.description, l.quantity, l.unit, l.minimum, l.location,
                   %(today)s::date - ((i.id * 13 + l.n) %% 200)::int,
                   CASE WHEN l.expires THEN %(today)s::date + ((i.id * 7 + l.n) %% 720 - 120)::int
                   END,
                   true, %(now)s, i.id, %(officer)s
            FROM institutions_institution i
            CROSS JOIN LATERAL (VALUES
                ('extinguisher', '干粉灭火器 4kg', 4 + (i.id * 3) %% 12, '具', 6, '各楼层走廊',
                 true, 1),
                ('emergency_light', '', 10 + i.id %% 20, '盏', 8, '疏散通道', false, 2),
                (CASE WHEN i.kind = ANY(%(residential)s) THEN 'antigen_kits' ELSE 'masks' END,
                 '', 50 + (i.id * 7) %% 200, '份', 60, '医务室', true, 3)
            ) AS l(kind, description, quantity, unit, minimum, location, expires, n)
            WHERE i.id > %(floor)s
            """,
            params,
        )
        # Two drills in the last year for six in seven residential homes: the others are
        # the "not drilled" list.
        rows += self.sql(
            """
            INSERT INTO preparedness_drill (held_on, kind, scenario, staff_count,
                                            residents_count, evacuation_seconds, problems,
                                            created_at, hazard_id, institution_id,
                                            recorded_by_id, submission_token)
            SELECT d.held_on, d.kind, '夜间厨房起火，组织全员疏散', 8 + i.id %% 10,
                   i.residents / 2,
                   CASE WHEN d.kind = 'fire_evacuation' THEN 180 + (i.id * 11) %% 300 END,
                   CASE WHEN i.id %% 4 = 0 THEN '部分失能老人转移较慢' ELSE '' END,
                   %(now)s, NULL, i.id, %(officer)s, NULL
            FROM institutions_institution i
            CROSS JOIN generate_series(0, 1) AS n
            CROSS JOIN LATERAL (
                SELECT %(today)s::date - ((i.id * 17 + n * 180) %% 360)::int AS held_on,
                       (ARRAY['fire_evacuation', 'infection', 'extreme_weather', 'training'])
                         [1 + (i.id + n) %% 4] AS kind) AS d
            WHERE i.id > %(floor)s AND i.kind = ANY(%(residential)s) AND i.id %% 7 <> 0
            """,
            params,
        )
        # This year's record for nine in ten (signed letters on file for none: the files are
        # not made here), last year's for all.
        rows += self.sql(
            """
            INSERT INTO preparedness_responsibility (
                year, institution_head, institution_head_phone, township_official,
                township_official_phone, bureau_contact, bureau_contact_phone, letter,
                signed_on, updated_at, institution_id, updated_by_id)
            SELECT y.year, i.legal_representative, '13903960001',
                   CASE WHEN i.id %% 8 = 0 THEN '' ELSE '刘镇长' END, '13903960002',
                   '赵卫东', '13903960003', '',
                   CASE WHEN i.id %% 5 <> 0 THEN make_date(y.year, 2, 1) END,
                   %(now)s, i.id, %(officer)s
            FROM institutions_institution i
            CROSS JOIN (VALUES (%(year)s - 1), (%(year)s)) AS y(year)
            WHERE i.id > %(floor)s AND (y.year < %(year)s OR i.id %% 10 <> 0)
            """,
            {**params, "year": self.today.year},
        )
        return rows

    def epidemic(self):
        """A weekly report from each new home of the reporting kinds for the last eight
        weeks (this week's from three in four so far; one in fifteen weeks missed), and a
        follow-up for each report with positives (open for the last two weeks')."""
        from epidemic.models import reporting_kinds, this_week

        monday = this_week()
        params = {
            "floor": self.floor("institutions_institution"),
            "kinds": [str(kind) for kind in reporting_kinds()],
            "monday": monday,
            "weeks": EPIDEMIC_WEEKS,
            "now": self.now,
            "report_floor": self.value("SELECT coalesce(max(id), 0) FROM epidemic_weeklyreport"),
        }
        rows = self.sql(
            """
            INSERT INTO epidemic_weeklyreport (
                week, residents, residents_tested, residents_positive, staff_tested,
                staff_positive, sent_to_hospital, hospital, referred_80_plus, deaths,
                doses_given, residents_vaccinated, antigen_kits_received, antigen_kits_given,
                notes, submitted_at, updated_at, institution_id, submitted_by_id, township_id,
                updated_by_id)
            SELECT r.week, i.residents, i.residents / 2, r.positive, 10, 0,
                   least(r.positive, 1), CASE WHEN r.positive > 0 THEN i.designated_hospital
                                              ELSE '' END,
                   least(r.positive, 1), 0, i.residents / 10, i.residents * 4 / 5, 20, 10, '',
                   (r.week + 4 + time '15:00') AT TIME ZONE 'Asia/Shanghai',
                   (r.week + 4 + time '15:00') AT TIME ZONE 'Asia/Shanghai',
                   i.id, u.id, i.township_id, u.id
            FROM institutions_institution i
            JOIN institutions_user u ON u.username = 'b' || i.id || 'a'
            CROSS JOIN generate_series(0, %(weeks)s - 1) AS w
            CROSS JOIN LATERAL (
                SELECT %(monday)s::date - 7 * w AS week,
                       CASE WHEN (i.id + w) %% 23 = 0 AND i.residents >= 4 THEN 2 ELSE 0 END
                         AS positive) AS r
            WHERE i.id > %(floor)s AND i.kind = ANY(%(kinds)s)
              AND NOT (w = 0 AND i.id %% 4 = 0) AND (i.id * 3 + w) %% 15 <> 0
            """,
            params,
        )
        rows += self.sql(
            """
            INSERT INTO epidemic_followup (positives, status, opened_at, closed_at,
                                           closing_note, closed_by_id, institution_id,
                                           township_id, report_id)
            SELECT r.residents_positive + r.staff_positive, f.status, r.submitted_at,
                   CASE WHEN f.status = 'closed' THEN r.submitted_at + interval '5 days' END,
                   CASE WHEN f.status = 'closed' THEN '已隔离治疗，复检阴性' ELSE '' END,
                   CASE WHEN f.status = 'closed' THEN r.submitted_by_id END,
                   r.institution_id, r.township_id, r.id
            FROM epidemic_weeklyreport r
            CROSS JOIN LATERAL (
                SELECT CASE WHEN r.week >= %(monday)s::date - 7 THEN 'open' ELSE 'closed' END
                         AS status) AS f
            WHERE r.id > %(report_floor)s AND r.residents_positive + r.staff_positive > 0
            """,
            params,
        )
        return rows

    # -- supervision: spot checks, accountability, inspections that disagree ---------------

    def supervision(self):
        post_floor = self.floor("duty_roster_dutypost")
        check_floor = self.floor("duty_roster_spotcheck")
        posts = self.ids(
            "SELECT id FROM duty_roster_dutypost WHERE id > %(floor)s ORDER BY id",
            {"floor": post_floor},
        )
        # One in five failed (nobody there, or the leader away); half of the failed ones
        # answered by the township, a quarter closed.
        rows = self.sql(
            """
            INSERT INTO duty_roster_spotcheck (
                checked_at, method, answered_by, leader_present, officers_present, result,
                findings, created_at, response, responded_at, closing_note, closed_at,
                submission_token, checked_by_id, closed_by_id, post_id, responded_by_id,
                shift_id)
            SELECT x.at, (ARRAY['phone', 'phone', 'video', 'visit'])[1 + g %% 4],
                   CASE WHEN x.failed AND g %% 2 = 0 THEN '' ELSE '值班员' END,
                   NOT (x.failed AND g %% 2 = 1), NOT x.failed,
                   CASE WHEN x.failed THEN 'failed' ELSE 'passed' END,
                   CASE WHEN x.failed THEN '电话无人接听' ELSE '' END, x.at,
                   CASE WHEN x.answered THEN '值班员临时外出，已批评教育' ELSE '' END,
                   CASE WHEN x.answered THEN x.at + interval '1 day' END,
                   CASE WHEN x.closed THEN '整改到位' ELSE '' END,
                   CASE WHEN x.closed THEN x.at + interval '3 days' END,
                   NULL, %(officer)s, CASE WHEN x.closed THEN %(officer)s END,
                   (%(posts)s::bigint[])[1 + (g * 7) %% %(np)s], NULL, NULL
            FROM generate_series(0, %(n)s::int - 1) AS g
            CROSS JOIN LATERAL (
                SELECT %(now)s::timestamptz - make_interval(mins => ((g * 7919) %% 172800)::int)
                         AS at,
                       g %% 5 = 0 AS failed,
                       g %% 10 = 0 AS answered,
                       g %% 20 = 0 AS closed) AS x
            """,
            {
                "n": self.counts["spot_checks"],
                "posts": posts,
                "np": len(posts),
                "now": self.now,
                "officer": self.officer,
            },
        )
        # Spot-check cases from those this run made; the rest from overdue major hazards.
        n = self.counts["cases"]
        case_columns = """
            (ground, person_name, person_position, fact, decision, decision_other, decided_on,
             opened_at, submission_token, hazard_id, incident_id, institution_id,
             opened_by_id, spot_check_id, township_id)
        """
        decisions = "(ARRAY['education', 'circulated', 'talk', 'admonition', 'referred'])"
        rows += self.sql(
            f"""
            INSERT INTO accountability_case {case_columns}
            SELECT 'spot_check', '张某', '值班员', '抽查时脱岗', {decisions}[1 + c.id %% 5], '',
                   (c.checked_at + interval '5 days')::date, c.checked_at + interval '5 days',
                   NULL, NULL, NULL, p.institution_id, %(officer)s, c.id, p.township_id
            FROM duty_roster_spotcheck c JOIN duty_roster_dutypost p ON p.id = c.post_id
            WHERE c.id > %(floor)s AND c.result = 'failed'
            ORDER BY c.id LIMIT %(half)s
            """,  # noqa: S608 - the statement's parts are ours
            {"floor": check_floor, "half": n // 2, "officer": self.officer},
        )
        rows += self.sql(
            f"""
            INSERT INTO accountability_case {case_columns}
            SELECT 'hazard', '李某', '安全负责人', '重大隐患逾期未整改',
                   {decisions}[1 + h.id %% 5], '', h.deadline + 10,
                   (h.deadline + 10 + time '10:00') AT TIME ZONE 'Asia/Shanghai',
                   NULL, h.id, NULL, h.institution_id, %(officer)s, NULL, i.township_id
            FROM inspections_hazard h JOIN institutions_institution i ON i.id = h.institution_id
            WHERE h.id > %(floor)s AND h.severity = 'major' AND h.deadline < %(today)s::date - 10
            ORDER BY h.id LIMIT %(rest)s
            """,  # noqa: S608 - the statement's parts are ours
            {
                "floor": self.floor("inspections_hazard"),
                "rest": n - n // 2,
                "today": self.today,
                "officer": self.officer,
            },
        )
        # The township's and the bureau's inspections fail an item in one answer in seven.
        rows += self.sql(
            """
            UPDATE inspections_answer a SET value = 'fail', is_failure = true
            FROM inspections_inspection n, inspections_item it
            WHERE n.id = a.inspection_id AND it.id = a.item_id AND n.id > %(floor)s
              AND n.level IN ('township', 'supervisory') AND it.answer_type = 'pass_fail'
              AND a.id %% 7 = 0
            """,
            {"floor": self.floor("inspections_inspection")},
        )
        return rows

    # -- relief's notice, children, monitoring -------------------------------------------

    def relief_follow_ups(self):
        person_floor = self.floor("relief_person")
        params = {
            "person_floor": person_floor,
            "application_floor": self.floor("relief_application"),
            "today": self.today,
            "now": self.now,
            "officer": self.officer,
        }
        # 公示 of seven days, started up to ten days ago: most still posted.
        rows = self.sql(
            """
            UPDATE relief_application
            SET notice_starts_on = %(today)s::date - (id %% 10)::int,
                notice_ends_on = %(today)s::date - (id %% 10)::int + 7
            WHERE id > %(application_floor)s AND status = 'approved' AND id %% 3 = 0
            """,
            params,
        )
        rows += self.sql(
            """
            INSERT INTO relief_noticeobjection (objector, content, raised_on, recorded_at,
                                                status, resolved_at, resolution, application_id,
                                                recorded_by_id, resolved_by_id)
            SELECT '村民', '申请人家中有经营性收入', a.notice_starts_on + 1, %(now)s, 'open',
                   NULL, '', a.id, u.id, NULL
            FROM relief_application a
            JOIN institutions_user u ON u.username = 'bt' || a.township_id || '_0'
            WHERE a.id > %(application_floor)s AND a.notice_starts_on IS NOT NULL
              AND a.id %% 30 = 0
            """,
            params,
        )
        # A recognition for one in four children, in every state: found, checked by the
        # township, decided by the bureau.
        rows += self.sql(
            """
            INSERT INTO relief_childrecognition (
                kind, raised_in_institution, reporter_name, found_on, circumstances,
                recorded_at, status, checked_at, check_note, decided_at, decision_note,
                category_id, checked_by_id, decided_by_id, person_id, recorded_by_id,
                township_id)
            SELECT CASE WHEN p.id %% 3 = 0 THEN 'orphan' ELSE 'unsupported_child' END,
                   false, '村委会', r.found_on, '父母一方死亡，另一方失联',
                   r.found_on + time '10:00', r.status,
                   CASE WHEN r.status <> 'found' THEN r.found_on + 3 + time '10:00' END,
                   CASE WHEN r.status <> 'found' THEN '入户核实属实' ELSE '' END,
                   CASE WHEN r.status IN ('approved', 'refused')
                        THEN r.found_on + 10 + time '10:00' END,
                   CASE WHEN r.status = 'refused' THEN '监护人有抚养能力' ELSE '' END,
                   NULL,
                   CASE WHEN r.status <> 'found' THEN checker.id END,
                   CASE WHEN r.status IN ('approved', 'refused') THEN %(officer)s END,
                   p.id, clerk.id, p.township_id
            FROM relief_person p
            JOIN institutions_user clerk ON clerk.username = 'bt' || p.township_id || '_0'
            JOIN institutions_user checker ON checker.username = 'bt' || p.township_id || '_1'
            CROSS JOIN LATERAL (
                SELECT %(today)s::date - (p.id %% 200)::int AS found_on,
                       (ARRAY['found', 'checked', 'approved', 'refused'])[1 + (p.id / 4) %% 4]
                         AS status) AS r
            WHERE p.id > %(person_floor)s AND p.id %% 4 = 0
              AND p.birth_date > %(today)s::date - interval '18 years'
            """,
            params,
        )
        # A monitoring flag for one in twenty people, reviewed every 90 days (some overdue),
        # one in three of them closed.
        rows += self.sql(
            """
            INSERT INTO relief_monitoringflag (reason, note, flagged_on, review_on,
                                               last_review_note, closed_on, closed_by_id,
                                               flagged_by_id, person_id, township_id)
            SELECT (ARRAY['relapse_risk', 'dibao_edge', 'rigid_spending'])[1 + (p.id / 20) %% 3],
                   '家庭成员患重病，医疗支出大', f.flagged_on, f.flagged_on + 90, '',
                   CASE WHEN p.id %% 60 = 0 THEN f.flagged_on + 60 END,
                   CASE WHEN p.id %% 60 = 0 THEN %(officer)s END,
                   clerk.id, p.id, p.township_id
            FROM relief_person p
            JOIN institutions_user clerk ON clerk.username = 'bt' || p.township_id || '_0'
            CROSS JOIN LATERAL (SELECT %(today)s::date - (p.id %% 150)::int AS flagged_on) AS f
            WHERE p.id > %(person_floor)s AND p.id %% 20 = 0
            """,
            params,
        )
        return rows

    # -- history ---------------------------------------------------------------------------

    def history(self):
        from django.apps import apps

        rows = 0
        for label in HISTORY_MODELS:
            model = apps.get_model(label)
            table = model._meta.db_table
            history = model.history.model
            base_columns = {f.column for f in model._meta.concrete_fields}
            columns = [
                f.column
                for f in history._meta.concrete_fields
                if f.column in base_columns  # the tracked fields, id included
            ]
            listed = ", ".join(columns)
            floor = self.floors.get(table)
            if floor is None:
                continue
            # Every new row was created; every second one (every hazard) changed since.
            changed = "true" if label == "inspections.Hazard" else "id % 2 = 0"
            rows += self.sql(
                f"""
                INSERT INTO {history._meta.db_table}
                    ({listed}, history_date, history_change_reason, history_type,
                     history_user_id)
                SELECT {listed}, %(at)s, NULL, '+', NULL FROM {table} WHERE id > %(floor)s
                UNION ALL
                SELECT {listed}, %(now)s, NULL, '~', %(officer)s FROM {table}
                WHERE id > %(floor)s AND {changed.replace("%", "%%")}
                """,  # noqa: S608 - tables and columns from the models
                {
                    "floor": floor,
                    "at": self.now - datetime.timedelta(days=30),
                    "now": self.now,
                    "officer": self.officer,
                },
            )
        return rows

    def analyze(self):
        self.sql("ANALYZE")
        return 0


def grow(scale, stdout=None):
    """Add `scale` units of proportionate data to a database the demo was seeded into."""
    stdout = stdout or io.StringIO()
    builder = _Builder(scale, stdout)
    builder.setup()
    builder.step("institutions", builder.institutions)
    builder.step("staff and clerks", builder.users)
    builder.step("hazards, events, photos", builder.hazards)
    builder.step("inspections and answers", builder.inspections)
    builder.step("posts, shifts, officers, attendance", builder.duty)
    builder.step("incidents, reports, leave", builder.incidents_and_leave)
    builder.step("daily reports", builder.daily_reports)
    builder.step("people, categories, visits, applications, batches", builder.relief)
    builder.step("plans, supplies, drills, responsibility", builder.preparedness)
    builder.step("weekly epidemic reports, follow-ups", builder.epidemic)
    builder.step("spot checks, cases, failed items", builder.supervision)
    builder.step("public notice, children, monitoring", builder.relief_follow_ups)
    builder.step("history", builder.history)
    builder.step("analyze", builder.analyze)
    return builder.counts


def build(scale, stdout=None):
    """Seed the demo county into the current (empty, migrated) database, then grow it."""
    from django.core.management import call_command
    from django.db import transaction

    stdout = stdout or io.StringIO()
    start = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    stdout.write(f"  seed_demo: {time.perf_counter() - start:.1f} s\n")
    with transaction.atomic():
        counts = grow(scale, stdout)
    stdout.write(f"built {scale:g}× in {time.perf_counter() - start:.1f} s\n")
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="migrate and fill DATABASE_URL's own (empty) database instead of test_<name>",
    )
    args = parser.parse_args()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench_data needs PostgreSQL: set DATABASE_URL")
    if args.in_place:
        call_command("migrate", verbosity=0, interactive=False)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    build(args.scale, stdout=sys.stdout)
    print(f"kept database {connection.settings_dict['NAME']}")


if __name__ == "__main__":
    main()
