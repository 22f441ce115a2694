"""Layer 2, margins of error: the Census Bureau's formulas (:mod:`.formulas`) and how far to trust an
estimate (:mod:`.reliability`: CV, confidence intervals, significance). Imports only :mod:`civicdata.core`."""
