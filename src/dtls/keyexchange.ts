/**
 * Ephemeral ECDH for ECDHE suites: X25519 (RFC 7748, RFC 8422 5.11) and P-256 with
 * uncompressed points (RFC 8422 5.4). The private key comes from the injected Random, so a
 * seeded run reproduces the key exchange bit for bit.
 */
import { createECDH, createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { concatBytes, randomBytes, type Random } from '../core/index.js';
import { NamedGroup, type NamedGroupId } from './protocol.js';

// The fixed DER prefix that wraps a raw X25519 private key as PKCS#8 (RFC 8410 7).
const X25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const ZERO_X = Buffer.alloc(32).toString('base64url');

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export interface EphemeralKey {
  readonly group: NamedGroupId;
  /** Our public value as sent on the wire. */
  readonly publicKey: Uint8Array;
  /** The premaster secret with the peer's public value, or undefined if that value is bad. */
  deriveSecret(peerPublic: Uint8Array): Uint8Array | undefined;
}

/**
 * An X25519 private KeyObject from 32 raw bytes. The JWK import is ten times cheaper than
 * PKCS#8 DER (OpenSSL 3's decoder costs ~0.5 ms) but wants the public `x`, which Node
 * ignores for private keys and we do not know yet; if a Node version starts checking it,
 * the DER path takes over.
 */
function x25519PrivateKey(raw: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64(raw), x: ZERO_X }, format: 'jwk' });
  } catch {
    return createPrivateKey({ key: Buffer.from(concatBytes([X25519_PKCS8_PREFIX, raw])), format: 'der', type: 'pkcs8' });
  }
}

function x25519(rng: Random): EphemeralKey {
  const privateKey = x25519PrivateKey(randomBytes(rng, 32));
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x!;
  return {
    group: NamedGroup.x25519,
    publicKey: new Uint8Array(Buffer.from(x, 'base64url')),
    deriveSecret(peer) {
      if (peer.length !== 32) return undefined;
      try {
        const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64(peer) }, format: 'jwk' });
        const secret = diffieHellman({ privateKey, publicKey });
        // RFC 8422 5.11: an all-zero shared secret means a low-order point; abort.
        return secret.some((b) => b !== 0) ? secret : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

function p256(rng: Random): EphemeralKey {
  const ecdh = createECDH('prime256v1');
  for (;;) {
    try {
      ecdh.setPrivateKey(randomBytes(rng, 32));
      break;
    } catch {
      // zero or >= the group order: draw again
    }
  }
  return {
    group: NamedGroup.secp256r1,
    publicKey: ecdh.getPublicKey(),
    deriveSecret(peer) {
      // RFC 8422 5.1.2: only the uncompressed form (0x04 || X || Y) is allowed.
      if (peer.length !== 65 || peer[0] !== 4) return undefined;
      try {
        return ecdh.computeSecret(peer); // OpenSSL checks the point is on the curve
      } catch {
        return undefined;
      }
    },
  };
}

export function generateEphemeral(group: NamedGroupId, rng: Random): EphemeralKey {
  return group === NamedGroup.x25519 ? x25519(rng) : p256(rng);
}

export const SUPPORTED_GROUPS: readonly NamedGroupId[] = [NamedGroup.x25519, NamedGroup.secp256r1];
