"""Workbooks built in the tests: the template's headers and rows of our choosing."""

import datetime
import io

from openpyxl import Workbook, load_workbook

from imports.services import KINDS
from institutions.validators import credit_code_check_character
from relief.validators import check_character


def credit_code(n):
    first17 = f"52411726{n:09d}"
    return first17 + credit_code_check_character(first17)


def id_number(n):
    """A valid number; distinct for n up to 36,500 × 500."""
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=n // 500)
    first17 = f"411726{born:%Y%m%d}{n % 500 * 2:03d}"[:17]
    return first17 + check_character(first17)


def headers(kind):
    return [label for label, _accepted in KINDS[kind].headers()]


def institution_row(n, township="羊册镇", **overrides):
    values = {
        "name": f"导入敬老院{n}",
        "kind": "养老机构",
        "operator": "公办",
        "township": township,
        "credit_code": credit_code(n),
        "fire_risk_level": "",
        "address": "羊册镇政府街 1 号",
        "legal_representative": "张建国",
        "legal_representative_phone": "13803960001",
        "safety_officer": "李明",
        "safety_officer_phone": "0396-7921234",
        "beds": 100,
        "residents": 80,
        "residents_aged_80_plus": 20,
        "designated_hospital": "泌阳县人民医院",
        "designated_hospital_level": "二级医院",
        "designated_hospital_phone": "",
        "has_sandwich_panels": "否",
        "building_notes": "",
    }
    values.update(overrides)
    return [values[column.name] for column in KINDS["institutions"].columns]


def person_row(n, township="羊册镇", **overrides):
    values = {
        "name": f"王{n}",
        "id_number": id_number(n),
        "township": township,
        "village": "古城村",
        "address": "古城村三组",
        "phone": "13803960002",
        "monthly_income": "0",
        "categories": "特困、孤寡/独居老人",
        "start_date": datetime.date(2024, 1, 1),
        "end_date": "",
    }
    values.update(overrides)
    return [values[column.name] for column in KINDS["people"].columns]


def workbook_bytes(header_row, rows, build=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header_row)
    for row in rows:
        sheet.append(row)
    if build:
        build(sheet)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(data, name="import.xlsx"):
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def read_back(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]
