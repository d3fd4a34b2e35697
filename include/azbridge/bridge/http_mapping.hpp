// HTTP mode (-H, Http: true): how a relayed request maps onto the target origin (sans-I/O), as azbridge's
// TcpRemoteForwarder.HandleRequest does it (azbridge-compat.md §4.5), with its bugs fixed:
//   - the request target starts with "/{relay name}": that prefix and one '/' after it are removed, and the
//     rest is resolved against http(s)://host:port/{path}/ (RFC 3986 reference resolution, as .NET's Uri);
//     the prefix must end at a segment boundary ("/relayX" is not "/relay"), and the path keeps its
//     percent-encoding (azbridge decodes it, so %2F became '/');
//   - every end-to-end header is passed on, content headers included (azbridge dropped or failed on them);
//     hop-by-hop headers and Host are not (Host names the target);
//   - the answer keeps every header line except hop-by-hop ones (repeated names, Set-Cookie included, reach
//     the relay joined with ", ": the protocol's responseHeaders is a JSON object that holds a name once).
#pragma once

#include "azbridge/util/expected.hpp"

#include <string>
#include <string_view>

namespace azbridge::bridge {

struct http_origin {
  bool tls = false;        // https
  std::string host;        // name or IP literal (IPv6 without brackets)
  int port = 80;
  std::string base_path;   // "/", or "/p1/p2/" (always starts and ends with '/')
};

/// The origin of an HTTP binding: scheme from its port name ("http"/"https"), host, port, path ("/p1/p2/").
expected<http_origin> make_http_origin(std::string_view scheme, std::string_view host, int port, std::string_view path);

struct http_target {
  std::string target;       // origin-form request target for the origin: "/p1/p2/x?y"
  std::string host_header;  // "host[:port]" (port omitted when it is the scheme's default)
  std::string url;          // the whole URL, for logs
};

/// Maps a relayed request target ("/{relay}/x?y", sb-hc-* already removed by the relay) onto `origin`.
expected<http_target> map_http_target(std::string_view relay_name, const http_origin& origin,
                                      std::string_view request_target);

/// Hop-by-hop and framing headers that are never copied between the relayed request and the origin:
/// Connection, Keep-Alive, Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, TE, Trailer,
/// Transfer-Encoding, Upgrade, Content-Length (recomputed), Host (request side only, set for the origin).
bool is_hop_by_hop_header(std::string_view name);

}  // namespace azbridge::bridge
