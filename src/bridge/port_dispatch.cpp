#include "azbridge/bridge/port_dispatch.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace azbridge::bridge {

namespace preamble = protocol::preamble;

bool parses_as_int(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
    if (value > 2147483648LL) return false;
  }
  return negative ? value <= 2147483648LL : value <= 2147483647LL;
}

expected<port_dispatch> port_dispatch::build(const config::remote_forward& forward) {
  port_dispatch table;
  for (std::size_t i = 0; i < forward.bindings.size(); ++i) {
    const auto& b = forward.bindings[i];
    std::string name = b.effective_port_name();
    if (name.empty()) {
      return failure{fmt::format("{}: the binding for socket '{}' on relay '{}' needs a PortName", forward.origin,
                                 b.local_socket, forward.relay_name)};
    }
    if (b.http && name != "http" && name != "https") {
      return failure{fmt::format("{}: an HTTP binding on relay '{}' must be named 'http' or 'https', not '{}'",
                                 forward.origin, forward.relay_name, name)};
    }
    for (const auto& e : table.entries_) {
      if (e.port_name == name) {
        return failure{fmt::format("{}: relay '{}' has two bindings with the port name '{}'; give each a "
                                   "different name (-T relay:name1/port;name2/port)",
                                   forward.origin, forward.relay_name, name)};
      }
    }
    table.entries_.push_back({std::move(name), i, b.is_udp()});
  }
  return table;
}

port_dispatch::decision port_dispatch::version_not_understood() {
  decision d;
  d.reply = preamble::encode_reply(preamble::reply_code::version_not_understood);
  d.refusal = "the sender's preamble version or mode is not understood";
  return d;
}

port_dispatch::decision port_dispatch::decide(preamble::mode mode, std::string_view port_name) const {
  const entry* found = nullptr;
  if (entries_.size() == 1 && parses_as_int(port_name)) {
    found = &entries_.front();
  } else {
    for (const auto& e : entries_) {
      if (e.port_name == port_name) {
        found = &e;
        break;
      }
    }
  }
  decision d;
  if (found == nullptr) {
    d.refusal = fmt::format("unknown port name '{}' (this relay serves: {})", port_name, names());
    return d;
  }
  if (found->datagram && mode != preamble::mode::datagram) {
    d.reply = preamble::encode_reply(preamble::reply_code::datagram_only);
    d.refusal = fmt::format("port '{}' forwards UDP, the sender asked for a stream", found->port_name);
    return d;
  }
  if (!found->datagram && mode == preamble::mode::datagram) {
    d.reply = preamble::encode_reply(preamble::reply_code::stream_only);
    d.refusal = fmt::format("port '{}' forwards a stream, the sender asked for UDP", found->port_name);
    return d;
  }
  d.reply = preamble::encode_reply(preamble::reply_code::accepted, mode);
  d.binding = found->binding;
  return d;
}

std::string port_dispatch::names() const {
  std::string out;
  for (const auto& e : entries_) {
    if (!out.empty()) out += ", ";
    out += e.port_name;
  }
  return out.empty() ? std::string("nothing") : out;
}

}  // namespace azbridge::bridge
