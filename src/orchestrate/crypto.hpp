// Base64, HMAC-SHA256, SHA-256 and random bytes from OpenSSL, for SAS tokens and resource names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace azbridge::orchestrate::crypto {

std::string base64_encode(std::string_view bytes);
/// nullopt when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string sha256_hex(std::string_view data);
/// `n` random bytes as lower-case hex (2n characters).
std::string random_hex(std::size_t n);
/// A random (version 4) UUID, lower-case.
std::string uuid4();

}  // namespace azbridge::orchestrate::crypto
