// JSON Schema (draft-07) of the connector's config, published in the plugin descriptor. The host
// validates manifests against it (unknown keys, types, ranges) before configure() runs, and
// never prints values of properties marked "x-secret". Keep in sync with config.cpp and the
// README's config table (a unit test checks that every property here is documented there).
#pragma once

namespace okta_device {

inline constexpr char kConfigSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Okta Device connector",
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url"],
  "oneOf": [{"required": ["api_token"]}, {"required": ["oauth"]}],
  "x-composite-message": "set exactly one of api_token (an Okta API token) or oauth (an OAuth 2.0 service app with client_id and private_key)",
  "properties": {
    "base_url": {
      "type": "string",
      "description": "Your Okta org URL, e.g. https://acme.okta.com (any Okta domain or a custom domain). A trailing '/' or '/admin' is ignored and an Admin Console host (acme-admin.okta.com) is mapped to the org host. https only, unless allow_insecure_http is true.",
      "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
      "minLength": 8,
      "maxLength": 2048
    },
    "api_token": {
      "type": "string",
      "description": "Okta API token, sent as 'Authorization: SSWS <token>'. Use a reference (${env:NAME} or ${file:PATH}), never the literal value. Exactly one of api_token or oauth.",
      "minLength": 1,
      "x-secret": true
    },
    "oauth": {
      "type": "object",
      "description": "An Okta OAuth 2.0 service app (API Services app integration) signing in with client credentials and a private key (private_key_jwt), instead of api_token.",
      "additionalProperties": false,
      "required": ["client_id", "private_key"],
      "properties": {
        "client_id": {
          "type": "string",
          "description": "The app's Client ID (Admin Console: Applications, the app, General).",
          "minLength": 1
        },
        "private_key": {
          "type": "string",
          "description": "The app's private key: PEM (RSA of at least 2048 bits, or EC P-256) or a JWK (JSON). Use ${file:PATH}, never the literal value.",
          "minLength": 1,
          "x-secret": true
        },
        "key_id": {
          "type": "string",
          "description": "The key's KID as Okta shows it, sent as the JWT header kid; needed when the app has several keys. Default: the JWK's kid, if any."
        },
        "scopes": {
          "type": "array",
          "description": "Okta API scopes to request; okta.devices.read is the one the connector needs.",
          "items": {"type": "string", "minLength": 1},
          "minItems": 1,
          "uniqueItems": true,
          "default": ["okta.devices.read"]
        },
        "dpop": {
          "type": "string",
          "description": "DPoP proof-of-possession: 'auto' (used when the app requires it), 'always', or 'never'.",
          "enum": ["auto", "always", "never"],
          "default": "auto"
        }
      }
    },
    "page_size": {
      "type": "integer",
      "description": "Devices per page (Okta's 'limit'). 200 is Okta's maximum and uses the fewest requests.",
      "minimum": 1,
      "maximum": 200,
      "default": 200
    },
    "expand": {
      "type": "string",
      "description": "Embed the device's users in each page: 'userSummary' (id, login, name, email), 'user' (full user objects, heavier pages) or 'none' (no owners in the records).",
      "enum": ["user", "userSummary", "none"],
      "default": "userSummary"
    },
    "statuses": {
      "type": "array",
      "description": "Only devices with one of these statuses are synced (Okta's search on status, server side). Leave it out to sync every status; a device whose status leaves the list is no longer sent, so the destination keeps its last record.",
      "items": {"type": "string", "enum": ["ACTIVE", "CREATED", "DEACTIVATED", "SUSPENDED", "UNSUSPENDED"]},
      "minItems": 1,
      "uniqueItems": true
    },
    "time_unit": {
      "type": "string",
      "description": "Unit of the records' time fields: 'seconds' (epoch seconds, what Sekoia's device model reads) or 'milliseconds' (OCSF's timestamp_t, for other consumers of fetch output).",
      "enum": ["seconds", "milliseconds"],
      "default": "seconds"
    },
    "timeout": {
      "type": ["string", "integer"],
      "description": "Time limit for one HTTP request, e.g. '30s' (a bare number means seconds).",
      "pattern": "^([0-9]+|([0-9]+(ms|s|m|h|d))+)$",
      "minimum": 0,
      "default": "30s"
    },
    "ca_file": {
      "type": "string",
      "description": "Extra CA bundle (PEM file) trusted in addition to the system trust store, e.g. the CA of a TLS-inspecting proxy. Empty: the system trust store only.",
      "default": ""
    },
    "proxy": {
      "type": "string",
      "description": "HTTP(S) proxy URL, e.g. http://proxy.internal:3128. Empty: libcurl's default, which honours the https_proxy / no_proxy environment variables.",
      "default": ""
    },
    "allow_insecure_http": {
      "type": "boolean",
      "description": "Allow an http:// base_url. Only for local simulators: the API token would travel in clear text.",
      "default": false
    },
    "rate_limit_reserve": {
      "type": "number",
      "description": "Share of each Okta rate-limit window this connector leaves to the org's other integrations (0 = use it all, 0.9 = use at most 10%).",
      "minimum": 0,
      "maximum": 0.9,
      "default": 0.5
    },
    "incremental_overlap": {
      "type": ["string", "integer"],
      "description": "How far before the last sync's high-water mark an incremental sync starts, to cover Okta's eventually consistent search index.",
      "pattern": "^([0-9]+|([0-9]+(ms|s|m|h|d))+)$",
      "minimum": 0,
      "default": "5m"
    },
    "full_sync_every": {
      "type": ["string", "integer"],
      "description": "Run a full sync (every device) when this much time has passed since the last completed one; incremental syncs otherwise.",
      "pattern": "^([0-9]+|([0-9]+(ms|s|m|h|d))+)$",
      "minimum": 0,
      "default": "24h"
    },
    "max_retry_time": {
      "type": ["string", "integer"],
      "description": "How long one request may keep retrying (5xx, network errors, rate-limit waits) before the cycle fails.",
      "pattern": "^([0-9]+|([0-9]+(ms|s|m|h|d))+)$",
      "minimum": 0,
      "default": "10m"
    }
  }
})json";

}  // namespace okta_device
