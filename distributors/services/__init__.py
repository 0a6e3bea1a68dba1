"""Every write of the distributors app: accounts and their pipeline (``accounts``), the
contract review (``contracts``), service by class (``rhythm``)."""
