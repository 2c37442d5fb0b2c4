"""Imports: a file read and checked into a pending batch, applied only when a person confirms, all at once.

- ``dpf``: the Data Privacy Framework list, matched to the register's vendors and sub-processors.
- ``subprocessors``: a vendor's sub-processor list, compared with the sub-processors the register has.
- ``register``: an existing register spreadsheet (a row per system and its vendor), via a column mapping.

Shared by the three:

- ``files``: CSV and XLSX uploads read within limits (size, rows, zip bombs), every refusal a ``Problem``.
- ``names``: organisation names normalised, so that "Acme, Inc." and "ACME Inc" compare equal.
- ``country_names``: country names as vendors write them, mapped to ISO codes.
- ``settings``: the upload limits from the app's configuration.
- ``models``: the import batches and the DPF near matches waiting for a person.
- ``views``: the ``imports`` blueprint, with the routes of the three attached; ``cli``: ``riskreg import``.

Each import's package has the same modules: ``parse`` (pure: no Flask, no session), ``services`` (the
batch kept and applied), ``forms``, ``views`` and ``cli``; ``subprocessors`` also has ``diff`` (pure), the
list compared with the register.
"""
