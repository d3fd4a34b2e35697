// Shared Access Signature tokens: creation exactly as the .NET SDK does it, and parsing/verification for
// the relay server (see shared reference hybrid-connections-protocol.md §2, azbridge-compat.md §3.5).
#pragma once

#include "azbridge/util/expected.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace azbridge::protocol::sas {

/// .NET WebUtility.UrlEncode: A-Z a-z 0-9 - _ . ! * ( ) kept, space -> '+', everything else %XX upper-case.
std::string url_encode(std::string_view text);

/// Lenient percent-decoding ('+' -> space); invalid escapes are kept verbatim.
std::string url_decode(std::string_view text);

/// TokenProvider.NormalizeAudience: scheme http, no port, no query/fragment/userinfo, trailing '/', host lower-case.
/// "sb://NS.servicebus.windows.net:443/db?x=1" -> "http://ns.servicebus.windows.net/db/".
std::string normalize_audience(std::string_view uri);

/// "SharedAccessSignature sr=<enc audience>&sig=<enc b64 hmac>&se=<expiry>&skn=<enc key name>" for a resource URI
/// (normalized with normalize_audience first). HMAC-SHA256 keyed with the UTF-8 bytes of `key` as given.
std::string make_token(std::string_view resource_uri, std::string_view key_name, std::string_view key,
                       std::int64_t expiry_unix_seconds);

/// make_token with expiry = now + ttl (the SDK's default TTL is 60 minutes).
std::string make_token(std::string_view resource_uri, std::string_view key_name, std::string_view key,
                       std::chrono::seconds ttl = std::chrono::minutes(60));

struct token {
  std::string sr_raw;   // sr exactly as received (still percent-encoded): the signed string uses it
  std::string sr;       // sr decoded
  std::string sig;      // signature, decoded base64 text
  std::int64_t se = 0;  // expiry, unix seconds
  std::string skn;      // key name, decoded
};

/// Parses "SharedAccessSignature k=v&k=v..." (prefix and keys case-insensitive, any field order).
/// sr, sig, se and skn are required.
expected<token> parse_token(std::string_view text);

/// Recomputes HMAC-SHA256(key, sr_raw + "\n" + se) and compares it with `t.sig` in constant time.
bool signature_valid(const token& t, std::string_view key);

/// True if the token's audience covers `entity_path` on `host`: scheme and port ignored, host compared
/// case-insensitively, "$hc/" stripped, trailing '/' ignored, path equal or a parent at a segment boundary
/// (compared case-insensitively).
bool audience_covers(const token& t, std::string_view host, std::string_view entity_path);

}  // namespace azbridge::protocol::sas
