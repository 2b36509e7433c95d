"""Every write of the workshops app (a host's or a coordinator's action)."""
