#include "azbridge/relay_server/rendezvous_table.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace azbridge::relay_server {

std::string make_rendezvous_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");  // never expected; no weak fallback
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (auto b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

}  // namespace azbridge::relay_server
