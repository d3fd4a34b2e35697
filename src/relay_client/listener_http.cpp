// Relayed HTTP: requests from the control channel or fetched over a rendezvous, answered on the control
// channel (small, ready bodies) or over a rendezvous (large bodies, or when the request came that way).
#include "listener_impl.hpp"

#include "azbridge/relay_client/rendezvous.hpp"
#include "azbridge/util/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <fmt/format.h>

#include <exception>

namespace azbridge::relay_client {

namespace asio = net::asio;

namespace {

/// Fragment size for bodies streamed over a rendezvous.
constexpr std::size_t body_fragment = 64 * 1024;

http_request to_request(protocol::request_command& cmd, std::string body, bool via_rendezvous) {
  http_request r;
  r.id = std::move(cmd.id);
  r.method = cmd.method.value_or("GET");
  r.target = cmd.request_target.value_or("/");
  r.headers = std::move(cmd.request_headers);
  r.body = std::move(body);
  r.remote = std::move(cmd.remote);
  r.via_rendezvous = via_rendezvous;
  return r;
}

net::awaitable<http_response> call_handler(const std::shared_ptr<listener::impl>& self, http_request request) {
  http_response response;
  if (!self->handlers.on_request) {
    response.status_code = 501;
    response.reason = "This listener does not handle HTTP requests";
    co_return response;
  }
  const std::string id = request.id;
  try {
    response = co_await self->handlers.on_request(std::move(request));
  } catch (const std::exception& e) {
    log::error("RelayRequestHandlerFailed", "listener for '{}': request {} failed: {}", self->options.entity_path,
               id, e.what());
    response = http_response{};
    response.status_code = 500;
  }
  co_return response;
}

std::string encode_response(const std::string& request_id, const http_response& r) {
  protocol::response_command c;
  c.request_id = request_id;
  c.status_code = r.status_code;
  c.status_description =
      r.reason.empty() ? std::string(net::http::obsolete_reason(static_cast<net::http::status>(r.status_code)))
                       : r.reason;
  c.response_headers = r.headers;
  c.body = !r.body.empty();
  return protocol::encode(c);
}

/// Writes the response JSON and its body (in fragments, ended by a FIN frame) on a rendezvous stream.
net::awaitable<net::error_code> write_response(net::ws_stream& ws, const std::string& json, const std::string& body) {
  ws.text(true);
  auto [ec, n] = co_await ws.write(asio::buffer(json));
  ws.binary(true);
  if (ec || body.empty()) co_return ec;
  std::size_t offset = 0;
  do {
    const auto chunk = std::min(body_fragment, body.size() - offset);
    const bool fin = offset + chunk == body.size();
    auto [wec, wn] = co_await ws.write_some(fin, asio::buffer(body.data() + offset, chunk));
    if (wec) co_return wec;
    offset += chunk;
  } while (offset < body.size());
  co_return net::error_code{};
}

net::awaitable<std::optional<net::ws_stream>> open_rendezvous(const std::shared_ptr<listener::impl>& self,
                                                               const std::string& address, const std::string& id) {
  auto url = net::ws_url::parse(address);
  if (!url) {
    log::warn("RelayRequestFailed", "listener for '{}': invalid rendezvous address for request {}",
              self->options.entity_path, id);
    co_return std::nullopt;
  }
  net::ws_connect_options o;
  o.timeout = self->options.rendezvous_timeout;
  o.verify_tls = self->options.verify_tls;
  auto result = co_await net::ws_connect(self->options.tls, *url, std::move(o));
  if (result.ec) {
    log::warn("RelayRequestFailed", "listener for '{}': rendezvous for request {} failed: {}",
              self->options.entity_path, id, result.describe());
    co_return std::nullopt;
  }
  co_return std::move(result.stream);
}

net::awaitable<void> respond_on_rendezvous(std::shared_ptr<listener::impl> self, net::ws_stream& ws,
                                           const std::string& request_id, const std::string& json,
                                           const std::string& body) {
  detail::stream_watchdog guard(ws, self->options.response_timeout);
  auto ec = co_await write_response(ws, json, body);
  if (!ec) ec = co_await ws.close({net::websocket::close_code::normal, "Normal Closure"});
  if (ec) {
    log::warn("RelayResponseFailed", "listener for '{}': response to {} failed: {}", self->options.entity_path,
              request_id, guard.fired() ? std::string("timed out") : ec.message());
  }
}

net::awaitable<void> control_request(std::shared_ptr<listener::impl> self, std::weak_ptr<control_channel> channel,
                                     protocol::request_command cmd, std::string body) {
  const std::string id = cmd.id;
  const std::string address = cmd.address;
  auto response = co_await call_handler(self, to_request(cmd, std::move(body), false));
  auto json = encode_response(id, response);
  if (choose_response_route(false, json.size(), response.body.size()) == response_route::control_channel) {
    // The channel belongs to the listener's strand: hand the response over there.
    asio::post(self->strand, [channel, json = std::move(json), body = std::move(response.body), id]() mutable {
      auto ch = channel.lock();
      if (!ch || ch->writer.is_shut()) {
        log::warn("RelayResponseFailed", "response to {} dropped: the control channel was lost", id);
        return;
      }
      if (body.empty()) {
        ch->writer.push_text(std::move(json));
      } else {
        ch->writer.push_text_and_body(std::move(json), std::move(body));
      }
    });
    co_return;
  }
  auto ws = co_await open_rendezvous(self, address, id);
  if (!ws) co_return;
  co_await respond_on_rendezvous(self, *ws, id, json, response.body);
}

net::awaitable<void> rendezvous_request(std::shared_ptr<listener::impl> self, protocol::request_command announced) {
  auto ws = co_await open_rendezvous(self, announced.address, announced.id);
  if (!ws) co_return;
  const auto& entity = self->options.entity_path;
  std::optional<protocol::request_command> cmd;
  std::string body;
  {
    // The relay sends the request promptly; bound the wait like the rendezvous connect.
    detail::stream_watchdog guard(*ws, self->options.rendezvous_timeout);
    ws->read_message_max(self->options.max_request_body);
    boost::beast::flat_buffer buffer;
    auto [ec, n] = co_await ws->read(buffer);
    if (!ec && ws->got_text()) {
      auto decoded = protocol::decode_listener_command(boost::beast::buffers_to_string(buffer.data()));
      if (decoded && std::holds_alternative<protocol::request_command>(*decoded)) {
        cmd = std::move(std::get<protocol::request_command>(*decoded));
      }
    }
    if (!cmd) {
      log::warn("RelayRequestFailed", "listener for '{}': no request on the rendezvous for {}: {}", entity,
                announced.id, ec ? ec.message() : std::string("unexpected message"));
      ws->abort();
      co_return;
    }
    if (cmd->body.value_or(false)) {
      buffer.clear();
      auto [bec, bn] = co_await ws->read(buffer);
      if (bec) {
        log::warn("RelayRequestFailed", "listener for '{}': reading the body of {} failed: {}", entity,
                  announced.id, bec == net::websocket::error::message_too_big
                                    ? fmt::format("larger than {} bytes", self->options.max_request_body)
                                    : bec.message());
        ws->abort();
        co_return;
      }
      body = boost::beast::buffers_to_string(buffer.data());
    }
  }
  if (cmd->id.empty()) cmd->id = announced.id;
  const std::string id = cmd->id;
  auto response = co_await call_handler(self, to_request(*cmd, std::move(body), true));
  co_await respond_on_rendezvous(self, *ws, id, encode_response(id, response), response.body);
}

}  // namespace

void listener::impl::on_control_request(const std::shared_ptr<control_channel>& ch, protocol::request_command cmd,
                                        std::string body) {
  asio::co_spawn(strand, control_request(shared_from_this(), ch, std::move(cmd), std::move(body)), asio::detached);
}

void listener::impl::on_rendezvous_request(protocol::request_command cmd) {
  asio::co_spawn(asio::make_strand(base), rendezvous_request(shared_from_this(), std::move(cmd)), asio::detached);
}

}  // namespace azbridge::relay_client
