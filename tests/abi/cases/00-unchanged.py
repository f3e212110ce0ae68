"""Control: the pristine tree passes the gate (else every other case
would be meaningless)."""
EXPECT = 'accept'


def edit(tree):
    pass
