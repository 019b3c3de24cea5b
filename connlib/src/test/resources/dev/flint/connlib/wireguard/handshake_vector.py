#!/usr/bin/env python3
"""Independent WireGuard handshake vector for WireGuardHandshakeVectorTest.

Follows the whitepaper (section 5.4) with Python's hashlib/hmac and the `cryptography` package, sharing no code
with the Java engine. Run it to reproduce the hex constants the test compares against:
    python3 handshake_vector.py
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization


def clamp(b):
    b = bytearray(b)
    b[0] &= 248
    b[31] &= 127
    b[31] |= 64
    return bytes(b)


def pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def dh(priv, pub_):
    return X25519PrivateKey.from_private_bytes(priv).exchange(X25519PublicKey.from_public_bytes(pub_))


def HASH(x):
    return hashlib.blake2s(x).digest()


def MAC(key, x):
    return hashlib.blake2s(x, key=key, digest_size=16).digest()


def HMAC(key, x):
    return hmac.new(key, x, hashlib.blake2s).digest()


def KDF(n, key, x):
    t0 = HMAC(key, x)
    out, prev = [], b""
    for i in range(1, n + 1):
        prev = HMAC(t0, prev + bytes([i]))
        out.append(prev)
    return out


def AEAD(key, counter, plain, aad):
    return ChaCha20Poly1305(key).encrypt(b"\x00" * 4 + struct.pack("<Q", counter), plain, aad)


def tai64n(seconds, nanos):
    return struct.pack(">QI", 0x400000000000000A + seconds, nanos & ~0xFFFFFF)


S_i_priv = clamp(bytes(range(1, 33)))
S_r_priv = clamp(bytes(range(33, 65)))
E_i_priv = clamp(bytes(range(65, 97)))
E_r_priv = clamp(bytes(range(97, 129)))
Q = bytes([0x55] * 32)
S_i_pub, S_r_pub = pub(S_i_priv), pub(S_r_priv)
I_i, I_r = 0x11223344, 0x55667788
timestamp = tai64n(1795521600, 123456789)  # 2026-11-24T12:00:00.123456789Z

C = HASH(b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s")
H = HASH(C + b"WireGuard v1 zx2c4 Jason@zx2c4.com")
H = HASH(H + S_r_pub)
E_i_pub = pub(E_i_priv)
C = KDF(1, C, E_i_pub)[0]
H = HASH(H + E_i_pub)
C, k = KDF(2, C, dh(E_i_priv, S_r_pub))
static = AEAD(k, 0, S_i_pub, H)
H = HASH(H + static)
C, k = KDF(2, C, dh(S_i_priv, S_r_pub))
ts = AEAD(k, 0, timestamp, H)
H = HASH(H + ts)
init = struct.pack("<II", 1, I_i) + E_i_pub + static + ts
init += MAC(HASH(b"mac1----" + S_r_pub), init) + b"\x00" * 16

E_r_pub = pub(E_r_priv)
C = KDF(1, C, E_r_pub)[0]
H = HASH(H + E_r_pub)
C = KDF(1, C, dh(E_r_priv, E_i_pub))[0]
C = KDF(1, C, dh(E_r_priv, S_i_pub))[0]
C, tau, k = KDF(3, C, Q)
H = HASH(H + tau)
empty = AEAD(k, 0, b"", H)
H = HASH(H + empty)
resp = struct.pack("<III", 2, I_r, I_i) + E_r_pub + empty
resp += MAC(HASH(b"mac1----" + S_i_pub), resp) + b"\x00" * 16

T_send_i, T_recv_i = KDF(2, C, b"")
keepalive = struct.pack("<IIQ", 4, I_r, 0) + AEAD(T_send_i, 0, b"", b"")

print("initiatorPublic", S_i_pub.hex())
print("responderPublic", S_r_pub.hex())
print("initiation", init.hex())
print("response", resp.hex())
print("initiatorSendKey", T_send_i.hex())
print("initiatorReceiveKey", T_recv_i.hex())
print("keepalive", keepalive.hex())
