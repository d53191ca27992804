import base64
import binascii
import hashlib
import hmac

from django.contrib.auth.hashers import Argon2PasswordHasher, BasePasswordHasher, mask_hash


class TunedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended floor (19 MiB, t=2, p=1).

    Django's default (100 MiB) costs several times more per sign-in for little gain.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


class KeycloakPBKDF2SHA256Hasher(BasePasswordHasher):
    """Verifies Keycloak's exported PBKDF2 credentials (`keycloak_pbkdf2_sha256$<iterations>$<b64 salt>$<b64 value>`).

    Keycloak salts with raw bytes and keeps a derived key of its own length, so Django's PBKDF2
    hasher (text salt, fixed length) cannot check them. Verify-only: users are re-hashed with
    the preferred hasher at their first sign-in.
    """

    algorithm = "keycloak_pbkdf2_sha256"
    digest_name = "sha256"

    def verify(self, password: str, encoded: str) -> bool:
        try:
            algorithm, iterations, salt, value = encoded.split("$", 3)
            expected = base64.b64decode(value)
            derived = hashlib.pbkdf2_hmac(self.digest_name, password.encode(), base64.b64decode(salt), int(iterations), len(expected))
        except (ValueError, binascii.Error):
            return False
        return algorithm == self.algorithm and hmac.compare_digest(derived, expected)

    def encode(self, password: str, salt: str) -> str:
        raise NotImplementedError("Keycloak hashes are only verified, never made.")

    def decode(self, encoded: str) -> dict:
        algorithm, iterations, salt, value = encoded.split("$", 3)
        return {"algorithm": algorithm, "iterations": int(iterations), "salt": salt, "hash": value}

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "iterations": decoded["iterations"], "salt": mask_hash(decoded["salt"]),
                "hash": mask_hash(decoded["hash"])}

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


class KeycloakPBKDF2SHA512Hasher(KeycloakPBKDF2SHA256Hasher):
    algorithm = "keycloak_pbkdf2_sha512"
    digest_name = "sha512"


class KeycloakPBKDF2SHA1Hasher(KeycloakPBKDF2SHA256Hasher):
    algorithm = "keycloak_pbkdf2_sha1"
    digest_name = "sha1"
