"""Which target a unit page draws over time (``?trend=<code>``)."""


def trend_target(targets, code: str | None):
    """The target of ``targets`` whose code is ``code``; else the first that rolls up
    over several periods (a ratio or count), else the first; None without targets.
    An unknown code is not an error: the default is drawn."""
    targets = list(targets)
    if code:
        chosen = next((t for t in targets if t.code == code), None)
        if chosen is not None:
            return chosen
    return next((t for t in targets if t.rolls_up), targets[0] if targets else None)
