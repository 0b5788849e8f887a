"""Assessments and determinations are not in the admin, not even read-only.

They hold personal data about a child: every view of them must leave an audit entry and every
change must go through the workflow in `actions.py`, and the admin does neither. They are
reached through the audited views in `views.py`.
"""
