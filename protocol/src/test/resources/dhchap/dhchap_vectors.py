#!/usr/bin/env python3
"""Independent reference values for DhchapVectorsTest (nvmegate), from the formulas of NVMe Base 2.x section
8.3.4.5 as implemented by Linux drivers/nvme/common/auth.c (nvme_auth_transform_key, nvme_auth_augmented_challenge)
and drivers/nvme/target/auth.c (nvmet_auth_host_hash, nvmet_auth_ctrl_hash). Python 3 standard library only
(hashlib, hmac, zlib, base64). Run: python3 dhchap_vectors.py; its output is pasted into the test."""
import base64, hashlib, hmac, struct, zlib

HASHES = {1: hashlib.sha256, 2: hashlib.sha384, 3: hashlib.sha512}
HL = {1: 32, 2: 48, 3: 64}
NQNH = b"nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001"
NQNC = b"nqn.2024-01.io.nvmegate:test"
SPEC_KEY = bytes.fromhex("89aeb31a874eaf84841b46736b0dfdf2ba58d30aa2a545a3e235a3521e07594c")
S1, S2, TID = 0x01020304, 0x0A0B0C0D, 5
KS = b"\x5a" * 256  # a dummy session key (the length of an ffdhe2048 value)


def secret(hh, key):
    """DHHC-1:hh:base64(key || LE32(crc32(key))):"""
    return "DHHC-1:%02d:%s:" % (hh, base64.b64encode(key + struct.pack("<I", zlib.crc32(key))).decode())


def transform(hh, key, nqn):
    if hh == 0:
        return key
    return hmac.new(key, nqn + b"NVMe-over-Fabrics", HASHES[hh]).digest()


def challenge(h, c, ks):
    if ks is None:
        return c
    return hmac.new(HASHES[h](ks).digest(), c, HASHES[h]).digest()


def response(h, kt, c, seq, tid, who, nqn_a, nqn_b):
    msg = c + struct.pack("<I", seq) + struct.pack("<H", tid) + b"\x00" + who + nqn_a + b"\x00" + nqn_b
    return hmac.new(kt, msg, HASHES[h]).digest()


print("spec secret", secret(0, SPEC_KEY))
for n in (48, 64):
    print("secret%d" % n, secret(n // 16 - 1, bytes(range(n))))
for hh in (1, 2, 3):
    print("Kt_host hh=%d" % hh, transform(hh, SPEC_KEY, NQNH).hex())
    print("Kt_ctrl hh=%d" % hh, transform(hh, SPEC_KEY, NQNC).hex())
for h in (1, 2, 3):
    hl = HL[h]
    c1 = bytes(range(hl))
    c2 = bytes(0xFF - i for i in range(hl))
    for hh in (0, h):
        kth = transform(hh, SPEC_KEY, NQNH)
        ktc = transform(hh, SPEC_KEY, NQNC)
        for ks, name in ((None, "null"), (KS, "ks5a")):
            print("R1 hash=%d hh=%d dh=%s" % (h, hh, name),
                  response(h, kth, challenge(h, c1, ks), S1, TID, b"HostHost", NQNH, NQNC).hex())
            print("R2 hash=%d hh=%d dh=%s" % (h, hh, name),
                  response(h, ktc, challenge(h, c2, ks), S2, TID, b"Controller", NQNC, NQNH).hex())
    print("Ca1 hash=%d" % h, challenge(h, c1, KS).hex())

# Diffie-Hellman in ffdhe2048 (RFC 7919, the prime as `openssl genpkey -genparam -algorithm DH -pkeyopt
# group:ffdhe2048` writes it): fixed exponents, Python's pow() as the independent modular arithmetic. The peer's
# exponent is the first from 2^200+1 upwards whose shared secret has a leading zero byte, to check the padding.
P2048 = int(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FBCC939DCE249B3EF9"
    "7D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935"
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FB"
    "B96ADAB760D7F4681D4F42A3DE394DF4AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61"
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA"
    "886B423861285C97FFFFFFFFFFFFFFFF", 16)
X_OWN = 0x0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
x_peer = 2 ** 200 + 1
while pow(pow(2, x_peer, P2048), X_OWN, P2048) >= 2 ** (2048 - 8):
    x_peer += 1
own_pub = pow(2, X_OWN, P2048).to_bytes(256, "big")
peer_pub = pow(2, x_peer, P2048).to_bytes(256, "big")
ks = pow(pow(2, x_peer, P2048), X_OWN, P2048).to_bytes(256, "big")
print("dh x_peer", hex(x_peer))
print("dh own_pub sha256", hashlib.sha256(own_pub).hexdigest())
print("dh peer_pub", peer_pub.hex())
print("dh ks sha256", hashlib.sha256(ks).hexdigest(), "ks[0]", ks[0])
