"""Follow-up workflows, one module per concern:

- ``plans``: the tasks a purchase creates, ad-hoc callbacks, a manager's changes
- ``greetings``: birthdays, anniversaries and holidays
- ``messages``: message text and placeholders, opt-out
- ``outbox``: queuing due SMS and sending them exactly once
- ``worklist``: the clerk's list and the outcomes recorded from it
- ``damping``: quarterly cadence for customers whose callbacks bring no points growth
"""
