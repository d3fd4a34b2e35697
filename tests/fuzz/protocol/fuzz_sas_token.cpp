// SAS tokens as the relay server receives them: parse, verify and check the audience; encoding round-trips.
#include "azbridge/protocol/sas.hpp"

#include "fuzz_check.hpp"

#include <cstdint>
#include <string_view>

namespace sas = azbridge::protocol::sas;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  AZB_FUZZ_CHECK(sas::url_decode(sas::url_encode(text)) == text);
  const std::string audience = sas::normalize_audience(text);
  AZB_FUZZ_CHECK(audience.rfind("http://", 0) == 0 && audience.back() == '/');

  auto t = sas::parse_token(text);
  if (!t) return 0;
  const bool valid = sas::signature_valid(*t, "6v+cMuPz0Ab3RSk8uJ0fC1LTbZ9B5yW7hXq2nDd4eGs=");
  (void)valid;
  (void)sas::audience_covers(*t, "contoso.servicebus.windows.net", "hc1");
  (void)sas::audience_covers(*t, t->skn, t->sr);  // attacker-chosen host and path too
  (void)sas::audience_covers(*t, "[::1]:9555", "");
  return 0;
}
