"""Use cases: each one loads what it needs, lets the domain decide, and records the decision —
once, here — for every caller that needs it: the API's handlers and the jobs alike.

A use case takes the acting user (or none, for the platform's own steps), the time and the
rules in force as arguments; it raises the domain's errors and never speaks HTTP (the API
alone turns errors into problems naming request fields)."""
