"""The lifecycle of an interview: the service every change goes through (``service.py``,
with its read side in ``reading.py``), the checks every value passes (``validation.py``)
and the plans of reminders (``planning.py``). Naming one of these modules loads only it:
this file imports nothing, so that the pure ones load without the store."""
