"""Shared test setup lives in tests/workbook_plugin.py, which pyproject.toml loads for every pytest run.

It used to be here, but a conftest.py is only read when pytest collects its own folder, so
``pytest notebooks/NN-....ipynb`` ran the notebook without the offline, keyless workbook environment.
"""
