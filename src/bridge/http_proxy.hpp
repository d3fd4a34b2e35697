// HTTP mode (internal): answers one relayed HTTP request by sending it to the binding's http/https origin
// with a Beast client (one connection per request), as azbridge's TcpRemoteForwarder.HandleRequest does,
// with its bugs fixed (http_mapping.hpp): every end-to-end header copied both ways, redirects returned to
// the caller instead of followed, TLS verified unless the binding says Insecure.
#pragma once

#include "azbridge/bridge/http_mapping.hpp"
#include "azbridge/relay_client/listener.hpp"
#include "runtime.hpp"

#include <memory>
#include <string>

namespace azbridge::bridge::detail {

struct http_binding {
  http_origin origin;
  bool insecure = false;
  std::shared_ptr<net::ssl::context> tls;  // for https origins: verified unless insecure
};

/// Builds the binding (and its TLS context) from a RemoteForward binding with Http: true.
expected<http_binding> make_http_binding(const config::remote_forward_binding& b);

/// Answers the request. Never throws: failures to reach the origin become 500 with a one-line text body
/// (the relay protocol does not allow listeners to answer 502/504).
net::awaitable<relay_client::http_response> forward_http(runtime& rt, const http_binding& binding,
                                                         const std::string& relay, relay_client::http_request request);

}  // namespace azbridge::bridge::detail
