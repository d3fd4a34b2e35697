// HMAC-SHA256, base64, random bytes and constant-time comparison through OpenSSL.
#include "crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <climits>
#include <stdexcept>

namespace azbridge::protocol::detail {

std::string hmac_sha256_base64(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  // HMAC() with an empty key still needs a non-null pointer.
  static const unsigned char empty = 0;
  const auto* key_bytes = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
  if (key.size() > INT_MAX ||
      HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &mac_len) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed");

  std::string out(4 * ((mac_len + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac.data(), static_cast<int>(mac_len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool random_bytes(std::uint8_t* out, std::size_t size) noexcept {
  return size <= INT_MAX && RAND_bytes(out, static_cast<int>(size)) == 1;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace azbridge::protocol::detail
