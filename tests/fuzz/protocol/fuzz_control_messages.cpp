// Control messages: both decoders on any text; whatever decodes must re-encode and decode to the same values.
#include "azbridge/protocol/control_messages.hpp"

#include "fuzz_check.hpp"

#include <cstdint>
#include <string_view>

using namespace azbridge::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto cmd = decode_listener_command(text)) {
    if (const auto* a = std::get_if<accept_command>(&*cmd)) {
      auto again = decode_listener_command(encode(*a));
      AZB_FUZZ_CHECK(again.has_value());
      const auto& b = std::get<accept_command>(*again);
      AZB_FUZZ_CHECK(b.address == a->address && b.id == a->id);
      AZB_FUZZ_CHECK(b.remote.has_value() == a->remote.has_value());
      AZB_FUZZ_CHECK(b.connect_headers.size() <= a->connect_headers.size());
    } else {
      const auto& r = std::get<request_command>(*cmd);
      auto again = decode_listener_command(encode(r));
      AZB_FUZZ_CHECK(again.has_value());
      const auto& b = std::get<request_command>(*again);
      AZB_FUZZ_CHECK(b.id == r.id && b.address == r.address && b.method == r.method && b.body == r.body);
      AZB_FUZZ_CHECK(b.request_target == r.request_target);
      AZB_FUZZ_CHECK(b.needs_rendezvous() == r.needs_rendezvous());
    }
  } else {
    AZB_FUZZ_CHECK(!cmd.error().empty());
  }

  if (auto reply = decode_listener_reply(text)) {
    if (const auto* r = std::get_if<response_command>(&*reply)) {
      AZB_FUZZ_CHECK(r->status_code >= 100 && r->status_code <= 999);
      auto again = decode_listener_reply(encode(*r));
      AZB_FUZZ_CHECK(again.has_value());
      const auto& b = std::get<response_command>(*again);
      AZB_FUZZ_CHECK(b.request_id == r->request_id && b.status_code == r->status_code && b.body == r->body);
      AZB_FUZZ_CHECK(b.status_description == r->status_description);
    } else {
      const auto& t = std::get<renew_token_command>(*reply);
      auto again = decode_listener_reply(encode(t));
      AZB_FUZZ_CHECK(again.has_value() && std::get<renew_token_command>(*again).token == t.token);
    }
  } else {
    AZB_FUZZ_CHECK(!reply.error().empty());
  }
  return 0;
}
