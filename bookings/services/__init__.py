"""Every write of the bookings app. Each concern has its own module:

- holds: hold, confirm, cancel and expire bookings
- capacity: the session seat counter (take, release, audit)
- outbox: messages written with a state change and delivered after commit
- idempotency: replaying the first answer to a repeated request
"""
