// Fuzzes the YAML loader from a string (yaml-cpp's exceptions must come back as failures, never escape).
// Property: whatever loads prints, and the printed form loads back to the same print.
#include "azbridge/config/yaml.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace azbridge::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = load_yaml(text, yaml_source{"fuzz.yml", nullptr});  // no locality check: no DNS while fuzzing
  if (!c) return 0;
  auto printed = to_yaml(*c, secrets::show);
  auto again = load_yaml(printed, yaml_source{"printed.yml", nullptr});
  if (!again || to_yaml(*again, secrets::show) != printed) __builtin_trap();
  (void)to_yaml(*c);  // the redacting printer too
  return 0;
}
