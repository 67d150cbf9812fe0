"""followup: tells a job seeker when to email after an interview, and when to move on."""

__version__ = "0.1.0"
