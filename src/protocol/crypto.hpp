// The few OpenSSL primitives the protocol needs (internal; not installed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace azbridge::protocol::detail {

/// Base64 (standard alphabet, with '=' padding) of HMAC-SHA256(key, message); key and message are used as bytes.
std::string hmac_sha256_base64(std::string_view key, std::string_view message);

/// Fills `out` with cryptographically strong random bytes; false if OpenSSL's generator failed.
bool random_bytes(std::uint8_t* out, std::size_t size) noexcept;

/// Constant-time equality for equal-length inputs (different lengths compare unequal, leaking only the length).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace azbridge::protocol::detail
