"""Spreadsheets (CSV): the interviews as a sheet people keep, and sheets people kept, read in.

Writing gives one row per interview under fixed headers, ISO dates and status words; a
text cell that a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice on
CSV injection), which reading removes again, so that an export imports losslessly.

Reading is forgiving about the sheet's shape and strict about its values:

- the encoding is detected with charset-normalizer among those spreadsheet programs write
  (UTF-8 with or without a byte-order mark, UTF-16 with one, Windows-1252);
- headers are matched by their words ("Hiring Manager Email" is the email), a known name
  winning over a header that merely contains a field's word; a header that could be two
  fields, or one that another column claims more exactly, is reported and not read;
- comma, semicolon or tab separated;
- each date column is read in one order (``calendar.date_order``, or the other of
  day-first and month-first when only that fits all of the column's values, which the
  report says);

and every row is checked as it is read, before anything is stored: an error names the file, the
line (as a text editor numbers it: the header is line 1) and the column.

Nothing is imported here; each part is its own module:

- :mod:`.columns`: the columns written, their fields, and cells kept from running as
  formulas;
- :mod:`.headers`: which field each of a sheet's headers means;
- :mod:`.sheet`: what reading a sheet gives (:class:`~.sheet.Sheet`, its rows);
- :mod:`.reading`: a sheet's bytes read, every row checked;
- :mod:`.writing`: the interviews written as a sheet.
"""
