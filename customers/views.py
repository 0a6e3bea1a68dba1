from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


till = till_lookup = sale = customer_list = customer_create = customer_detail = _todo
customer_edit = contact_create = purchase_detail = _todo
