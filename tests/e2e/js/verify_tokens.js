// Verify our tokens the way an app backend does with aws-jwt-verify: JwtRsaVerifier for our issuer
// (`<PUBLIC_URL>/<poolId>`; CognitoJwtVerifier only knows amazonaws.com issuers). The library
// fetches JWKS over HTTPS only, so for the plain-HTTP test server the JWKS document is fetched here
// and handed over with cacheJwks, as its README shows for pre-loaded keys.
// Input: one JSON argument {issuer, jwksUri, clientId, idToken, accessToken, tampered}.
// Output: one JSON line {id, access, tampered, wrongClient}: each "ok" or the error's name.
"use strict";

const { JwtRsaVerifier } = require("aws-jwt-verify");

async function outcome(promise) {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error.constructor.name;
  }
}

function tokenUse(expected, clientId) {
  return ({ payload }) => {
    if (payload.token_use !== expected) throw new Error(`token_use is ${payload.token_use}`);
    if (expected === "access" && payload.client_id !== clientId) throw new Error("another client's token");
  };
}

async function main({ issuer, jwksUri, clientId, idToken, accessToken, tampered }) {
  const jwks = await (await fetch(jwksUri)).json();
  const idVerifier = JwtRsaVerifier.create({ issuer, jwksUri, audience: clientId, customJwtCheck: tokenUse("id", clientId) });
  const accessVerifier = JwtRsaVerifier.create({ issuer, jwksUri, audience: null, customJwtCheck: tokenUse("access", clientId) });
  const otherClient = JwtRsaVerifier.create({ issuer, jwksUri, audience: "another-client", customJwtCheck: tokenUse("id", "another-client") });
  for (const verifier of [idVerifier, accessVerifier, otherClient]) verifier.cacheJwks(jwks);
  return {
    id: await outcome(idVerifier.verify(idToken)),
    access: await outcome(accessVerifier.verify(accessToken)),
    tampered: await outcome(idVerifier.verify(tampered)),
    wrongClient: await outcome(otherClient.verify(idToken)),
  };
}

main(JSON.parse(process.argv[2])).then((result) => process.stdout.write(JSON.stringify(result) + "\n"));
