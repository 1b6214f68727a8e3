"""How each pane's rows follow the callback events, as pure functions of (row, event).

No Textual and no clock here: a pane looks its row up, calls the function of its
module (`calls`, `conferences`, `messages`, `recordings`) and puts the result back,
keeping for itself what only a running console does (fetching, ringing, notifying).
So every event kind a pane reacts to is tested on plain data (tests/test_rows_*.py).
"""
