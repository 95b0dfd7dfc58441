"""The application version, printed in the sheet's footer."""

__version__ = "0.1.0"
