"""`build.py import`: bring existing folders (Word, web pages, PDF, text copied from a PDF) in as
folder YAML. Each reader makes a small document tree (tree.py); mapping.py turns it into blocks and
metadata, localise.py puts the institution's registry facts in as placeholders, writer.py writes
folders/<slug>/ with `# REVIEW:` comments and an import report."""
