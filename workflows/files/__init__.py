"""The content-addressed file store: rendered documents as sent, and (issue 16) evidence uploads.

Bytes live on disk under `OMBUDSFLOW_FILES_DIR` (default `<instance>/files`), named by their
SHA-256, so a file is stored once however often it is attached and can never change under its
name. Who stored which bytes, when, under which cleaned name and with which sniffed type is a row
of `stored_file`. `store.store` is the one way in; `web/files.py` is the one way out to a browser.
"""
