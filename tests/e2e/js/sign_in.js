// Sign a user in with amazon-cognito-identity-js (USER_SRP_AUTH, the SDK's default) against our
// endpoint, unchanged but for `endpoint`. Input: one JSON argument
// {endpoint, userPoolId, clientId, username, password[, newPassword][, totpCode][, smsFile, phone]}
// (smsFile: the file SMS sender's JSON lines, where the SMS_MFA code is read as a user would).
// Output: one JSON line, {ok: true, username, idTokenUsername, accessTokenClientId} or
// {ok: false, code, message}. Exit status 0 either way; the Python test judges the result.
"use strict";

const fs = require("fs");
const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require("amazon-cognito-identity-js");

// RFC 6238 (SHA-1, 30 s, 6 digits), as an authenticator app computes it from the shared secret.
function totp(secretBase32, at = Date.now() / 1000) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secretBase32.replace(/=+$/, "")) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const digest = require("crypto").createHmac("sha1", key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}

function decodePayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
}

function lastCodeTo(smsFile, phone) {
  const texts = fs.readFileSync(smsFile, "utf8").trim().split("\n").map((line) => JSON.parse(line));
  const mine = texts.filter((text) => text.to === phone);
  return mine.length ? (mine[mine.length - 1].message.match(/\b(\d{6})\b/) || [])[1] : undefined;
}

// `challenges`, when given, collects the names of the challenges the SDK was asked to answer.
// `selectMfa` answers SELECT_MFA_TYPE; `setupTotp` enrols an authenticator when MFA_SETUP is asked.
function signIn({ endpoint, userPoolId, clientId, username, password, newPassword, totpCode, smsFile, phone, selectMfa, setupTotp },
  challenges = []) {
  const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });
  const user = new CognitoUser({ Username: username, Pool: pool });
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve) => {
    const callbacks = {
      onSuccess(session) {
        const id = decodePayload(session.getIdToken().getJwtToken());
        const access = decodePayload(session.getAccessToken().getJwtToken());
        resolve({ ok: true, username: user.getUsername(), idTokenUsername: id["cognito:username"], accessTokenClientId: access.client_id });
      },
      onFailure(error) {
        resolve({ ok: false, code: error.code || error.name, message: error.message });
      },
      newPasswordRequired() {
        if (!newPassword) {
          resolve({ ok: false, code: "NEW_PASSWORD_REQUIRED", message: "no newPassword given" });
          return;
        }
        user.completeNewPasswordChallenge(newPassword, {}, callbacks);
      },
      mfaRequired(challengeName) {
        challenges.push(challengeName);
        const code = smsFile && lastCodeTo(smsFile, phone);
        if (!code) {
          resolve({ ok: false, code: challengeName, message: "no text message with a code" });
          return;
        }
        user.sendMFACode(code, callbacks);
      },
      selectMFAType(challengeName) {
        challenges.push(challengeName);
        if (!selectMfa) {
          resolve({ ok: false, code: challengeName, message: "no selectMfa given" });
          return;
        }
        user.sendMFASelectionAnswer(selectMfa, callbacks);
      },
      mfaSetup(challengeName) {
        challenges.push(challengeName);
        if (!setupTotp) {
          resolve({ ok: false, code: challengeName, message: "no setupTotp given" });
          return;
        }
        user.associateSoftwareToken({
          associateSecretCode(secret) {
            user.verifySoftwareToken(totp(secret), "js-authenticator", callbacks);
          },
          onFailure: callbacks.onFailure,
        });
      },
      totpRequired(challengeName) {
        challenges.push(challengeName);
        if (!totpCode) {
          resolve({ ok: false, code: challengeName, message: "no totpCode given" });
          return;
        }
        user.sendMFACode(totpCode, callbacks, "SOFTWARE_TOKEN_MFA");
      },
    };
    user.authenticateUser(details, callbacks);
  });
}

module.exports = { signIn };

if (require.main === module) {
  signIn(JSON.parse(process.argv[2])).then((result) => {
    process.stdout.write(JSON.stringify(result) + "\n");
  });
}
