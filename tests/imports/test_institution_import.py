"""Institutions from a workbook: each row through the registration form, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from imports.services import KINDS, run_import
from institutions.models import FireRiskLevel, Institution
from tests.factories import InstitutionFactory
from tests.imports.helpers import credit_code, institution_row

pytestmark = pytest.mark.django_db
KIND = KINDS["institutions"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def rows(*values):
    return [(number, row) for number, row in enumerate(values, start=2)]


def errors_of(checked):
    return [(error.row, error.column, error.message) for error in checked.errors]


def test_valid_rows_are_registered_with_the_forms_defaults(officer, township1):
    checked, outcome = run_import(
        kind=KIND, user=officer, rows=rows(institution_row(1), institution_row(2))
    )
    assert (outcome.created, outcome.written, checked.errors) == (2, True, [])
    institution = Institution.objects.get(credit_code=credit_code(1))
    assert institution.township == township1
    assert institution.kind == "elderly_care"
    # Left empty, an elderly-care institution counts as high risk, as the form does it.
    assert institution.fire_risk_level == FireRiskLevel.HIGH
    assert institution.history.count() == 1


def test_a_township_is_found_by_its_division_code(officer, township1):
    run_import(kind=KIND, user=officer, rows=rows(institution_row(1, township="411726102")))
    assert Institution.objects.get(credit_code=credit_code(1)).township == township1


def test_each_bad_cell_is_named_with_the_reason_in_chinese(officer, township1):
    bad = institution_row(
        1,
        credit_code="12345",
        legal_representative_phone="12345",
        township="不存在镇",
        kind="火箭发射场",
        residents=10,
        residents_aged_80_plus=20,
    )
    checked, outcome = run_import(kind=KIND, user=officer, rows=rows(bad))
    found = {(column, message) for _row, column, message in errors_of(checked)}
    columns = {column for column, _message in found}
    assert {"统一社会信用代码", "法定代表人电话", "乡镇（名称或区划代码）", "机构类型"} <= columns
    assert "80岁以上人数" in columns
    assert ("统一社会信用代码", "统一社会信用代码应为 18 位，此代码为 5 位。") in found or any(
        "18" in message for column, message in found if column == "统一社会信用代码"
    )
    assert any("不存在镇" in message for _c, message in found)
    assert not outcome.written and Institution.objects.count() == 0


def test_a_credit_code_is_required_on_import(officer, township1):
    checked, _outcome = run_import(
        kind=KIND, user=officer, rows=rows(institution_row(1, credit_code=""))
    )
    assert [column for _row, column, _m in errors_of(checked)] == ["统一社会信用代码"]


def test_one_bad_row_writes_nothing(officer, township1):
    checked, outcome = run_import(
        kind=KIND,
        user=officer,
        rows=rows(institution_row(1), institution_row(2, safety_officer_phone="abc")),
    )
    assert not outcome.written
    assert [row for row, _c, _m in errors_of(checked)] == [3]
    assert Institution.objects.count() == 0


def test_valid_rows_only_imports_the_others(officer, township1):
    _checked, outcome = run_import(
        kind=KIND,
        user=officer,
        rows=rows(institution_row(1), institution_row(2, safety_officer_phone="abc")),
        valid_only=True,
    )
    assert (outcome.created, outcome.rejected, outcome.written) == (1, 1, True)
    assert list(Institution.objects.values_list("credit_code", flat=True)) == [credit_code(1)]


def test_a_repeated_credit_code_or_name_in_the_file_is_an_error(officer, township1):
    checked, _outcome = run_import(
        kind=KIND,
        user=officer,
        rows=rows(
            institution_row(1),
            institution_row(2, credit_code=credit_code(1)),
            institution_row(3, name="导入敬老院1"),
        ),
    )
    assert errors_of(checked) == [
        (3, "统一社会信用代码", "与本文件第 2 行重复。"),
        (4, "机构名称", "与本文件第 2 行重复。"),
    ]


def test_a_name_taken_in_the_database_is_an_error(officer, township1):
    InstitutionFactory(name="导入敬老院1", township=township1)
    checked, _outcome = run_import(kind=KIND, user=officer, rows=rows(institution_row(1)))
    assert errors_of(checked) == [(2, "机构名称", "已有同名机构登记。")]


def test_importing_the_same_file_twice_changes_nothing(officer, township1):
    file = rows(institution_row(1), institution_row(2))
    run_import(kind=KIND, user=officer, rows=file)
    before = list(Institution.objects.order_by("pk").values())
    checked, outcome = run_import(kind=KIND, user=officer, rows=file)
    assert (outcome.created, outcome.existing, checked.errors) == (0, 2, [])
    assert list(Institution.objects.order_by("pk").values()) == before


def test_an_edited_institution_is_not_overwritten_by_a_reimport(officer, township1):
    file = rows(institution_row(1))
    run_import(kind=KIND, user=officer, rows=file)
    Institution.objects.update(beds=999)
    run_import(kind=KIND, user=officer, rows=file)
    assert Institution.objects.get().beds == 999


def test_a_clerk_cannot_import_into_another_township(town1, township1, township2):
    checked, outcome = run_import(
        kind=KIND, user=town1, rows=rows(institution_row(1, township="马谷田镇"))
    )
    assert not outcome.written
    assert errors_of(checked)[0][1] == "乡镇（名称或区划代码）"


def test_a_clerk_is_told_a_credit_code_of_another_township_is_taken(town1, institution2):
    row = institution_row(1, credit_code=institution2.credit_code)
    checked, _outcome = run_import(kind=KIND, user=town1, rows=rows(row))
    assert errors_of(checked) == [
        (2, "统一社会信用代码", "已有其他机构使用此统一社会信用代码登记。")
    ]


def test_institution_staff_may_not_import(inst1):
    with pytest.raises(PermissionDenied):
        run_import(kind=KIND, user=inst1, rows=rows(institution_row(1)))


def test_queries_do_not_grow_with_rows(officer, township1, django_assert_max_num_queries):
    with CaptureCount() as small:
        run_import(kind=KIND, user=officer, rows=rows(*[institution_row(n) for n in range(5)]))
    with django_assert_max_num_queries(small.count):
        run_import(
            kind=KIND, user=officer, rows=rows(*[institution_row(n) for n in range(100, 150)])
        )


class CaptureCount:
    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        self.count = len(self.context.captured_queries)
