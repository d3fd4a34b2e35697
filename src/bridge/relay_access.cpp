#include "relay_access.hpp"

#include "azbridge/relay_client/sender.hpp"

#include <fmt/format.h>

namespace azbridge::bridge::detail {

namespace preamble = protocol::preamble;

namespace {

expected<relay_access> make_access(const std::optional<protocol::connection_string>& cs, const std::string& relay,
                                   bool no_authentication, const std::string& origin) {
  if (!cs || cs->endpoint.empty()) {
    return failure{fmt::format("{}: no relay endpoint for '{}' (give -x, -e or a ConnectionString)", origin, relay)};
  }
  relay_access a;
  a.endpoint = cs->endpoint;
  a.entity = cs->entity_path.empty() ? relay : cs->entity_path;
  // The SDK's sender waits 70 s unless the connection string sets another OperationTimeout.
  if (cs->operation_timeout && *cs->operation_timeout != std::chrono::minutes(1)) a.connect_timeout = *cs->operation_timeout;
  if (no_authentication) {
    a.tokens = relay_client::make_no_auth_provider();
  } else if (!cs->shared_access_signature.empty()) {
    auto p = relay_client::make_static_sas_provider(cs->shared_access_signature);
    if (!p) return failure{fmt::format("{}: the shared access signature for '{}' is not usable: {}", origin, relay, p.error())};
    a.tokens = std::move(*p);
  } else if (!cs->shared_access_key_name.empty() && !cs->shared_access_key.empty()) {
    a.tokens = relay_client::make_sas_key_provider(cs->shared_access_key_name, cs->shared_access_key);
  } else {
    return failure{fmt::format("{}: no credentials for relay '{}': give -K and -k, -s, or a connection string with "
                               "SharedAccessKeyName and SharedAccessKey (Entra ID sign-in is not supported by the "
                               "forwarders yet)",
                               origin, relay)};
  }
  return a;
}

std::string describe_refusal(std::span<const std::uint8_t, preamble::reply_size> reply, const std::string& port) {
  auto d = preamble::decode_reply(reply);
  switch (d.code) {
    case preamble::reply_code::version_not_understood:
      return "the remote forwarder does not understand this preamble version (reply 00 00 00)";
    case preamble::reply_code::datagram_only:
      return fmt::format("port '{}' is a UDP port on the remote side (reply 00 00 01)", port);
    case preamble::reply_code::stream_only:
      return fmt::format("port '{}' is a TCP/socket port on the remote side (reply 00 00 FF)", port);
    default:
      return fmt::format("unexpected reply {:02x} {:02x} {:02x} from the remote forwarder", reply[0], reply[1], reply[2]);
  }
}

}  // namespace

expected<relay_access> sender_access(const config::config& cfg, const config::local_forward& forward,
                                     const config::local_forward_binding& binding) {
  return make_access(config::effective_connection(cfg, forward), forward.relay_name, binding.no_authentication,
                     forward.origin);
}

expected<relay_access> listener_access(const config::config& cfg, const config::remote_forward& forward) {
  return make_access(config::effective_connection(cfg, forward), forward.relay_name, false, forward.origin);
}

net::awaitable<opened_channel> open_relayed(runtime& rt, const relay_access& access, preamble::mode mode,
                                            const std::string& port_name) {
  opened_channel out;
  relay_client::connect_options options;
  options.timeout = access.connect_timeout;
  auto r = co_await relay_client::connect(rt.tls, access.endpoint, access.entity, *access.tokens, options);
  if (!r.stream) {
    out.error = r.error.message;
    co_return out;
  }
  auto ch = ws_channel::adopt(std::move(*r.stream));
  // As the C# sender: the 4-byte header and the name as two messages, then exactly 3 reply bytes.
  auto header = preamble::encode_header(mode, port_name);
  if (!header) {
    out.error = header.error();
    ch.abort();
    co_return out;
  }
  watchdog limit(ch.get_executor(), rt.preamble_timeout, [ch]() mutable { ch.abort(); });
  auto ec = co_await ch.write(std::span<const std::uint8_t>(*header));
  if (!ec) ec = co_await ch.write({reinterpret_cast<const std::uint8_t*>(port_name.data()), port_name.size()});
  std::array<std::uint8_t, preamble::reply_size> reply{};
  if (!ec) ec = co_await ch.read_exact(reply);
  if (ec == ws_channel::closed()) {
    // azbridge's listener closes without a word for an unknown port name; ours says why in the Close.
    out.refused = true;
    out.error = ch.close_reason().empty() || ch.close_reason() == "Shutdown"
                    ? fmt::format("the remote forwarder closed the connection without accepting port '{}' (unknown "
                                  "port name on relay '{}'?)",
                                  port_name, access.entity)
                    : fmt::format("the remote forwarder refused port '{}': {}", port_name, ch.close_reason());
    co_await ch.finish(std::chrono::seconds(2));
    co_return out;
  }
  if (ec) {
    out.error = limit.fired() ? fmt::format("no answer to the preamble within {} s",
                                            std::chrono::duration_cast<std::chrono::seconds>(rt.preamble_timeout).count())
                              : "relayed connection failed during the preamble: " + ec.message();
    ch.abort();
    co_return out;
  }
  if (!preamble::reply_accepts(reply, mode)) {
    out.refused = true;
    out.error = describe_refusal(reply, port_name);
    co_await ch.finish(std::chrono::seconds(2));
    co_return out;
  }
  out.channel = std::move(ch);
  co_return out;
}

}  // namespace azbridge::bridge::detail
