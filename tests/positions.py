"""Where an entry's unit stands relative to a role held on district 304 (Ngô Quyền):
(target code, unit code) per position. Shared by the service and admin workflow tests."""

POSITIONS = {
    "own": ("CQS-03b", "304"),
    "below": ("CQS-03c", "11329"),
    "sibling": ("CQS-03b", "303"),
    "above": ("CQS-01", "31"),
}
