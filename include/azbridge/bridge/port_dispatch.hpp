// The remote forwarder's choice of target for one relayed connection (sans-I/O), exactly as azbridge's
// RemoteForwardBridge.HandleRelayConnectionAsync decides it (azbridge-compat.md §4.2):
//   - a preamble whose first 3 bytes are not 01 00 {00|01}: reply 00 00 00 and close;
//   - exactly one forwarder configured on the relay and a numeric port name: that forwarder, whatever
//     its name (PR #55: `-L 3001:a1` reaches `-T a1:3000`);
//   - otherwise an exact, case-sensitive lookup of the port name; not found: no reply, close;
//   - a UDP forwarder asked for a stream: 00 00 01; a stream forwarder asked for datagrams: 00 00 FF;
//   - else 01 00 MODE and the connection goes to that forwarder.
// HTTP forwarders (-H) also take stream connections under their port name "http"/"https" (to host:port).
#pragma once

#include "azbridge/config/config.hpp"
#include "azbridge/protocol/preamble.hpp"
#include "azbridge/util/expected.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace azbridge::bridge {

class port_dispatch {
 public:
  /// Builds the table of one RemoteForward. Failure (a message for the user) when two bindings share a port
  /// name (azbridge crashes on the duplicate dictionary key), a binding has no port name, or an HTTP binding
  /// is not named http or https.
  static expected<port_dispatch> build(const config::remote_forward& forward);

  struct decision {
    /// The bytes to send back; none for an unknown port name (azbridge closes without a word).
    std::optional<std::array<std::uint8_t, protocol::preamble::reply_size>> reply;
    /// The chosen binding (index into the RemoteForward's bindings) when accepted.
    std::optional<std::size_t> binding;
    /// For logs and the Close reason when refused; empty when accepted.
    std::string refusal;
  };

  /// The answer to a complete preamble (mode and port name).
  decision decide(protocol::preamble::mode mode, std::string_view port_name) const;
  /// The answer to a preamble whose version/mode bytes were not understood.
  static decision version_not_understood();

  /// "a, b, c": the port names served, for messages.
  std::string names() const;
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct entry {
    std::string port_name;
    std::size_t binding;
    bool datagram;
  };
  std::vector<entry> entries_;
};

/// C#'s int.TryParse on a port name (optional surrounding white space, optional sign, decimal digits that
/// fit in 32 bits): what turns on the single-forwarder fallback.
bool parses_as_int(std::string_view text);

}  // namespace azbridge::bridge
