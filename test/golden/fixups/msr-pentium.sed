s/^hw-only: family 6:.*$/hw-only: family 6: bios_sign_id 0000008b=#GP 0000008b<-#GP 0000008b=#GP platform_id 00000017=#GP debugctl 000001d9<-#GP 000001d9=#GP/
s/^hw-only: absent:.*$/hw-only: absent: 00000035=#GP 0000003a=#GP 000000c1=#GP 00000186=#GP 00000198=#GP c0000081=#GP 12345678=#GP/
s/^hw-only: read-only writes:.*$/hw-only: read-only writes: 00000017<-#GP 000000fe<-#GP 00000179<-#GP 12345678<-#GP/
