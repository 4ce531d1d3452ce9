"""The operation groups of ``TalonClient``, one module each; none inherits another.

Every method checks what Talon.One would reject, converts dicts to models, asks the generated
``describe`` for the request and hands it to ``BaseClient._send``. Method, path, expected
status and result type all come from that description, that is, from the spec.
"""
