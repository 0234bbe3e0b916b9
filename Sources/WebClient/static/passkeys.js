// WebAuthn in the browser: the server's JSON options become navigator.credentials arguments
// (base64url ↔ bytes) and the credential becomes the JSON the server verifies.

/** True when this browser can use passkeys. */
export function passkeysSupported() {
  return typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
}

function toBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function toBase64url(buffer) {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const descriptors = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

/** Creates a passkey from registration options; resolves the RegistrationResponseJSON. */
export async function createPasskey(options) {
  const credential = await navigator.credentials.create({ publicKey: {
    ...options, challenge: toBytes(options.challenge), user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: descriptors(options.excludeCredentials),
  } });
  return {
    id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
    response: {
      clientDataJSON: toBase64url(credential.response.clientDataJSON),
      attestationObject: toBase64url(credential.response.attestationObject),
      transports: credential.response.getTransports ? credential.response.getTransports() : [],
    },
  };
}

/** Signs a challenge with a passkey; resolves the AuthenticationResponseJSON. */
export async function usePasskey(options) {
  const credential = await navigator.credentials.get({ publicKey: {
    ...options, challenge: toBytes(options.challenge), allowCredentials: descriptors(options.allowCredentials),
  } });
  const response = credential.response;
  return {
    id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON), authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature), userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
    },
  };
}

/** The message to show for a ceremony the person cancelled or the browser refused. */
export function passkeyProblem(error) {
  if (error && error.name === "NotAllowedError") return "The passkey request was cancelled or timed out.";
  if (error && error.name === "InvalidStateError") return "This device already has a passkey for your account.";
  return (error && error.message) || "The passkey could not be used.";
}
