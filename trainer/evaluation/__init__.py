"""Evaluation: base vs tuned on held-out widgets — metrics, the user's style profile, the report.

- ``evaluate``: systems (base/tuned, ± retrieval) × test records → loss, generation, scores;
  ``evaluate_and_report`` for the CLI, the server and the demo.
- ``metrics``: parse validity, chrF, exact match, widget vocabulary.
- ``metric_specs``: each reported metric's label, better direction and format, read by evaluate and report.
- ``style``: the style profile learned from the train split and a sample's agreement with it.
- ``report``: eval.json, report.md/html and plots, written as one artifact folder.
"""
