"""folderpers: YAML patient-information folders -> branded, accessible PDFs and web pages."""

__version__ = "0.1.0"
