"""An appeal's life (R2.3): 接 received → 转/办 processing → 交 replied → 结 closed.

- :mod:`.events`: every event type and the commands users post;
- :mod:`.transitions`: who may post what in which status, and what each event does
  (:func:`~.transitions.decide`, :func:`~.transitions.allowed_events`);
- :mod:`.supervision`: 督办 and its completion reports;
- :mod:`.pause`: 挂起 and 恢复, the clock stopped and the deadline moved
  (:func:`~.pause.end_pause`);
- :mod:`.sweep`: what the platform does by itself (warnings, overdue, auto-close, deadlines
  recounted);
- :mod:`.decision`: what they read (the directory) and return (a decision).
"""
