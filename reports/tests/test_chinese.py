import pytest

pytestmark = pytest.mark.django_db


def test_the_dashboard_speaks_chinese_by_default(summarised, client_for, manager_a):
    page = client_for(manager_a).get("/reports/store/").content.decode()
    assert "回访完成率" in page and "资料采集率" in page and "店员数据" in page


def test_the_analysis_pages_speak_chinese(summarised, client_for, head_office):
    client = client_for(head_office)
    assert "流失率" in client.get("/reports/churn/").content.decode()
    assert "重要客户" in client.get("/reports/classes/", {"period": "2025Q1"}).content.decode()
    assert "2025年第1季度" in client.get("/reports/evaluation/").content.decode()
