"""Layer 1, getting data: bundled and prefetched places, the live Census API with its cache, boundaries,
downloads from data.census.gov, cleaning of annotation values, and ``get_acs``, which answers from
whichever of them can. Imports only :mod:`civicdata.core`."""
