// Sign the same user in twice in one process with amazon-cognito-identity-js, as an app on one
// device does: the first sign-in answers SMS_MFA and the SDK confirms the new device it is handed
// (keeping its key in the SDK's storage); the second names that device (DEVICE_SRP_AUTH) and, the
// device being remembered, is asked for no MFA. Input: sign_in.js's JSON argument.
// Output: one JSON line, {first, second}, each sign_in.js's result plus the challenges asked.
"use strict";

const { signIn } = require("./sign_in");

async function twice(request) {
  const results = {};
  for (const name of ["first", "second"]) {
    const challenges = [];
    results[name] = { ...(await signIn(request, challenges)), challenges };
  }
  return results;
}

twice(JSON.parse(process.argv[2])).then((result) => {
  process.stdout.write(JSON.stringify(result) + "\n");
});
