"""Answers of authorities to the Office's letters (issue 16): the signed link of each letter and its
registry (`links`), the answer form's per-recommendation answers, measures and claimed status
(`services`), evidence files (`evidence`), the kept half-written answer (`drafts`) and the receipt
with its reference number and PDF (`receipt`).

One document may cover several recommendations (`DocumentRecommendation`): an answer is given per
document and holds one item per covered recommendation; each item completes that recommendation's
`authority_reply` task through the engine, so the process goes on as with any reply.
"""
