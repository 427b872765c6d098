s/^hw-only: null count after the control word=00$/hw-only: null count after the control word=01/
