"""The till's fetch of one customer: what ``visible_one_to`` gives, in one query."""

from customers.models import Customer, CustomerStoreShare


def fetched(user, customer):
    return Customer.objects.one_visible_to(user, customer.pk)


def test_it_gives_a_clerk_their_stores_customer_with_every_field(clerk_a, customer_a, django_assert_num_queries):
    assert clerk_a.staff.store_id  # the session's user comes with the profile
    with django_assert_num_queries(1):
        found = fetched(clerk_a, customer_a)
    on_file = Customer.objects.get(pk=customer_a.pk)
    assert [getattr(found, f.attname) for f in Customer._meta.concrete_fields] == [
        getattr(on_file, f.attname) for f in Customer._meta.concrete_fields
    ]
    assert not found._state.adding and found._state.db == "default"


def test_it_gives_nothing_of_another_store(clerk_b, manager_b, customer_a):
    assert fetched(clerk_b, customer_a) is None
    assert fetched(manager_b, customer_a) is None


def test_it_gives_another_stores_customer_shared_with_the_store(clerk_a, clerk_b, customer_a, store_b):
    CustomerStoreShare.objects.create(customer=customer_a, store=store_b)
    assert fetched(clerk_b, customer_a) == customer_a
    assert fetched(clerk_a, customer_a) == customer_a


def test_it_answers_as_visible_one_to_for_head_office_and_supervisors(head_office, supervisor, customer_a, customer_b):
    for user in (head_office, supervisor):
        for customer in (customer_a, customer_b):
            expected = Customer.objects.visible_one_to(user).filter(pk=customer.pk).first()
            assert fetched(user, customer) == expected


def test_it_keeps_the_querysets_own_filter(clerk_a, customer_a):
    assert Customer.objects.filter(tier="A").one_visible_to(clerk_a, customer_a.pk) is None


def test_it_gives_nothing_for_a_missing_customer(clerk_a, customer_a):
    assert Customer.objects.one_visible_to(clerk_a, customer_a.pk + 1000) is None
