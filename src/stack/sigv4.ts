/**
 * AWS Signature Version 4 verification for the local S3 server (s3rver accepts any V4 signature, so
 * the stack checks them itself). Supports the Authorization header and presigned (query) requests.
 * The payload is not hashed here: the signature covers the x-amz-content-sha256 header as sent.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface SignedRequest {
  method: string;
  /** The raw request target: path and query, as sent. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
}

export type Verdict = { ok: true; accessKeyId: string } | { ok: false; code: string; message: string };

const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();
const sha256hex = (data: string): string => createHash("sha256").update(data, "utf8").digest("hex");

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX upper-case). */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function header(h: SignedRequest["headers"], name: string): string {
  const v = h[name];
  return Array.isArray(v) ? v.join(",") : (v ?? "");
}

function canonicalQuery(query: string, skip?: string): string {
  if (!query) return "";
  const pairs: [string, string][] = [];
  for (const part of query.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const k = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, "%20"));
    const v = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, "%20"));
    if (k === skip) continue;
    pairs.push([encode(k), encode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac("AWS4" + secret, date), region), service), "aws4_request");
}

/** Verifies a request against the known secrets (access key ID → secret). */
export function verifySigV4(req: SignedRequest, secrets: ReadonlyMap<string, string>): Verdict {
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? "" : req.url.slice(q + 1);
  const auth = header(req.headers, "authorization");
  let credential: string;
  let signedHeaders: string;
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let canonicalQueryString: string;
  if (auth.startsWith("AWS4-HMAC-SHA256 ")) {
    const fields = Object.fromEntries(
      auth
        .slice("AWS4-HMAC-SHA256 ".length)
        .split(",")
        .map((p) => p.trim().split("=") as [string, string]),
    );
    credential = fields["Credential"] ?? "";
    signedHeaders = fields["SignedHeaders"] ?? "";
    signature = fields["Signature"] ?? "";
    amzDate = header(req.headers, "x-amz-date");
    payloadHash = header(req.headers, "x-amz-content-sha256") || "UNSIGNED-PAYLOAD";
    canonicalQueryString = canonicalQuery(query);
  } else if (/(^|&)X-Amz-Signature=/.test(query)) {
    const params = new URLSearchParams(query);
    if (params.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") return { ok: false, code: "AuthorizationQueryParametersError", message: "X-Amz-Algorithm must be AWS4-HMAC-SHA256" };
    credential = params.get("X-Amz-Credential") ?? "";
    signedHeaders = params.get("X-Amz-SignedHeaders") ?? "";
    signature = params.get("X-Amz-Signature") ?? "";
    amzDate = params.get("X-Amz-Date") ?? "";
    payloadHash = "UNSIGNED-PAYLOAD";
    canonicalQueryString = canonicalQuery(query, "X-Amz-Signature");
    const expires = Number(params.get("X-Amz-Expires") ?? "0");
    const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"));
    if (!Number.isFinite(signedAt) || Date.now() > signedAt + expires * 1000) return { ok: false, code: "AccessDenied", message: "Request has expired" };
  } else if (auth.startsWith("AWS ")) {
    return { ok: false, code: "InvalidRequest", message: "Signature Version 2 is not accepted: sign requests with AWS Signature Version 4" };
  } else {
    return { ok: false, code: "AccessDenied", message: "Anonymous requests are not accepted: sign requests with AWS Signature Version 4" };
  }
  const [accessKeyId, date, region, service, terminal] = credential.split("/");
  if (!accessKeyId || !date || !region || !service || terminal !== "aws4_request") return { ok: false, code: "AuthorizationHeaderMalformed", message: `malformed credential scope ${JSON.stringify(credential)}` };
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) return { ok: false, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." };
  const names = signedHeaders.split(";").filter(Boolean);
  if (!names.includes("host")) return { ok: false, code: "AuthorizationHeaderMalformed", message: "the host header must be signed" };
  const canonicalHeaders = names.map((n) => `${n}:${header(req.headers, n).trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalRequest = [req.method, path, canonicalQueryString, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(canonicalRequest)].join("\n");
  const expected = createHmac("sha256", signingKey(secret, date, region, service)).update(stringToSign, "utf8").digest();
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided. Check your key and signing method." };
  }
  return { ok: true, accessKeyId };
}
