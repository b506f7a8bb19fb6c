"""CRM business rules as `async def f(session, ...)` functions; the caller owns the transaction.

Every service works inside the session it is given and never commits: it reads, changes and
flushes. The caller makes the unit of work, once per request or action:

    async with sessionmaker() as session, session.begin():
        view = await cancel_order(session, customer_id, "KF-500001")

so a raised CrmError rolls everything back and a failure never leaves half a change behind.
Services take and return plain values and frozen views (crm_store.views), never ORM objects.
"""
