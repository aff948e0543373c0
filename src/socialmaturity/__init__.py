"""socialmaturity: measure how mature an organization's use of social media is, benchmark it
against peers, and plan the next stage."""

__version__ = "0.1.0"
