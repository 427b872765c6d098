s/^hw-only: lock nop, lock prefetchnta:nn$/hw-only: lock nop, lock prefetchnta:UU/
