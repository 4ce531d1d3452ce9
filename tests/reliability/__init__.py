"""Reliability and security: faults from a misbehaving loopback server, load, hostile input, secrets."""
