// Request targets the relay server parses, the sb-hc-* filter, and client URL building from odd input.
#include "azbridge/protocol/relay_url.hpp"

#include "fuzz_check.hpp"

#include <cstdint>
#include <string_view>

using namespace azbridge::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto t = parse_hc_target(text)) {
    AZB_FUZZ_CHECK(!t->path.empty());
    AZB_FUZZ_CHECK(t->app_query.size() <= text.size());
    if (t->status_code) AZB_FUZZ_CHECK(*t->status_code >= 0 && *t->status_code <= 999);
  }
  if (auto h = parse_http_target(text)) {
    AZB_FUZZ_CHECK(h->filtered_target.size() <= text.size());
    AZB_FUZZ_CHECK(!h->filtered_target.empty() && h->filtered_target.front() == '/');
  }
  const std::string filtered = filter_hc_query(text);
  AZB_FUZZ_CHECK(filtered.size() <= text.size());

  // Split the input: endpoint | entity path | app query, to drive the client-side builders too.
  const std::size_t a = text.find('|');
  const std::size_t b = a == std::string_view::npos ? a : text.find('|', a + 1);
  if (b != std::string_view::npos) {
    const auto endpoint = text.substr(0, a);
    const auto path = text.substr(a + 1, b - a - 1);
    const auto query = text.substr(b + 1);
    if (auto url = make_relay_url(endpoint, path, hc_action::connect, "id", query)) {
      AZB_FUZZ_CHECK(url->rfind("ws", 0) == 0);
      AZB_FUZZ_CHECK(url->find("sb-hc-action=connect&sb-hc-id=id") != std::string::npos);
    }
    (void)make_resource_uri(endpoint, path);
  }
  return 0;
}
