"""The authorities' own site (issue 16): what an authority's officials read of the recommendations
addressed to their authority — documents received, the statutory deadline and the days left, the
urgency date, what is overdue, their answers, what the Office decided — and, read-only, the
follow-up of what was addressed to the authorities below it. Who sees what is the access policy's
(`workflows.access`); this package only arranges it for the portal's pages.
"""
