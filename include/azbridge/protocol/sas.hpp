// Shared Access Signature tokens: creation exactly as the .NET SDK does it, and parsing/verification for
// the relay server (see shared reference hybrid-connections-protocol.md §2, azbridge-compat.md §3.5).
#pragma once

#include "azbridge/util/expected.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
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

/// The SDK's argument checks for a key pair: both non-empty, each at most 256 characters (counted in UTF-16 code
/// units, as .NET does). nullopt when acceptable, else the reason. Call it at the edge before make_token.
std::optional<std::string> check_key(std::string_view key_name, std::string_view key);

/// "SharedAccessSignature sr=<enc audience>&sig=<enc b64 hmac>&se=<expiry>&skn=<enc key name>" for a resource URI
/// (normalized with normalize_audience first). HMAC-SHA256 keyed with the UTF-8 bytes of `key` as given.
/// Precondition: check_key(key_name, key) is nullopt; otherwise throws std::invalid_argument with its reason.
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
  std::string se_raw;   // se exactly as received: the signed string uses it (empty: std::to_string(se) is used)
};

/// Parses "SharedAccessSignature k=v&k=v..." (prefix and keys case-insensitive, any field order, blanks around
/// the whole text and between prefix and fields tolerated). Each field splits on its first '='; a repeated field
/// is an error; unknown fields are ignored. sr, sig, se and skn are required; se must be a non-negative integer.
/// sr and skn are form-decoded ('+' is a space); sig is percent-decoded with '+' kept, since base64 has no spaces
/// but does have '+' (so raw '+', '/', '=' and their %2B, %2F, %3D escapes all work). Never throws.
expected<token> parse_token(std::string_view text);

/// Recomputes base64(HMAC-SHA256(key, sr_raw + "\n" + se_raw)) and compares it with `t.sig` with CRYPTO_memcmp.
bool signature_valid(const token& t, std::string_view key);

/// True if the token's audience covers `entity_path` on `host`: scheme and port ignored, host compared
/// case-insensitively, "$hc/" stripped, trailing '/' ignored, path equal or a parent at a segment boundary
/// (compared case-insensitively).
bool audience_covers(const token& t, std::string_view host, std::string_view entity_path);

}  // namespace azbridge::protocol::sas
