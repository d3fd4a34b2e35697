// SAS token creation, exactly as SharedAccessSignatureTokenProvider builds it.
#include "azbridge/protocol/sas.hpp"

#include "crypto.hpp"

#include <stdexcept>

namespace azbridge::protocol::sas {
namespace {

constexpr std::size_t max_key_length = 256;  // SharedAccessSignatureToken.MaxKeyNameLength / MaxKeyLength

// .NET string.Length: UTF-16 code units. A 4-byte UTF-8 sequence is a surrogate pair.
std::size_t utf16_length(std::string_view utf8) {
  std::size_t units = 0;
  for (const char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte
    units += b >= 0xF0 ? 2 : 1;
  }
  return units;
}

}  // namespace

std::optional<std::string> check_key(std::string_view key_name, std::string_view key) {
  if (key_name.empty()) return "Value cannot be null. (Parameter 'keyName')";
  if (key.empty()) return "Value cannot be null. (Parameter 'sharedAccessKey')";
  if (utf16_length(key_name) > max_key_length) return "The argument 'keyName' cannot exceed 256 characters.";
  if (utf16_length(key) > max_key_length) return "The argument 'sharedAccessKey' cannot exceed 256 characters.";
  return std::nullopt;
}

std::string make_token(std::string_view resource_uri, std::string_view key_name, std::string_view key,
                       std::int64_t expiry_unix_seconds) {
  if (auto problem = check_key(key_name, key)) throw std::invalid_argument(*problem);
  const std::string sr = url_encode(normalize_audience(resource_uri));
  const std::string se = std::to_string(expiry_unix_seconds);
  const std::string sig = detail::hmac_sha256_base64(key, sr + "\n" + se);
  return "SharedAccessSignature sr=" + sr + "&sig=" + url_encode(sig) + "&se=" + url_encode(se) +
         "&skn=" + url_encode(key_name);
}

std::string make_token(std::string_view resource_uri, std::string_view key_name, std::string_view key,
                       std::chrono::seconds ttl) {
  // The SDK rounds (Convert.ToInt64 of fractional seconds) the expiry measured from the Unix epoch.
  const auto expiry = std::chrono::round<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch() + ttl);
  return make_token(resource_uri, key_name, key, static_cast<std::int64_t>(expiry.count()));
}

}  // namespace azbridge::protocol::sas
