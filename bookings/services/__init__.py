"""Every write of the bookings app. Each concern has its own module:

- holds: hold, confirm, cancel and expire bookings
- capacity: the session seat counter (take, release, audit)
- outbox: messages written with a state change and delivered after commit
- idempotency: replaying the first answer to a repeated request
- waitlist: waiting parties and the offers of freed seats (triggers: after-commit advances)
- go_no_go: minimum participants decided at each class's cutoff
- reminders: the day-before and 2-hours-before reminders
- digests: the owners' daily 7-day digest
"""
