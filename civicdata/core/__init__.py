"""Used by every layer: the errors a learner can act on, the settings (folders, API key, current place)
and never-overwrite saving of a learner's files. Nothing here imports another part of civicdata."""
