// Fuzzes the forwarding grammars. The first byte picks -L, -T, -R or -H; the rest is the expression.
// Properties: no crash; a parsed forward survives a print/load round trip through the YAML schema unchanged.
#include "azbridge/config/grammar.hpp"
#include "azbridge/config/yaml.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace azbridge::config;

namespace {

void round_trip(const config& c) {
  auto printed = to_yaml(c, secrets::show);
  auto again = load_yaml(printed, yaml_source{"fuzz", nullptr});
  if (!again || to_yaml(*again, secrets::show) != printed) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view expr(reinterpret_cast<const char*>(data + 1), size - 1);
  config c;
  switch (data[0] % 4) {
    case 0:
      if (auto f = parse_local_forward(expr)) c.local_forwards.push_back(*f);
      break;
    case 1:
      if (auto f = parse_remote_forward(expr)) c.remote_forwards.push_back(*f);
      break;
    case 2:
      if (auto f = parse_remote_forward_legacy(expr)) c.remote_forwards.push_back(*f);
      break;
    default:
      if (auto f = parse_remote_http_forward(expr)) c.remote_forwards.push_back(*f);
      break;
  }
  if (c.has_forwards()) round_trip(c);
  return 0;
}
